#include "PubSubService.h"

#include "ServiceAccountRegistry.h"
#include "TokenStore.h"

#include "auth/Jwt.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutexLocker>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>

namespace sandbox {

namespace {

using Method = QHttpServerRequest::Method;
using Status = QHttpServerResponse::StatusCode;

constexpr int MaxPushesInFlight = 16; // per subscription
constexpr int PumpIntervalMs = 50;

qint64 nowMs() {
    return QDateTime::currentMSecsSinceEpoch();
}

// Errors of Google's gRPC-transcoded APIs (Pub/Sub, Secret Manager): no "errors" array
// (cloud.google.com/apis/design/errors#http_mapping).
QHttpServerResponse rpcError(int code, const QString &status, const QString &message) {
    return QHttpServerResponse(
        QJsonObject{{QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), code},
                                                          {QStringLiteral("message"), message},
                                                          {QStringLiteral("status"), status}}}},
        static_cast<Status>(code));
}

// Bearer authentication as on every Google API; any live token of the sandbox's TokenStore is accepted.
std::optional<QHttpServerResponse> authenticate(const TokenStore &tokens, const QHttpServerRequest &request) {
    const QByteArray header = request.value("Authorization");
    if (!header.startsWith("Bearer ")) {
        QHttpServerResponse response = rpcError(
            401, QStringLiteral("UNAUTHENTICATED"),
            QStringLiteral(
                "Request is missing required authentication credential. Expected OAuth 2 access token, "
                "login cookie or other valid authentication credential. See "
                "https://developers.google.com/identity/sign-in/web/devconsole-project."));
        response.addHeader("WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\"");
        return response;
    }
    if (!tokens.emailForAccessToken(QString::fromLatin1(header.mid(7).trimmed()))) {
        QHttpServerResponse response = rpcError(
            401, QStringLiteral("UNAUTHENTICATED"),
            QStringLiteral(
                "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
                "cookie or other valid authentication credential. See "
                "https://developers.google.com/identity/sign-in/web/devconsole-project."));
        response.addHeader("WWW-Authenticate",
                           "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"");
        return response;
    }
    return std::nullopt;
}

std::optional<QJsonObject> jsonBody(const QHttpServerRequest &request) {
    if (request.body().trimmed().isEmpty())
        return QJsonObject();
    const QJsonDocument doc = QJsonDocument::fromJson(request.body());
    if (!doc.isObject())
        return std::nullopt;
    return doc.object();
}

QHttpServerResponse invalidJson() {
    return rpcError(400, QStringLiteral("INVALID_ARGUMENT"),
                    QStringLiteral("Invalid JSON payload received."));
}

// google.protobuf.Duration in JSON: "3.5s".
std::optional<double> parseDuration(const QJsonValue &value) {
    QString text = value.toString();
    if (!text.endsWith(u's'))
        return std::nullopt;
    text.chop(1);
    bool ok = false;
    const double seconds = text.toDouble(&ok);
    if (!ok || seconds < 0)
        return std::nullopt;
    return seconds;
}

QString formatDuration(double seconds) {
    return QString::number(seconds, 'g', 10) + u's';
}

// "{name}:{verb}" as the REST custom methods spell it (cloud.google.com/apis/design/custom_methods).
QPair<QString, QString> splitVerb(const QString &nameAndVerb) {
    const qsizetype colon = nameAndVerb.indexOf(u':');
    if (colon < 0)
        return {nameAndVerb, QString()};
    return {nameAndVerb.left(colon), nameAndVerb.mid(colon + 1)};
}

bool validResourceId(const QString &id) {
    // cloud.google.com/pubsub/docs/create-topic#resource_names
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z][-A-Za-z0-9_.~+%]{2,254}$"));
    return pattern.match(id).hasMatch() && !id.startsWith(QLatin1String("goog"));
}

