#include "SandboxServer.h"

#include "BatchHandler.h"
#include "GoogleError.h"
#include "OAuthService.h"
#include "PubSubService.h"
#include "SecretManagerService.h"
#include "ServiceAccountRegistry.h"

#include <QDateTime>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace sandbox {

namespace {

// A copy of what a handler needs: QtHttpServer 6.4 reuses its request object for the connection's next
// request, and answers may be sent later (latency faults).
ApiRequest copyRequest(const QHttpServerRequest &request) {
    ApiRequest r;
    switch (request.method()) {
    case QHttpServerRequest::Method::Get:
        r.method = "GET";
        break;
    case QHttpServerRequest::Method::Post:
        r.method = "POST";
        break;
    case QHttpServerRequest::Method::Put:
        r.method = "PUT";
        break;
    case QHttpServerRequest::Method::Delete:
        r.method = "DELETE";
        break;
    case QHttpServerRequest::Method::Patch:
        r.method = "PATCH";
        break;
    case QHttpServerRequest::Method::Head:
        r.method = "HEAD";
        break;
    case QHttpServerRequest::Method::Options:
        r.method = "OPTIONS";
        break;
    default:
        r.method = "OTHER";
        break;
    }
    const QUrl url = request.url();
    r.path = url.path(QUrl::FullyDecoded);
    // '+' in a query means a space (HTML form encoding, which some clients use for q=).
    r.query = QUrlQuery(url.query(QUrl::FullyEncoded).replace(QLatin1Char('+'), QStringLiteral("%20")));
    r.headers = request.headers();
    r.body = request.body();
    r.remoteAddress = request.remoteAddress();
    return r;
}

bool isGmailPath(const QString &path) {
    return path.startsWith(QStringLiteral("/gmail/v1/"));
}

bool isBatchPath(const QString &path) {
    return path == QStringLiteral("/batch/gmail/v1") || path == QStringLiteral("/batch");
}

} // namespace

SandboxServer::SandboxServer(QObject *parent)
    : QObject(parent)
    , m_gmail(m_store, m_tokens)
    , m_control(*this) {
    m_http.setMissingHandler([this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        dispatch(request, std::move(responder));
    });

    // The OAuth / Pub/Sub / Secret Manager services: routed on m_http, kept alive in m_services, with stats.
    auto accounts = std::make_shared<ServiceAccountRegistry>();
    auto oauth = std::make_shared<OAuthService>(m_tokens, m_store, *accounts);
    auto pubsub = std::make_shared<PubSubService>(m_tokens, *accounts, [this](const QString &email) {
        const auto watch = watchFor(email); // only a live users.watch publishes
        return watch && watch->expirationMs > QDateTime::currentMSecsSinceEpoch() ? watch->topicName
                                                                                  : QString();
    });
    auto secrets = std::make_shared<SecretManagerService>(m_tokens);
    m_store.onChanged = [p = QPointer<PubSubService>(pubsub.get())](const QString &email, quint64 historyId) {
        if (p)
            p->mailboxChanged(email, historyId);
    };
    oauth->registerRoutes(m_http);
    pubsub->registerRoutes(m_http);
    secrets->registerRoutes(m_http);
    addStatsSource(
        QStringLiteral("oauth"), [oauth] { return oauth->oauthStats(); }, [oauth] { oauth->resetStats(); });
    addStatsSource(
        QStringLiteral("pubsub"), [pubsub] { return pubsub->stats(); }, [pubsub] { pubsub->resetStats(); });
    m_services.insert(m_services.end(), {accounts, oauth, pubsub, secrets});
}

SandboxServer::~SandboxServer() = default;

bool SandboxServer::listen(const QHostAddress &host, quint16 port) {
    auto *tcp = new QTcpServer(&m_http);
    if (!tcp->listen(host, port)) {
        m_error = QStringLiteral("cannot listen on %1:%2: %3")
                      .arg(host.toString())
                      .arg(port)
                      .arg(tcp->errorString());
        delete tcp;
        return false;
    }
    m_http.bind(tcp);
    m_port = tcp->serverPort();
    return true;
}

