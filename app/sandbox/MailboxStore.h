#pragma once

#include "Mailbox.h"

#include <QHash>
#include <QMutex>
#include <QStringList>

#include <functional>
#include <memory>

namespace sandbox {

// All users' mailboxes, keyed by lower-cased address. Thread-safe.
class MailboxStore final {
public:
    MailboxStore() = default;
    ~MailboxStore();
    Q_DISABLE_COPY_MOVE(MailboxStore)

    // The mailbox a request names: "me" means the authenticated user (Gmail API userId parameter).
    std::shared_ptr<Mailbox> mailbox(const QString &emailOrMe, const QString &authenticatedEmail) const;
    std::shared_ptr<Mailbox> find(const QString &email) const; // case-insensitive
    std::shared_ptr<Mailbox> create(const QString &email);     // or existing
    QStringList emails() const;

    // Called after every change to any mailbox of this store (outside its lock); set by the Pub/Sub side
    // before the server starts.
    std::function<void(const QString &email, quint64 historyId)> onChanged;

private:
    mutable QMutex m_mutex;
    QHash<QString, std::shared_ptr<Mailbox>> m_mailboxes;
};

} // namespace sandbox
