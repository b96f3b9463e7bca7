#include "push/PubSubPuller.h"

#include "common/AccessTokenProvider.h"
#include "log/LogEvent.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QThread>

#include <algorithm>
#include <optional>

namespace push {

using namespace std::chrono;

PubSubPuller::PubSubPuller(Settings settings, std::shared_ptr<common::AccessTokenProvider> tokens,
                           std::function<void(qint64)> onEnqueued, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_tokens(std::move(tokens))
    , m_handler(std::move(onEnqueued))
    , m_network(new QNetworkAccessManager(this)) {
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &PubSubPuller::pull);
}

PubSubPuller::~PubSubPuller() {
    stop();
}

void PubSubPuller::start() {
    m_running = true;
    m_failures = 0;
    schedule(0ms);
}

void PubSubPuller::stop() {
    m_running = false;
    m_timer.stop();
    if (m_inFlight) {
        QNetworkReply *reply = m_inFlight;
        m_inFlight = nullptr;
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
}

void PubSubPuller::schedule(milliseconds delay) {
    if (m_running)
        m_timer.start(delay);
}

void PubSubPuller::post(const QString &verb, const QJsonObject &body,
                        std::function<void(QNetworkReply *reply, const QString &error)> then) {
    // The token comes from a short-lived thread of its own: a provider that has to refresh (TokenManager,
    // a service account) waits on the network in a local event loop, which must not run on this thread —
    // it serves the push endpoint too.
    struct Fetched {
        std::optional<QString> token;
        QString error;
    };
    auto fetched = std::make_shared<Fetched>();
    const bool refresh = std::exchange(m_refreshToken, false);
    QThread *thread = QThread::create([tokens = m_tokens, refresh, fetched] {
        bool permanent = false;
        fetched->token = tokens->accessToken(refresh, &fetched->error, &permanent);
    });
    m_tokenPending = true;
    // Queued to this thread; dropped if the puller is gone by then.
    connect(thread, &QThread::finished, this, [this, verb, body, fetched, then = std::move(then)] {
        m_tokenPending = false;
        if (!m_running)
            return;
        if (!fetched->token) {
            then(nullptr, fetched->error);
            return;
        }
        // Custom methods are "{name}:{verb}" (cloud.google.com/apis/design/custom_methods).
        QUrl url = m_settings.pubsubUrl;
        url.setPath(url.path().chopped(url.path().endsWith(u'/') ? 1 : 0) + QStringLiteral("/v1/") +
                    m_settings.subscription + u':' + verb);
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setRawHeader("Authorization", "Bearer " + fetched->token->toLatin1());
        request.setTransferTimeout(static_cast<int>(m_settings.requestTimeout.count()));
        then(m_network->post(request, QJsonDocument(body).toJson(QJsonDocument::Compact)), QString());
    });
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    thread->start();
}

void PubSubPuller::pull() {
    if (!m_running || m_inFlight || m_tokenPending)
        return;
    post(QStringLiteral("pull"), QJsonObject{{QStringLiteral("maxMessages"), m_settings.maxMessages}},
         [this](QNetworkReply *reply, const QString &error) {
             if (!reply) {
                 retryLater(QStringLiteral("no access token for Pub/Sub: %1").arg(error));
                 return;
             }
             m_inFlight = reply;
             connect(reply, &QNetworkReply::finished, this, [this, reply]() { pullFinished(reply); });
         });
}

void PubSubPuller::pullFinished(QNetworkReply *reply) {
    m_inFlight = nullptr;
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    if (status == 401)
        m_refreshToken = true;
    if (status != 200) {
        const QString message = QJsonDocument::fromJson(body)
                                    .object()
                                    .value(QLatin1String("error"))
                                    .toObject()
                                    .value(QLatin1String("message"))
                                    .toString();
        retryLater(QStringLiteral("Pub/Sub pull from %1 failed: HTTP %2 %3")
                       .arg(m_settings.subscription)
                       .arg(status)
                       .arg(message.isEmpty() ? reply->errorString() : message));
        return;
    }
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (!doc.isObject()) {
        retryLater(
            QStringLiteral("Pub/Sub pull from %1: the answer is not JSON").arg(m_settings.subscription));
        return;
    }
    // {"receivedMessages": [{"ackId", "message": {"data", "messageId", "publishTime", "attributes"}}]};
    // an empty answer is {}.
    const QJsonArray received = doc.object().value(QLatin1String("receivedMessages")).toArray();
    QStringList ackIds;
    int enqueued = 0;
    for (const QJsonValue &value : received) {
        const QJsonObject item = value.toObject();
        const QString ackId = item.value(QLatin1String("ackId")).toString();
        const QJsonObject message = item.value(QLatin1String("message")).toObject();
        const auto outcome =
            m_handler.handleBase64(message.value(QLatin1String("data")).toString().toLatin1());
        enqueued += outcome.result == NotificationHandler::Result::Enqueued ? 1 : 0;
        if (!ackId.isEmpty() && NotificationHandler::shouldAcknowledge(outcome.result))
            ackIds << ackId;
    }
    if (ackIds.isEmpty()) {
        m_failures = 0;
        Q_EMIT roundFinished(int(received.size()), 0, enqueued);
        // Messages left unacknowledged (database down) come back after the ack deadline: no busy loop.
        schedule(received.isEmpty() ? m_settings.idleInterval : m_settings.backoffBase);
        return;
    }
    acknowledge(ackIds, int(received.size()), enqueued);
}

void PubSubPuller::acknowledge(const QStringList &ackIds, int received, int enqueued) {
    post(QStringLiteral("acknowledge"),
         QJsonObject{{QStringLiteral("ackIds"), QJsonArray::fromStringList(ackIds)}},
         [this, ackIds, received, enqueued](QNetworkReply *reply, const QString &error) {
             if (!reply) {
                 retryLater(QStringLiteral("no access token for Pub/Sub: %1").arg(error));
                 return;
             }
             m_inFlight = reply;
             onAcknowledged(reply, ackIds, received, enqueued);
         });
}

void PubSubPuller::onAcknowledged(QNetworkReply *reply, const QStringList &ackIds, int received,
                                  int enqueued) {
    connect(reply, &QNetworkReply::finished, this, [this, reply, ackIds, received, enqueued]() {
        m_inFlight = nullptr;
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status == 401)
            m_refreshToken = true;
        if (status != 200) {
            // Not acknowledged: Pub/Sub redelivers them, and the handler coalesces the repeats.
            retryLater(QStringLiteral("Pub/Sub acknowledge on %1 failed: HTTP %2")
                           .arg(m_settings.subscription)
                           .arg(status));
            return;
        }
        m_failures = 0;
        Q_EMIT roundFinished(received, int(ackIds.size()), enqueued);
        schedule(0ms); // more may be waiting
    });
}

void PubSubPuller::retryLater(const QString &error) {
    ++m_failures;
    // Exponential backoff, capped (cloud.google.com/pubsub/docs/pull-troubleshooting).
    const int shift = std::min(m_failures - 1, 16);
    const milliseconds delay = std::min<milliseconds>(
        m_settings.backoffCap, duration_cast<milliseconds>(m_settings.backoffBase * (1LL << shift)));
    logging::LogEvent(logging::Level::Warning, "pubsub pull failed")
        .error(error)
        .count("failures", m_failures)
        .duration("retryInMs", double(delay.count()))
        .write();
    Q_EMIT failed(error, delay);
    schedule(delay);
}

} // namespace push