QUrl SandboxServer::baseUrl() const {
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(QStringLiteral("127.0.0.1"));
    url.setPort(m_port);
    return url;
}

void SandboxServer::setDefaultQuota(const gmail::QuotaProfile &profile, double units) {
    m_defaultProfile = profile;
    m_defaultQuota = units;
    restoreDefaultQuota();
}

void SandboxServer::restoreDefaultQuota() {
    m_quota.setProfile(m_defaultProfile);
    m_quota.setUnitsPerSecond(m_defaultQuota);
}

void SandboxServer::dispatch(const QHttpServerRequest &httpRequest, QHttpServerResponder &&responder) {
    QTcpSocket *socket = responder.socket();
    // Answers go out in one write; without TCP_NODELAY the tail of a large one can wait for the peer's
    // delayed ACK (Nagle).
    if (!socket->property("gsaNoDelay").toBool()) {
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        socket->setProperty("gsaNoDelay", true);
    }
    const ApiRequest request = copyRequest(httpRequest);

    if (request.path.startsWith(QStringLiteral("/_sandbox/"))) {
        ++m_requests[QStringLiteral("control")];
        if (!request.remoteAddress.isLoopback()) {
            send(socket,
                 GoogleError::make(403, QStringLiteral("The control API answers loopback clients only."),
                                   QStringLiteral("forbidden")),
                 FaultInjector::Fault::None);
            return;
        }
        const std::optional<ApiResponse> answer = m_control.handle(request);
        send(socket, answer ? *answer : GoogleError::notFound(), FaultInjector::Fault::None);
        return;
    }

    const bool gmail = isGmailPath(request.path);
    const bool batch = isBatchPath(request.path) && request.method == "POST";
    if (!gmail && !batch) {
        ++m_requests[QStringLiteral("unknown")];
        send(socket, GoogleError::notFound(), FaultInjector::Fault::None);
        return;
    }

    // One draw for the HTTP exchange itself; a batch's parts then draw on their own.
    const FaultInjector::Fault fault = m_faults.next();
    ApiResponse response;
    QStringList users;
    if (batch) {
        ++m_requests[QStringLiteral("batch")];
        if (fault == FaultInjector::Fault::Drop || fault == FaultInjector::Fault::Truncate ||
            fault == FaultInjector::Fault::None) {
            response = BatchHandler::handle(request, [this, &users](const ApiRequest &part) {
                return callGmail(part, m_faults.next(true), &users);
            });
        } else {
            response =
                callGmail(ApiRequest{}, fault, &users); // the whole batch fails, as Google's front end can
        }
    } else {
        response = callGmail(request, fault, &users);
    }

    const int latency = m_faults.config().latencyMs;
    if (latency <= 0) {
        send(socket, response, fault);
        return;
    }
    // Answer later without blocking the thread; the socket as context drops the timer if it goes away.
    // The calls count as in flight until then: the guard gives them back when the timer fires or dies.
    for (const QString &user : std::as_const(users))
        ++(*m_inFlight)[user];
    const auto inFlight = std::shared_ptr<void>(nullptr, [counts = m_inFlight, users](void *) {
        for (const QString &user : users) {
            if (--(*counts)[user] <= 0)
                counts->remove(user);
        }
    });
    QPointer<QTcpSocket> guarded(socket);
    QTimer::singleShot(latency, socket, [this, guarded, response, fault, inFlight]() {
        if (guarded)
            send(guarded, response, fault);
    });
}

