#include "push/PushService.h"

#include "db/Database.h"
#include "log/LogEvent.h"

namespace push {

PushService::Settings PushService::fromEnvironment(Settings base) {
    const auto env = [](const char *name) { return qEnvironmentVariable(name).trimmed(); };
    if (!env("GMAIL_SYNC_PUSH_PATH").isEmpty())
        base.endpoint.path = env("GMAIL_SYNC_PUSH_PATH");
    base.endpoint.token.audience = env("GMAIL_SYNC_PUSH_AUDIENCE");
    base.endpoint.token.serviceAccountEmail = env("GMAIL_SYNC_PUSH_SERVICE_ACCOUNT");
    if (!env("GMAIL_SYNC_JWKS_URL").isEmpty())
        base.endpoint.token.jwksUrl = QUrl(env("GMAIL_SYNC_JWKS_URL"));
    base.puller.subscription = env("GMAIL_SYNC_PUBSUB_SUBSCRIPTION");
    base.pubsubCredentialsTenant = env("GMAIL_SYNC_PUBSUB_TENANT");
    base.watch.defaultTopic = env("GMAIL_SYNC_WATCH_TOPIC");
    // Stored watches lapse after 7 days unless renewed: on by default; GMAIL_SYNC_WATCH_RENEW=0 turns it off.
    base.renewWatches = env("GMAIL_SYNC_WATCH_RENEW") != QLatin1String("0");
    return base;
}

QString PushService::validate(const Settings &s) {
    if (s.listenHost &&
        (s.endpoint.token.audience.isEmpty() || s.endpoint.token.serviceAccountEmail.isEmpty()))
        return QStringLiteral("--listen serves Pub/Sub push requests and verifies their OIDC token: set "
                              "GMAIL_SYNC_PUSH_AUDIENCE (the subscription's audience) and "
                              "GMAIL_SYNC_PUSH_SERVICE_ACCOUNT (its push service account)");
    if (!s.puller.subscription.isEmpty() && !s.puller.subscription.startsWith(QLatin1String("projects/")))
        return QStringLiteral("GMAIL_SYNC_PUBSUB_SUBSCRIPTION must be a full name, "
                              "projects/PROJECT/subscriptions/NAME");
    if (!s.watch.defaultTopic.isEmpty() && !s.watch.defaultTopic.startsWith(QLatin1String("projects/")))
        return QStringLiteral("GMAIL_SYNC_WATCH_TOPIC must be a full name, projects/PROJECT/topics/NAME");
    return {};
}

PushService::PushService(Settings settings, std::function<void(qint64)> onEnqueued, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_onEnqueued(std::move(onEnqueued)) {
    connect(&m_renewTimer, &QTimer::timeout, this, &PushService::renewWatches);
}

PushService::~PushService() {
    stop();
}

bool PushService::start(QString *error) {
    if (const QString problem = validate(m_settings); !problem.isEmpty()) {
        *error = problem;
        return false;
    }
    if (m_settings.listenHost) {
        m_endpoint = std::make_unique<PushEndpoint>(m_settings.endpoint, m_onEnqueued);
        if (!m_endpoint->listen(*m_settings.listenHost, m_settings.listenPort)) {
            *error = m_endpoint->errorString();
            m_endpoint.reset();
            return false;
        }
    }
    if (!m_settings.puller.subscription.isEmpty()) {
        std::shared_ptr<common::AccessTokenProvider> tokens =
            m_settings.watch.tokenProviderFactory
                ? m_settings.watch.tokenProviderFactory(m_settings.pubsubCredentialsTenant)
                : nullptr;
        if (!tokens) {
            *error =
                QStringLiteral("no credentials for Pub/Sub: set GMAIL_SYNC_PUBSUB_TENANT to a tenant whose "
                               "integration may read the subscription");
            return false;
        }
        m_puller = std::make_unique<PubSubPuller>(m_settings.puller, tokens, m_onEnqueued);
        m_puller->start();
    }
    if (m_settings.renewWatches) {
        renewWatches();
        m_renewTimer.start(std::chrono::duration_cast<std::chrono::milliseconds>(m_settings.renewInterval));
    }
    return true;
}

void PushService::stop() {
    m_renewTimer.stop();
    if (m_puller)
        m_puller->stop();
    m_puller.reset();
    m_endpoint.reset();
    if (m_renewThread) {
        m_renewThread->wait();
        delete m_renewThread;
    }
}

void PushService::renewWatches() {
    if (m_renewThread && m_renewThread->isRunning())
        return; // the last round is still going
    delete m_renewThread;
    const WatchManager::Settings settings = m_settings.watch;
    m_renewThread = QThread::create([settings]() {
        WatchManager manager(settings);
        const auto report = manager.renewDue();
        logging::LogEvent(logging::Level::Info, "gmail watches renewed")
            .count("renewed", report.renewed)
            .count("failed", report.failed)
            .write();
        db::Database::closeThreadConnection();
    });
    m_renewThread->start();
}

} // namespace push