QString numericIdFor(const QString &email) {
    // A stable 21-digit id, like a service account's unique id, for "sub"/"azp".
    const QByteArray hash = QCryptographicHash::hash(email.toUtf8(), QCryptographicHash::Sha256);
    QString digits = QStringLiteral("1");
    for (int i = 0; digits.size() < 21; ++i)
        digits.append(QChar(u'0' + static_cast<unsigned char>(hash.at(i)) % 10));
    return digits;
}

} // namespace

PubSubService::PubSubService(TokenStore &tokens, ServiceAccountRegistry &accounts,
                             std::function<QString(const QString &)> topicForUser, QObject *parent)
    : QObject(parent)
    , m_tokens(tokens)
    , m_accounts(accounts)
    , m_topicForUser(std::move(topicForUser))
    , m_network(new QNetworkAccessManager(this))
    , m_nextMessageId(2070443601311540ULL + QRandomGenerator::global()->bounded(1000000)) {
    m_pumpTimer.setInterval(PumpIntervalMs);
    connect(&m_pumpTimer, &QTimer::timeout, this, &PubSubService::pump);
    m_pumpTimer.start();
}

PubSubService::~PubSubService() = default;

void PubSubService::registerRoutes(QHttpServer &server) {
    const auto topicHandler = [this](const QString &project, const QString &topic,
                                     const QHttpServerRequest &request) {
        return topicRequest(project, topic, request);
    };
    const auto subscriptionHandler = [this](const QString &project, const QString &subscription,
                                            const QHttpServerRequest &request) {
        return subscriptionRequest(project, subscription, request);
    };
    const QString topics = QStringLiteral("/v1/projects/<arg>/topics/<arg>");
    const QString subscriptions = QStringLiteral("/v1/projects/<arg>/subscriptions/<arg>");
    for (Method method : {Method::Get, Method::Put, Method::Post, Method::Delete}) {
        server.route(topics, method, topicHandler);
        server.route(subscriptions, method, subscriptionHandler);
    }
    server.route(QStringLiteral("/_sandbox/pubsub/stats"), Method::Get,
                 [this]() { return QHttpServerResponse(stats()); });
}

// ---- topics -----------------------------------------------------------------------------------------

QHttpServerResponse PubSubService::topicRequest(const QString &project, const QString &topicAndVerb,
                                                const QHttpServerRequest &request) {
    if (auto denied = authenticate(m_tokens, request))
        return std::move(*denied);
    const auto [topicId, verb] = splitVerb(topicAndVerb);
    const QString name = QStringLiteral("projects/%1/topics/%2").arg(project, topicId);
    const Method method = request.method();

    if (verb.isEmpty() && (method == Method::Put || (method == Method::Post))) {
        if (!validResourceId(topicId))
            return rpcError(400, QStringLiteral("INVALID_ARGUMENT"),
                            QStringLiteral("Invalid [topics] name: (name=%1)").arg(name));
        if (m_topics.contains(name))
            return rpcError(
                409, QStringLiteral("ALREADY_EXISTS"),
                QStringLiteral("Resource already exists in the project (resource=%1).").arg(topicId));
        m_topics.insert(name);
        return QHttpServerResponse(QJsonObject{{QStringLiteral("name"), name}});
    }
    if (!m_topics.contains(name))
        return rpcError(404, QStringLiteral("NOT_FOUND"),
                        QStringLiteral("Resource not found (resource=%1).").arg(topicId));
    if (verb.isEmpty() && method == Method::Get)
        return QHttpServerResponse(QJsonObject{{QStringLiteral("name"), name}});
    if (verb.isEmpty() && method == Method::Delete) {
        m_topics.remove(name);
        for (Subscription &subscription : m_subscriptions) {
            if (subscription.topic == name)
                subscription.topic = QStringLiteral("_deleted-topic_");
        }
        return QHttpServerResponse(QJsonObject());
    }
    if (verb == QLatin1String("publish") && method == Method::Post) {
        const std::optional<QJsonObject> body = jsonBody(request);
        if (!body)
            return invalidJson();
        const QJsonArray messages = body->value(QLatin1String("messages")).toArray();
        if (messages.isEmpty())
            return rpcError(400, QStringLiteral("INVALID_ARGUMENT"),
                            QStringLiteral("The request contains no messages."));
        QJsonArray ids;
        for (const QJsonValue &value : messages) {
            const QJsonObject message = value.toObject();
            const auto data =
                QByteArray::fromBase64Encoding(message.value(QLatin1String("data")).toString().toLatin1(),
                                               QByteArray::AbortOnBase64DecodingErrors);
            if (!data)
                return rpcError(
                    400, QStringLiteral("INVALID_ARGUMENT"),
                    QStringLiteral("Invalid value at 'messages[0].data' (TYPE_BYTES), Base64 decoding "
                                   "failed"));
            ids.append(publish(name, data.decoded, message.value(QLatin1String("attributes")).toObject()));
        }
        return QHttpServerResponse(QJsonObject{{QStringLiteral("messageIds"), ids}});
    }
    return rpcError(404, QStringLiteral("NOT_FOUND"), QStringLiteral("Method not found."));
}

