#pragma once

#include "push/NotificationHandler.h"

#include <QObject>
#include <QString>
#include <QTimer>
#include <QUrl>

#include <chrono>
#include <functional>
#include <memory>

class QNetworkAccessManager;
class QNetworkReply;

namespace common {
class AccessTokenProvider;
}

namespace push {

// A Cloud Pub/Sub pull subscriber for Gmail notifications (cloud.google.com/pubsub/docs/reference/rest/
// v1/projects.subscriptions/pull and …/acknowledge): POST {pubsubUrl}/v1/{subscription}:pull
// {"maxMessages"}, hands each message to NotificationHandler, then POST …:acknowledge {"ackIds"} for those
// that may be acknowledged (a message whose job could not be queued is left to be redelivered after the
// ack deadline). Pulls again at once while messages come, after idleInterval when none did, and backs off
// exponentially (base · 2^n, capped) on errors. Event driven, on the thread that owns it.
class PubSubPuller final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PubSubPuller)

public:
    struct Settings {
        QUrl pubsubUrl = QUrl(QStringLiteral("https://pubsub.googleapis.com"));
        QString subscription; // projects/P/subscriptions/S
        int maxMessages = 100;
        std::chrono::milliseconds idleInterval{2000};
        std::chrono::milliseconds backoffBase{1000};
        std::chrono::milliseconds backoffCap{60000};
        std::chrono::milliseconds requestTimeout{90000};
    };

    PubSubPuller(Settings settings, std::shared_ptr<common::AccessTokenProvider> tokens,
                 std::function<void(qint64 jobId)> onEnqueued = {}, QObject *parent = nullptr);
    ~PubSubPuller() override;

    void start();
    void stop(); // aborts a request in flight; unacknowledged messages are redelivered by Pub/Sub

    int consecutiveFailures() const { return m_failures; }

Q_SIGNALS:
    // One pull round ended: messages received, acknowledged, jobs newly queued.
    void roundFinished(int received, int acknowledged, int enqueued);
    void failed(const QString &error, std::chrono::milliseconds retryIn);

private:
    void pull();
    void pullFinished(QNetworkReply *reply);
    void acknowledge(const QStringList &ackIds, int received, int enqueued);
    // Gets a token off this thread, then POSTs; `then` gets the reply, or nullptr and why not.
    void post(const QString &verb, const QJsonObject &body,
              std::function<void(QNetworkReply *reply, const QString &error)> then);
    void onAcknowledged(QNetworkReply *reply, const QStringList &ackIds, int received, int enqueued);
    void retryLater(const QString &error);
    void schedule(std::chrono::milliseconds delay);

    Settings m_settings;
    std::shared_ptr<common::AccessTokenProvider> m_tokens;
    NotificationHandler m_handler;
    QNetworkAccessManager *m_network;
    QTimer m_timer;
    QNetworkReply *m_inFlight = nullptr;
    bool m_running = false;
    bool m_refreshToken = false;
    bool m_tokenPending = false; // a token is being fetched for the next request
    int m_failures = 0;
};

} // namespace push
