#pragma once

#include "LabelCatalog.h"
#include "StoredMessage.h"

#include <QHash>
#include <QList>
#include <QMutex>
#include <QString>

#include <deque>
#include <functional>
#include <map>
#include <optional>

namespace sandbox {

// One user's mailbox. All methods are thread-safe (one QMutex): the HTTP server calls them from its
// worker threads while the control API adds or changes messages.
class Mailbox final {
public:
    explicit Mailbox(QString email);
    Q_DISABLE_COPY_MOVE(Mailbox)

    QString email() const;
    quint64 historyId() const;       // grows with every change
    quint64 oldestHistoryId() const; // history before this is gone (404 for older start ids)

    // Adds a message (raw RFC 822 bytes). threadId: given, or by In-Reply-To/References of a known
    // message, or a new thread = its own id. Returns the stored copy (with id, historyId).
    StoredMessage add(const QByteArray &raw, const QStringList &labelIds, qint64 internalDateMs,
                      QString threadId = {});
    bool remove(const QString &id);
    bool modifyLabels(const QString &id, const QStringList &add, const QStringList &remove);
    std::optional<StoredMessage> message(const QString &id) const;
    QList<StoredMessage> messages() const; // newest internalDate first (Gmail's list order)
    QList<StoredMessage> thread(const QString &threadId) const; // oldest first
    // Records with id > start, in order. One modifyLabels call that both adds and removes labels gives
    // a LabelAdded and a LabelRemoved record with the same id (one Gmail history entry).
    QList<HistoryRecord> historySince(quint64 startHistoryId) const;
    void expireHistory(); // drop all history records kept so far (oldest := current+1)
    int messagesTotal() const;
    int threadsTotal() const;

    // users.labels: the catalog, and a user label created or renamed (control API).
    QList<LabelCatalog::Label> labels() const;
    std::optional<LabelCatalog::Label> label(const QString &id) const;
    bool defineLabel(const QString &id, const QString &name, const QString &textColor,
                     const QString &backgroundColor);
    // Messages and unread messages carrying `labelId` (labels.get's messagesTotal / messagesUnread).
    std::pair<int, int> labelCounts(const QString &labelId) const;

    // Called after each change (outside the lock) with the new historyId; MailboxStore wires it.
    void setChangeListener(std::function<void(const QString &email, quint64 historyId)> listener);

private:
    struct Key { // list order: newest internalDate first, then newest id (ties broken stably)
        qint64 internalDateMs;
        QString id;
        bool operator<(const Key &o) const {
            return internalDateMs != o.internalDateMs ? internalDateMs > o.internalDateMs : id > o.id;
        }
    };

    QString newIdLocked(qint64 internalDateMs);
    QStringList internLabels(const QStringList &labels);
    std::map<Key, StoredMessage>::iterator findLocked(const QString &id);
    std::map<Key, StoredMessage>::const_iterator findLocked(const QString &id) const;
    QString threadForLocked(const QByteArray &raw) const;
    void notify(quint64 historyId) const;

    const QString m_email;
    mutable QMutex m_mutex;
    quint64 m_historyId = 1;
    quint64 m_oldestHistoryId = 1;
    quint64 m_idCounter = 0;
    QHash<QString, QString> m_labelPool; // one shared copy of each label name
    LabelCatalog m_labelCatalog;
    std::map<Key, StoredMessage> m_messages;              // in list order, so listing needs no index lookups
    QHash<QString, qint64> m_dates;                       // id → internalDate, to find a message's Key
    QHash<QString, QList<QString>> m_threads;             // threadId → message ids
    QHash<QByteArray, QString> m_messageIdHeaderToThread; // RFC 5322 Message-ID → threadId
    std::deque<HistoryRecord> m_history;
    std::function<void(const QString &, quint64)> m_listener;
};

} // namespace sandbox