ApiResponse SandboxServer::callGmail(const ApiRequest &request, FaultInjector::Fault fault,
                                     QStringList *users) {
    const auto withRetryAfter = [this](ApiResponse r) {
        if (m_faults.config().retryAfterSeconds > 0)
            r.addHeader("Retry-After", QByteArray::number(m_faults.config().retryAfterSeconds));
        return r;
    };
    ApiResponse response;
    switch (fault) {
    case FaultInjector::Fault::RateLimit429:
        response = withRetryAfter(GoogleError::rateLimitExceeded());
        break;
    case FaultInjector::Fault::UserRateLimit403:
        response = withRetryAfter(GoogleError::userRateLimitExceeded());
        break;
    case FaultInjector::Fault::Backend500:
        response = GoogleError::backendError();
        break;
    case FaultInjector::Fault::Unavailable503:
        response = withRetryAfter(GoogleError::serviceUnavailable());
        break;
    default: {
        const std::optional<GmailRoutes::Call> call = GmailRoutes::resolve(request);
        if (!call) {
            ++m_requests[QStringLiteral("unknown")];
            response = GoogleError::notFound();
            break;
        }
        ++m_requests[call->method];
        if (call->method == QLatin1String("messages.get") && m_faults.failsForever(call->id)) {
            response = GoogleError::backendError();
            break;
        }
        const std::optional<QString> email = m_gmail.authenticate(request, &response);
        if (!email)
            break;
        const QString user = email->toLower();
        const int maxConcurrent = m_faults.config().maxConcurrentPerUser;
        if (maxConcurrent > 0 && m_inFlight->value(user) + int(users->count(user)) >= maxConcurrent) {
            response = withRetryAfter(GoogleError::tooManyConcurrentRequests());
            break;
        }
        users->append(user);
        qint64 retryAfterMs = 0;
        if (!m_quota.tryConsume(email->toLower(), m_quota.cost(call->method), &retryAfterMs)) {
            response = withRetryAfter(GoogleError::quotaExceeded(retryAfterMs));
            break;
        }
        response = m_gmail.handle(*call, request, *email);
        break;
    }
    }
    countStatus(response.status);
    return response;
}

void SandboxServer::send(QTcpSocket *socket, const ApiResponse &response, FaultInjector::Fault fault) {
    if (!socket || socket->state() != QAbstractSocket::ConnectedState)
        return;
    switch (fault) {
    case FaultInjector::Fault::Drop:
        socket->abort(); // no answer at all: the client sees the connection close
        return;
    case FaultInjector::Fault::Truncate:
        // The full Content-Length, half the body, then close: the client must notice the short read.
        socket->write(response.serializeHead());
        socket->write(response.body.first(response.body.size() / 2));
        socket->disconnectFromHost();
        return;
    default:
        socket->write(response.serialize());
        return;
    }
}

void SandboxServer::countStatus(int status) {
    ++m_statuses[status];
}

void SandboxServer::addStatsSource(const QString &key, std::function<QJsonObject()> source,
                                   std::function<void()> reset) {
    m_statsSources.insert(key, StatsSource{std::move(source), std::move(reset)});
}

QJsonObject SandboxServer::statsJson() const {
    QJsonObject requests;
    for (auto it = m_requests.cbegin(); it != m_requests.cend(); ++it)
        requests.insert(it.key(), it.value());
    QJsonObject statuses;
    for (auto it = m_statuses.cbegin(); it != m_statuses.cend(); ++it)
        statuses.insert(QString::number(it.key()), it.value());
    const QJsonObject quota = m_quota.statsJson();
    QJsonObject stats{{QStringLiteral("requests"), requests},
                      {QStringLiteral("responses"), statuses},
                      {QStringLiteral("unitsUsed"), quota.value(QStringLiteral("unitsUsed"))},
                      {QStringLiteral("quotaRejected"), quota.value(QStringLiteral("rejected"))},
                      {QStringLiteral("faultsInjected"), m_faults.statsJson()},
                      {QStringLiteral("responses429"), m_statuses.value(429)}};
    for (auto it = m_statsSources.cbegin(); it != m_statsSources.cend(); ++it)
        stats.insert(it.key(), it->stats ? it->stats() : QJsonObject());
    return stats;
}

void SandboxServer::resetStats() {
    m_requests.clear();
    m_statuses.clear();
    m_quota.resetStats();
    m_faults.resetStats();
    for (const StatsSource &source : std::as_const(m_statsSources)) {
        if (source.reset)
            source.reset();
    }
}

} // namespace sandbox
