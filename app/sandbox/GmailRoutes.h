#pragma once

#include "ApiMessages.h"
#include "StoredMessage.h"

#include <QHash>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace sandbox {

class Mailbox;
class MailboxStore;
class TokenStore;

// The Gmail API v1 resources under /gmail/v1/users/{userId}/…
// (developers.google.com/gmail/api/reference/rest): getProfile, messages.list/get, messages.attachments.get,
// threads.get, history.list, watch, stop. Faults and quota are the caller's business (SandboxServer); this
// class authenticates and answers.
class GmailRoutes final {
public:
    // users.watch registration (developers.google.com/gmail/api/reference/rest/v1/users/watch), kept for
    // the Pub/Sub side, which publishes to `topicName` when the mailbox changes.
    struct Watch {
        QString email;
        QString topicName;
        QStringList labelIds;
        QString labelFilterBehavior; // "include" (default) or "exclude"
        quint64 historyId = 0;
        qint64 expirationMs = 0;
    };

    // Which API method a request calls, resolved from method + path before any work is done (for quota
    // costs, stats and fault injection).
    struct Call {
        QString method; // quota table name: "messages.get", "getProfile", …
        QString userId;
        QString id;    // message/thread id when the path has one
        QString subId; // attachment id
    };

    GmailRoutes(MailboxStore &store, TokenStore &tokens);

    static std::optional<Call> resolve(const ApiRequest &request);

    // The authenticated address, or nullopt with a 401 in `error`.
    std::optional<QString> authenticate(const ApiRequest &request, ApiResponse *error) const;

    ApiResponse handle(const Call &call, const ApiRequest &request, const QString &authenticatedEmail);

    std::optional<Watch> watchFor(const QString &email) const;
    QList<Watch> watches() const { return m_watches.values(); }

private:
    ApiResponse profile(Mailbox &box);
    ApiResponse listLabels(Mailbox &box);
    ApiResponse getLabel(Mailbox &box, const Call &call);
    ApiResponse listMessages(const std::shared_ptr<Mailbox> &box, const ApiRequest &request);
    ApiResponse getMessage(Mailbox &box, const Call &call, const ApiRequest &request);
    ApiResponse getAttachment(Mailbox &box, const Call &call);
    ApiResponse getThread(Mailbox &box, const Call &call, const ApiRequest &request);
    ApiResponse listHistory(Mailbox &box, const ApiRequest &request);
    ApiResponse watch(Mailbox &box, const ApiRequest &request);
    ApiResponse stop(Mailbox &box);

    // Mailbox::messages() copies the whole list; page after page of one listing reuses one copy while
    // the mailbox has not changed (same historyId), and counts each query's matches (the estimate) once.
    struct Snapshot {
        std::weak_ptr<Mailbox> mailbox;
        quint64 historyId = 0;
        QList<StoredMessage> messages;
        QHash<QString, int> matchCounts; // by query key
    };
    Snapshot &snapshot(const std::shared_ptr<Mailbox> &box);

    MailboxStore &m_store;
    TokenStore &m_tokens;
    QHash<QString, Snapshot> m_snapshots; // by lower-cased email
    QHash<QString, Watch> m_watches;      // by lower-cased email
};

} // namespace sandbox
