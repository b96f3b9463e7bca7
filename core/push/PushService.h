#pragma once

#include "push/PubSubPuller.h"
#include "push/PushEndpoint.h"
#include "push/WatchManager.h"

#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QThread>
#include <QTimer>

#include <memory>
#include <optional>

namespace push {

// What `gmail-sync worker` runs besides the engine: the push endpoint (--listen), a Pub/Sub pull
// subscriber and daily watch renewal, each only when configured. Lives on the worker's main thread;
// watch renewal runs on a thread of its own (gmail::GmailClient is synchronous).
class PushService final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PushService)

public:
    struct Settings {
        std::optional<QHostAddress> listenHost; // set: serve the push endpoint
        quint16 listenPort = 0;
        PushEndpoint::Settings endpoint;
        PubSubPuller::Settings puller;   // subscription empty: no pull subscriber
        QString pubsubCredentialsTenant; // whose token provider authenticates Pub/Sub calls
        WatchManager::Settings watch;    // defaultTopic and/or stored topics: renewal
        bool renewWatches = false;
        std::chrono::minutes renewInterval{60};
    };

    // Fills `base` from the environment:
    //   GMAIL_SYNC_PUSH_PATH (default /push), GMAIL_SYNC_PUSH_AUDIENCE, GMAIL_SYNC_PUSH_SERVICE_ACCOUNT,
    //   GMAIL_SYNC_JWKS_URL (default Google's), GMAIL_SYNC_PUBSUB_SUBSCRIPTION (projects/P/subscriptions/S),
    //   GMAIL_SYNC_PUBSUB_TENANT (tenant whose credentials call Pub/Sub), GMAIL_SYNC_WATCH_TOPIC
    //   (projects/P/topics/T: also watch tenants without a watch), GMAIL_SYNC_WATCH_RENEW (0: do not
    //   renew stored watches; on by default).
    static Settings fromEnvironment(Settings base);
    // Configuration errors (e.g. --listen without an audience); empty when usable.
    static QString validate(const Settings &settings);

    PushService(Settings settings, std::function<void(qint64 jobId)> onEnqueued, QObject *parent = nullptr);
    ~PushService() override;

    Q_REQUIRED_RESULT bool start(QString *error);
    void stop();
    quint16 port() const { return m_endpoint ? m_endpoint->port() : 0; }

private:
    void renewWatches();

    Settings m_settings;
    std::function<void(qint64)> m_onEnqueued;
    std::unique_ptr<PushEndpoint> m_endpoint;
    std::unique_ptr<PubSubPuller> m_puller;
    QTimer m_renewTimer;
    QPointer<QThread> m_renewThread;
};

} // namespace push
