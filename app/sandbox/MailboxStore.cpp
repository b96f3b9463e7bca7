#include "MailboxStore.h"

#include <QMutexLocker>

namespace sandbox {

MailboxStore::~MailboxStore() {
    // Mailboxes are shared and may outlive the store: they must not call back into it.
    QMutexLocker lock(&m_mutex);
    for (const auto &mailbox : std::as_const(m_mailboxes))
        mailbox->setChangeListener({});
}

std::shared_ptr<Mailbox> MailboxStore::mailbox(const QString &emailOrMe,
                                               const QString &authenticatedEmail) const {
    // Gmail API: userId "me" names the authenticated user.
    return find(emailOrMe == u"me" ? authenticatedEmail : emailOrMe);
}

std::shared_ptr<Mailbox> MailboxStore::find(const QString &email) const {
    QMutexLocker lock(&m_mutex);
    return m_mailboxes.value(email.toLower());
}

std::shared_ptr<Mailbox> MailboxStore::create(const QString &email) {
    QMutexLocker lock(&m_mutex);
    const QString key = email.toLower();
    auto it = m_mailboxes.constFind(key);
    if (it != m_mailboxes.constEnd())
        return *it;
    auto mailbox = std::make_shared<Mailbox>(email);
    mailbox->setChangeListener([this](const QString &address, quint64 historyId) {
        if (onChanged)
            onChanged(address, historyId);
    });
    m_mailboxes.insert(key, mailbox);
    return mailbox;
}

QStringList MailboxStore::emails() const {
    QMutexLocker lock(&m_mutex);
    QStringList result;
    for (const auto &mailbox : std::as_const(m_mailboxes))
        result.append(mailbox->email());
    result.sort(Qt::CaseInsensitive);
    return result;
}

} // namespace sandbox