QString PubSubService::publish(const QString &topic, const QByteArray &data, const QJsonObject &attributes) {
    m_topics.insert(topic);
    const Message message{QString::number(m_nextMessageId++), data, attributes,
                          QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)};
    ++m_stats[QStringLiteral("published")];
    // Every subscription attached to the topic gets its own copy; earlier messages are not replayed.
    for (Subscription &subscription : m_subscriptions) {
        if (subscription.topic == topic)
            subscription.queue.append(Delivery{message, QString(), 0, 0, false});
    }
    QTimer::singleShot(0, this, &PubSubService::pump);
    return message.id;
}

// ---- subscriptions ----------------------------------------------------------------------------------

QHttpServerResponse PubSubService::subscriptionRequest(const QString &project,
                                                       const QString &subscriptionAndVerb,
                                                       const QHttpServerRequest &request) {
    if (auto denied = authenticate(m_tokens, request))
        return std::move(*denied);
    const auto [subscriptionId, verb] = splitVerb(subscriptionAndVerb);
    const QString name = QStringLiteral("projects/%1/subscriptions/%2").arg(project, subscriptionId);
    const Method method = request.method();

    if (verb.isEmpty() && method == Method::Put) {
        if (!validResourceId(subscriptionId))
            return rpcError(400, QStringLiteral("INVALID_ARGUMENT"),
                            QStringLiteral("Invalid [subscriptions] name: (name=%1)").arg(name));
        return createSubscription(name, request);
    }
    const auto it = m_subscriptions.find(name);
    if (it == m_subscriptions.end())
        return rpcError(404, QStringLiteral("NOT_FOUND"),
                        QStringLiteral("Resource not found (resource=%1).").arg(subscriptionId));
    if (verb.isEmpty() && method == Method::Get)
        return QHttpServerResponse(it->resource);
    if (verb.isEmpty() && method == Method::Delete) {
        m_subscriptions.erase(it);
        return QHttpServerResponse(QJsonObject());
    }
    if (method != Method::Post)
        return rpcError(404, QStringLiteral("NOT_FOUND"), QStringLiteral("Method not found."));
    const std::optional<QJsonObject> body = jsonBody(request);
    if (!body)
        return invalidJson();
    if (verb == QLatin1String("pull"))
        return pull(*it, *body);
    if (verb == QLatin1String("acknowledge"))
        return acknowledge(*it, *body);
    if (verb == QLatin1String("modifyAckDeadline"))
        return modifyAckDeadline(*it, *body);
    return rpcError(404, QStringLiteral("NOT_FOUND"), QStringLiteral("Method not found."));
}

