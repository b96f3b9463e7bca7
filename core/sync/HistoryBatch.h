#pragma once

#include "db/EmailRepository.h"
#include "sync/MailSource.h"

#include <QHash>
#include <QSet>
#include <QStringList>

namespace syncengine {

// Folds a run of history records (users.history.list, applied in order) into what one transaction
// writes: messages to fetch, rows to delete, and one net label change per message.
//
// Label changes compose: after "add A" and "remove R" the set is (S \ R) ∪ A with A ∩ R = ∅; a further
// add A2 gives A ∪ A2, R \ A2; a further remove R2 gives A \ R2, R ∪ R2. So any sequence reduces to one
// (add, remove) pair per message, applied in one UPDATE. Messages added in the run are fetched after the
// run, so they arrive with their current labels; re-applying the net change on top is harmless.
class HistoryBatch final {
public:
    void apply(const HistoryChange &change);

    QStringList addedIds() const;   // in order of appearance, minus those deleted later in the run
    QStringList deletedIds() const; // deleted for good (messagesDeleted)
    QList<db::LabelChange> labelChanges() const; // minus deleted messages
    int recordCount() const { return m_records; }
    bool isEmpty() const { return m_records == 0; }

private:
    struct Delta {
        QSet<QString> add;
        QSet<QString> remove;
    };
    QStringList m_added;
    QSet<QString> m_addedSet;
    QStringList m_deleted;
    QSet<QString> m_deletedSet;
    QHash<QString, Delta> m_labels;
    QStringList m_labelOrder;
    int m_records = 0;
};

} // namespace syncengine
