#pragma once

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QObject>
#include <QSet>
#include <QString>
#include <QTimer>

#include <functional>

class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponse;
class QNetworkAccessManager;

namespace sandbox {

class ServiceAccountRegistry;
class TokenStore;

// Cloud Pub/Sub v1 REST on the sandbox (cloud.google.com/pubsub/docs/reference/rest): topics (create,
// get, delete, :publish) and subscriptions (create, get, delete, :pull, :acknowledge, :modifyAckDeadline),
// at-least-once delivery with redelivery after the ack deadline, and push subscriptions that POST to
// the pushEndpoint with an OIDC ID token signed by the sandbox's key (JWKS at /oauth2/v3/certs) and retry
// with exponential backoff (subscription retryPolicy). Gmail users.watch notifications come in through
// mailboxChanged(), coalesced to at most one per user per second as Gmail does
// (developers.google.com/gmail/api/guides/push#notification_rate_limits).
// Lenient where Google is administrative: topics are created on first use (subscription or publish).
// Pull answers at once (an empty {} when nothing is available) instead of holding the request.
// Lives on the server's thread; mailboxChanged() may be called from any thread.
class PubSubService final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PubSubService)

public:
    // topicForUser: the full topic name of the user's active users.watch, or an empty string.
    PubSubService(TokenStore &tokens, ServiceAccountRegistry &accounts,
                  std::function<QString(const QString &email)> topicForUser, QObject *parent = nullptr);
    ~PubSubService() override;

    void registerRoutes(QHttpServer &server);

    // A mailbox changed (MailboxStore::onChanged). Thread-safe.
    void mailboxChanged(const QString &email, quint64 historyId);
    // Publishes one message to a topic (created when missing); returns the message id.
    QString publish(const QString &topic, const QByteArray &data, const QJsonObject &attributes = {});

    QJsonObject stats() const;
    void resetStats();

    static constexpr int NotificationIntervalMs = 1000;

private:
    struct Message {
        QString id;
        QByteArray data;
        QJsonObject attributes;
        QString publishTime;
    };
    struct Delivery {
        Message message;
        QString ackId;            // changes on every delivery
        qint64 leasedUntilMs = 0; // 0: available now
        int attempts = 0;
        bool inFlight = false; // push request outstanding
    };
    struct Subscription {
        QString name;
        QString topic;
        QJsonObject resource; // as created, echoed back by GET
        QString pushEndpoint;
        QString oidcServiceAccountEmail;
        QString oidcAudience;
        int ackDeadlineSeconds = 10;
        double minimumBackoffSeconds = 10;
        double maximumBackoffSeconds = 600;
        QList<Delivery> queue;
    };
    struct UserNotifications {
        qint64 lastPublishedMs = 0;
        quint64 pendingHistoryId = 0; // 0: nothing waiting
    };

    QHttpServerResponse topicRequest(const QString &project, const QString &topicAndVerb,
                                     const QHttpServerRequest &request);
    QHttpServerResponse subscriptionRequest(const QString &project, const QString &subscriptionAndVerb,
                                            const QHttpServerRequest &request);
    QHttpServerResponse createSubscription(const QString &name, const QHttpServerRequest &request);
    QHttpServerResponse pull(Subscription &subscription, const QJsonObject &body);
    QHttpServerResponse acknowledge(Subscription &subscription, const QJsonObject &body);
    QHttpServerResponse modifyAckDeadline(Subscription &subscription, const QJsonObject &body);

    void notifyUser(const QString &email, quint64 historyId);
    void flushUser(const QString &email);
    void pump();
    void push(const QString &subscriptionName, const QString &ackId);
    void pushFinished(const QString &subscriptionName, const QString &ackId, bool success);
    QByteArray oidcToken(const Subscription &subscription) const;
    static QString newAckId();

    TokenStore &m_tokens;
    ServiceAccountRegistry &m_accounts;
    std::function<QString(const QString &)> m_topicForUser;
    QNetworkAccessManager *m_network;
    QTimer m_pumpTimer;

    QSet<QString> m_topics;
    QHash<QString, Subscription> m_subscriptions;
    QHash<QString, UserNotifications> m_users;
    QMutex m_incomingMutex;
    QHash<QString, quint64> m_incoming; // changes reported from other threads, not yet handed over
    quint64 m_nextMessageId;

    QHash<QString, qint64> m_stats;
};

} // namespace sandbox