// cloud.google.com/pubsub/docs/reference/rest/v1/projects.subscriptions/create
QHttpServerResponse PubSubService::createSubscription(const QString &name,
                                                      const QHttpServerRequest &request) {
    const std::optional<QJsonObject> body = jsonBody(request);
    if (!body)
        return invalidJson();
    if (m_subscriptions.contains(name))
        return rpcError(409, QStringLiteral("ALREADY_EXISTS"),
                        QStringLiteral("Resource already exists in the project (resource=%1).")
                            .arg(name.section(u'/', -1)));
    Subscription subscription;
    subscription.name = name;
    subscription.topic = body->value(QLatin1String("topic")).toString();
    static const QRegularExpression topicPattern(QStringLiteral("^projects/[^/]+/topics/[^/]+$"));
    if (!topicPattern.match(subscription.topic).hasMatch())
        return rpcError(400, QStringLiteral("INVALID_ARGUMENT"),
                        QStringLiteral("Invalid [topics] name: (name=%1)").arg(subscription.topic));
    m_topics.insert(subscription.topic); // lenient: Gmail's topic may only exist in the console

    const int ackDeadline = body->value(QLatin1String("ackDeadlineSeconds")).toInt(0);
    if (ackDeadline != 0 && (ackDeadline < 10 || ackDeadline > 600))
        return rpcError(
            400, QStringLiteral("INVALID_ARGUMENT"),
            QStringLiteral("The value for ack_deadline_seconds is out of range. It should be between 10 "
                           "and 600 seconds."));
    subscription.ackDeadlineSeconds = ackDeadline == 0 ? 10 : ackDeadline;

    const QJsonObject pushConfig = body->value(QLatin1String("pushConfig")).toObject();
    subscription.pushEndpoint = pushConfig.value(QLatin1String("pushEndpoint")).toString();
    const QJsonObject oidc = pushConfig.value(QLatin1String("oidcToken")).toObject();
    subscription.oidcServiceAccountEmail = oidc.value(QLatin1String("serviceAccountEmail")).toString();
    // "If not specified, the Push endpoint URL will be used." (PushConfig.OidcToken.audience)
    subscription.oidcAudience = oidc.value(QLatin1String("audience")).toString(subscription.pushEndpoint);
    if (!subscription.pushEndpoint.isEmpty()) {
        const QUrl endpoint(subscription.pushEndpoint, QUrl::StrictMode);
        if (!endpoint.isValid() ||
            (endpoint.scheme() != QLatin1String("http") && endpoint.scheme() != QLatin1String("https")))
            return rpcError(400, QStringLiteral("INVALID_ARGUMENT"),
                            QStringLiteral("Invalid push endpoint given."));
    }

    QJsonObject resource{{QStringLiteral("name"), name},
                         {QStringLiteral("topic"), subscription.topic},
                         {QStringLiteral("pushConfig"), pushConfig},
                         {QStringLiteral("ackDeadlineSeconds"), subscription.ackDeadlineSeconds},
                         {QStringLiteral("messageRetentionDuration"), QStringLiteral("604800s")},
                         {QStringLiteral("expirationPolicy"),
                          QJsonObject{{QStringLiteral("ttl"), QStringLiteral("2678400s")}}},
                         {QStringLiteral("state"), QStringLiteral("ACTIVE")}};
    if (body->contains(QLatin1String("retryPolicy"))) {
        const QJsonObject retry = body->value(QLatin1String("retryPolicy")).toObject();
        const auto minimum =
            parseDuration(retry.value(QLatin1String("minimumBackoff")).toString(QStringLiteral("10s")));
        const auto maximum =
            parseDuration(retry.value(QLatin1String("maximumBackoff")).toString(QStringLiteral("600s")));
        if (!minimum || !maximum || *minimum > 600 || *maximum > 600 || *minimum > *maximum)
            return rpcError(
                400, QStringLiteral("INVALID_ARGUMENT"),
                QStringLiteral("Invalid retry policy: backoffs must be durations between 0s and 600s, "
                               "minimum ≤ maximum."));
        subscription.minimumBackoffSeconds = *minimum;
        subscription.maximumBackoffSeconds = *maximum;
        resource.insert(QStringLiteral("retryPolicy"),
                        QJsonObject{{QStringLiteral("minimumBackoff"), formatDuration(*minimum)},
                                    {QStringLiteral("maximumBackoff"), formatDuration(*maximum)}});
    }
    subscription.resource = resource;
    m_subscriptions.insert(name, subscription);
    return QHttpServerResponse(resource);
}

