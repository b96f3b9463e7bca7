#pragma once

#include "StoredMessage.h"

#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>

namespace sandbox {

// The subset of Gmail's search operators (support.google.com/mail/answer/7190,
// developers.google.com/gmail/api/guides/filtering) a sync engine uses to cut a mailbox into windows:
//   after:/before:  YYYY/MM/DD or YYYY-MM-DD (midnight America/Los_Angeles, as Gmail reads them) or epoch
//                   seconds; after: is inclusive, before: exclusive, so adjacent windows never overlap.
//   newer_than:/older_than:  Nd, Nm (months), Ny relative to now.
//   in:X / label:X / is:X   a label (system labels by name, e.g. in:inbox, is:unread; user labels by id).
//   category:X             CATEGORY_X.
//   -in:X, -label:X, …     the label must be absent (e.g. -in:chats).
//   in:anywhere            also SPAM and TRASH.
// Terms are ANDed. Anything else is refused with an error rather than silently ignored.
class QueryFilter final {
public:
    static std::optional<QueryFilter> parse(const QString &q, const QDateTime &now, QString *error);

    bool matches(const StoredMessage &m) const;
    // The query itself asks for SPAM/TRASH (in:spam, in:trash, in:anywhere): includeSpamTrash is implied.
    bool includesSpamTrash() const { return m_includesSpamTrash; }
    std::optional<qint64> afterMs() const { return m_afterMs; }
    std::optional<qint64> beforeMs() const { return m_beforeMs; }
    QStringList labels() const { return m_labels; }

private:
    std::optional<qint64> m_afterMs;  // internalDate >= this
    std::optional<qint64> m_beforeMs; // internalDate < this
    QStringList m_labels;             // all must be present
    QStringList m_excludedLabels;     // none may be present
    bool m_includesSpamTrash = false;
};

} // namespace sandbox