QString PubSubService::newAckId() {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    QString id;
    QRandomGenerator *rng = QRandomGenerator::global();
    for (int i = 0; i < 64; ++i)
        id.append(QLatin1Char(alphabet[rng->bounded(64)]));
    return id;
}

// cloud.google.com/pubsub/docs/reference/rest/v1/projects.subscriptions/pull
QHttpServerResponse PubSubService::pull(Subscription &subscription, const QJsonObject &body) {
    const int maxMessages = body.value(QLatin1String("maxMessages")).toInt(0);
    if (maxMessages <= 0)
        return rpcError(400, QStringLiteral("INVALID_ARGUMENT"),
                        QStringLiteral("max_messages must be greater than zero."));
    const qint64 now = nowMs();
    QJsonArray received;
    for (Delivery &delivery : subscription.queue) {
        if (received.size() >= maxMessages)
            break;
        if (delivery.inFlight || delivery.leasedUntilMs > now)
            continue;
        delivery.ackId = newAckId();
        delivery.leasedUntilMs = now + qint64(subscription.ackDeadlineSeconds) * 1000;
        if (++delivery.attempts > 1)
            ++m_stats[QStringLiteral("redelivered")];
        QJsonObject message{{QStringLiteral("data"), QString::fromLatin1(delivery.message.data.toBase64())},
                            {QStringLiteral("messageId"), delivery.message.id},
                            {QStringLiteral("publishTime"), delivery.message.publishTime}};
        if (!delivery.message.attributes.isEmpty())
            message.insert(QStringLiteral("attributes"), delivery.message.attributes);
        received.append(
            QJsonObject{{QStringLiteral("ackId"), delivery.ackId}, {QStringLiteral("message"), message}});
    }
    m_stats[QStringLiteral("pulled")] += received.size();
    if (received.isEmpty())
        return QHttpServerResponse(QJsonObject()); // Google answers {} when nothing is available
    return QHttpServerResponse(QJsonObject{{QStringLiteral("receivedMessages"), received}});
}

QHttpServerResponse PubSubService::acknowledge(Subscription &subscription, const QJsonObject &body) {
    const QJsonArray ackIds = body.value(QLatin1String("ackIds")).toArray();
    if (ackIds.isEmpty())
        return rpcError(400, QStringLiteral("INVALID_ARGUMENT"), QStringLiteral("No ack ids specified."));
    QSet<QString> ids;
    for (const QJsonValue &id : ackIds)
        ids.insert(id.toString());
    // An ack id of an expired lease is stale (the message was or will be redelivered): ignored, as Google
    // does.
    const qint64 now = nowMs();
    const qsizetype before = subscription.queue.size();
    subscription.queue.removeIf([&](const Delivery &delivery) {
        return !delivery.ackId.isEmpty() && ids.contains(delivery.ackId) && delivery.leasedUntilMs > now;
    });
    m_stats[QStringLiteral("acknowledged")] += before - subscription.queue.size();
    return QHttpServerResponse(QJsonObject());
}

QHttpServerResponse PubSubService::modifyAckDeadline(Subscription &subscription, const QJsonObject &body) {
    const QJsonArray ackIds = body.value(QLatin1String("ackIds")).toArray();
    const int seconds = body.value(QLatin1String("ackDeadlineSeconds")).toInt(-1);
    if (ackIds.isEmpty() || seconds < 0 || seconds > 600)
        return rpcError(400, QStringLiteral("INVALID_ARGUMENT"),
                        QStringLiteral("ackIds and ackDeadlineSeconds between 0 and 600 are required."));
    QSet<QString> ids;
    for (const QJsonValue &id : ackIds)
        ids.insert(id.toString());
    const qint64 now = nowMs();
    for (Delivery &delivery : subscription.queue) {
        if (ids.contains(delivery.ackId) && delivery.leasedUntilMs > now)
            delivery.leasedUntilMs = seconds == 0 ? 0 : now + qint64(seconds) * 1000; // 0 = nack
    }
    return QHttpServerResponse(QJsonObject());
}

// ---- Gmail notifications ----------------------------------------------------------------------------

void PubSubService::mailboxChanged(const QString &email, quint64 historyId) {
    // May come from any thread (gmail-sandbox fills mailboxes on a setup thread): keep only the newest
    // history id per user and hand it to our thread once, instead of one queued call per change.
    {
        QMutexLocker lock(&m_incomingMutex);
        quint64 &latest = m_incoming[email];
        const bool handOverPending = latest != 0;
        latest = std::max(latest, historyId);
        if (handOverPending)
            return;
    }
    QMetaObject::invokeMethod(this, [this, email]() {
        quint64 historyId = 0;
        {
            QMutexLocker lock(&m_incomingMutex);
            historyId = m_incoming.take(email);
        }
        if (historyId != 0)
            notifyUser(email, historyId);
    });
}

void PubSubService::notifyUser(const QString &email, quint64 historyId) {
    if (m_topicForUser(email).isEmpty())
        return; // no active watch
    UserNotifications &user = m_users[email.toLower()];
    const qint64 now = nowMs();
    const bool waiting = user.pendingHistoryId != 0;
    user.pendingHistoryId = std::max(user.pendingHistoryId, historyId);
    if (waiting) {
        ++m_stats[QStringLiteral("notificationsCoalesced")];
        return; // a flush is scheduled already
    }
    const qint64 due = user.lastPublishedMs + NotificationIntervalMs;
    if (now >= due) {
        flushUser(email);
        return;
    }
    ++m_stats[QStringLiteral("notificationsCoalesced")];
    QTimer::singleShot(int(due - now), this, [this, email]() { flushUser(email); });
}

void PubSubService::flushUser(const QString &email) {
    UserNotifications &user = m_users[email.toLower()];
    const quint64 historyId = user.pendingHistoryId;
    user.pendingHistoryId = 0;
    if (historyId == 0)
        return;
    const QString topic = m_topicForUser(email);
    if (topic.isEmpty())
        return;
    user.lastPublishedMs = nowMs();
    // developers.google.com/gmail/api/guides/push#receiving_notifications: the data decodes to
    // {"emailAddress": "user@example.com", "historyId": "9876543210"} (historyId as documented there, a
    // string).
    const QJsonObject payload{{QStringLiteral("emailAddress"), email},
                              {QStringLiteral("historyId"), QString::number(historyId)}};
    ++m_stats[QStringLiteral("gmailNotifications")];
    publish(topic, QJsonDocument(payload).toJson(QJsonDocument::Compact));
}

// ---- push delivery ----------------------------------------------------------------------------------

void PubSubService::pump() {
    const qint64 now = nowMs();
    for (Subscription &subscription : m_subscriptions) {
        if (subscription.pushEndpoint.isEmpty())
            continue;
        int inFlight = 0;
        for (const Delivery &delivery : std::as_const(subscription.queue))
            inFlight += delivery.inFlight ? 1 : 0;
        QStringList due;
        for (Delivery &delivery : subscription.queue) {
            if (inFlight + due.size() >= MaxPushesInFlight)
                break;
            if (delivery.inFlight || delivery.leasedUntilMs > now)
                continue;
            delivery.inFlight = true;
            delivery.ackId = newAckId();
            ++delivery.attempts;
            due.append(delivery.ackId);
        }
        for (const QString &ackId : std::as_const(due))
            push(subscription.name, ackId);
    }
}

QByteArray PubSubService::oidcToken(const Subscription &subscription) const {
    const QString email = subscription.oidcServiceAccountEmail;
    const auto account = m_accounts.find(email);
    const QString id = account ? account->clientId : numericIdFor(email);
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    // cloud.google.com/pubsub/docs/authenticate-push-subscriptions#claims
    const QJsonObject claims{{QStringLiteral("aud"), subscription.oidcAudience},
                             {QStringLiteral("azp"), id},
                             {QStringLiteral("email"), email},
                             {QStringLiteral("email_verified"), true},
                             {QStringLiteral("exp"), now + 3600},
                             {QStringLiteral("iat"), now},
                             {QStringLiteral("iss"), QStringLiteral("https://accounts.google.com")},
                             {QStringLiteral("sub"), id}};
    QString error;
    return auth::Jwt::signRs256({{QStringLiteral("kid"), m_accounts.oidcKeyId()}}, claims,
                                m_accounts.oidcPrivateKeyPem(), &error)
        .value_or(QByteArray());
}

void PubSubService::push(const QString &subscriptionName, const QString &ackId) {
    const auto it = m_subscriptions.constFind(subscriptionName);
    if (it == m_subscriptions.cend())
        return;
    const auto delivery = std::find_if(it->queue.cbegin(), it->queue.cend(),
                                       [&](const Delivery &d) { return d.ackId == ackId; });
    if (delivery == it->queue.cend())
        return;
    // cloud.google.com/pubsub/docs/push#receive_push: the wrapped message, in both spellings Google sends.
    QJsonObject message{{QStringLiteral("attributes"), delivery->message.attributes},
                        {QStringLiteral("data"), QString::fromLatin1(delivery->message.data.toBase64())},
                        {QStringLiteral("messageId"), delivery->message.id},
                        {QStringLiteral("message_id"), delivery->message.id},
                        {QStringLiteral("publishTime"), delivery->message.publishTime},
                        {QStringLiteral("publish_time"), delivery->message.publishTime}};
    const QJsonObject body{{QStringLiteral("message"), message}, {QStringLiteral("subscription"), it->name}};

    QNetworkRequest request{QUrl(it->pushEndpoint)};
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("User-Agent",
                         "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)");
    request.setTransferTimeout(it->ackDeadlineSeconds * 1000);
    if (!it->oidcServiceAccountEmail.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + oidcToken(*it));
    ++m_stats[QStringLiteral("pushAttempts")];
    QNetworkReply *reply = m_network->post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
    connect(reply, &QNetworkReply::finished, this, [this, reply, subscriptionName, ackId]() {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        reply->deleteLater();
        // cloud.google.com/pubsub/docs/push#receive_push: 102, 200, 201, 202 and 204 acknowledge.
        const bool success =
            status == 102 || status == 200 || status == 201 || status == 202 || status == 204;
        pushFinished(subscriptionName, ackId, success);
    });
}

void PubSubService::pushFinished(const QString &subscriptionName, const QString &ackId, bool success) {
    ++m_stats[success ? QStringLiteral("pushSuccesses") : QStringLiteral("pushFailures")];
    const auto it = m_subscriptions.find(subscriptionName);
    if (it == m_subscriptions.end())
        return;
    for (qsizetype i = 0; i < it->queue.size(); ++i) {
        Delivery &delivery = it->queue[i];
        if (delivery.ackId != ackId)
            continue;
        if (success) {
            it->queue.removeAt(i);
            return;
        }
        // Exponential backoff between the subscription's retryPolicy bounds
        // (cloud.google.com/pubsub/docs/handling-failures).
        const double backoff =
            std::min(it->maximumBackoffSeconds,
                     it->minimumBackoffSeconds * std::pow(2.0, std::max(0, delivery.attempts - 1)));
        delivery.inFlight = false;
        delivery.leasedUntilMs = nowMs() + qint64(backoff * 1000);
        return;
    }
}

QJsonObject PubSubService::stats() const {
    QJsonObject object;
    for (const char *key : {"published", "pulled", "redelivered", "acknowledged", "pushAttempts",
                            "pushSuccesses", "pushFailures", "gmailNotifications", "notificationsCoalesced"})
        object.insert(QLatin1String(key), m_stats.value(QLatin1String(key)));
    qint64 backlog = 0;
    for (const Subscription &subscription : m_subscriptions)
        backlog += subscription.queue.size();
    object.insert(QStringLiteral("unacknowledged"), backlog);
    return object;
}

void PubSubService::resetStats() {
    m_stats.clear();
}

} // namespace sandbox
