#include "gmail/GmailTransport.h"

#include "common/AccessTokenProvider.h"
#include "log/LogEvent.h"

#include <QDateTime>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QThread>
#include <QTimer>

#include <algorithm>

namespace gmail {

using namespace std::chrono;

struct GmailTransport::Attempts {
    QString endpoint;
    int maxRetries = 0;
    int attempt = 0; // retries used so far
    int rateLimitStreak = 0;
    bool refreshed = false;    // the token was refreshed once after a 401
    bool forceRefresh = false; // the next attempt asks for a fresh token
    std::optional<steady_clock::time_point> rateLimitedSince;
};

struct GmailTransport::Outcome {
    enum class Next {
        Done,  // a good answer: reply
        Fail,  // give up with failure
        Retry, // failure counts as one attempt; wait delay, then try again
        Again, // try again at once without using a retry (rate limit paced, token refreshed)
    };
    Next next = Next::Fail;
    std::optional<Reply> reply;
    ApiError failure;
    milliseconds delay{0};

    static Outcome done(Reply r) { return {Next::Done, std::move(r), {}, {}}; }
    static Outcome failed(ApiError e) { return {Next::Fail, std::nullopt, std::move(e), {}}; }
    static Outcome retry(ApiError e, milliseconds d) { return {Next::Retry, std::nullopt, std::move(e), d}; }
    static Outcome again() { return {Next::Again, std::nullopt, {}, {}}; }
    static Outcome cancelled() {
        ApiError e;
        e.kind = ApiError::Kind::Cancelled;
        return failed(e);
    }
};

namespace {

// Aborts the reply as soon as n bytes pass the cap, before the body is copied.
void checkCap(QNetworkReply *reply, qint64 cap, qint64 n, GmailTransport::Reply *r) {
    if (n > cap && !r->tooLarge) {
        r->tooLarge = true;
        r->size = n;
        reply->abort();
    }
}

QUrl requestUrl(QUrl url, const GmailTransport::Call &call) {
    QString basePath = url.path();
    while (basePath.endsWith(QLatin1Char('/')))
        basePath.chop(1);
    url.setPath(basePath + call.path);
    QByteArray query;
    for (const auto &[key, value] : call.query) {
        if (!query.isEmpty())
            query += '&';
        query += QUrl::toPercentEncoding(key) + '=' + QUrl::toPercentEncoding(value); // '+' → %2B
    }
    url.setQuery(QString::fromLatin1(query), QUrl::StrictMode);
    return url;
}

} // namespace

QString GmailTransport::Call::endpoint() const {
    return method + QLatin1Char(' ') + QString::fromLatin1(verb) + QLatin1Char(' ') + path;
}

GmailTransport::GmailTransport(const GmailClientSettings &settings, common::AccessTokenProvider *tokens)
    : m_settings(settings)
    , m_tokens(tokens) {}

GmailTransport::~GmailTransport() = default;

bool GmailTransport::isCancelled() const {
    return m_cancelled.load() || (m_externalCancel && m_externalCancel->load());
}

QNetworkAccessManager *GmailTransport::network() {
    // Created in the thread that makes the calls (a QNetworkAccessManager is bound to its thread).
    if (!m_network || m_network->thread() != QThread::currentThread())
        m_network = std::make_unique<QNetworkAccessManager>();
    return m_network.get();
}

bool GmailTransport::sleepFor(milliseconds d) {
    if (isCancelled())
        return false;
    if (d <= 0ms)
        return true;
    QEventLoop loop;
    QTimer done;
    done.setSingleShot(true);
    done.setTimerType(Qt::PreciseTimer); // coarse timers may fire 5 % early; pacing needs better
    QObject::connect(&done, &QTimer::timeout, &loop, &QEventLoop::quit);
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [this, &loop] {
        if (isCancelled())
            loop.quit();
    });
    done.start(d);
    poll.start(50);
    loop.exec();
    return !isCancelled();
}

milliseconds GmailTransport::backoff(int attempt) const {
    // "Full jitter" (AWS Architecture Blog, Exponential Backoff And Jitter): uniform in
    // [0, min(cap, base·2^attempt)], which Google's retry guidance also asks for.
    const qint64 ceiling = std::min<qint64>(m_settings.backoffCap.count(), m_settings.backoffBase.count()
                                                                               << std::min(attempt, 20));
    return milliseconds(QRandomGenerator::global()->bounded(ceiling + 1));
}

std::optional<milliseconds> GmailTransport::retryAfter(const QByteArray &value) {
    // RFC 9110 §10.2.3: delay-seconds or an HTTP-date.
    const QByteArray v = value.trimmed();
    if (v.isEmpty())
        return std::nullopt;
    bool ok = false;
    const qint64 secs = v.toLongLong(&ok);
    if (ok)
        return milliseconds(std::max<qint64>(0, secs) * 1000);
    // IMF-fixdate ends in "GMT", which Qt's RFC 2822 reader does not take; it reads "+0000".
    QString date = QString::fromLatin1(v);
    if (date.endsWith(QLatin1String(" GMT")))
        date = date.chopped(4) + QLatin1String(" +0000");
    const QDateTime when = QDateTime::fromString(date, Qt::RFC2822Date);
    if (!when.isValid())
        return std::nullopt;
    return milliseconds(std::max<qint64>(0, QDateTime::currentDateTimeUtc().msecsTo(when)));
}

std::optional<milliseconds> GmailTransport::serverDelay(const QByteArray &retryAfterHeader,
                                                        const ApiError &error) {
    if (const auto header = retryAfter(retryAfterHeader))
        return header;
    if (error.retryAt.isValid())
        return milliseconds(std::max<qint64>(0, QDateTime::currentDateTimeUtc().msecsTo(error.retryAt)));
    return std::nullopt;
}

bool GmailTransport::isRateLimit(int status, const QString &reason) {
    // developers.google.com/gmail/api/guides/handle-errors: 429 and 403 with these reasons.
    return status == 429 ||
           (status == 403 && (reason == u"rateLimitExceeded" || reason == u"userRateLimitExceeded"));
}

bool GmailTransport::isRetryableStatus(int status, const QString &reason) {
    return isRateLimit(status, reason) || status == 500 || status == 502 || status == 503 || status == 504;
}

QNetworkReply *GmailTransport::start(const Call &call, const QString &token) {
    QNetworkRequest request(requestUrl(m_settings.baseUrl, call));
    request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    request.setRawHeader("Accept", "application/json");
    if (!call.contentType.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, call.contentType);
    ++m_stats.httpRequests;
    return network()->sendCustomRequest(request, call.verb, call.body);
}

void GmailTransport::await(QNetworkReply *reply, qint64 cap, Reply *r) {
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer deadline;
    deadline.setSingleShot(true);
    deadline.setTimerType(Qt::PreciseTimer);
    QObject::connect(&deadline, &QTimer::timeout, &loop, [r, reply] {
        r->timedOut = true;
        reply->abort();
    });
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [this, r, reply] {
        if (isCancelled()) {
            r->cancelled = true;
            reply->abort();
        }
    });
    // The body is capped before it is copied: the announced Content-Length, then what has arrived
    // (a chunked answer announces nothing). QNetworkReply buffers what we do not read, so aborting
    // as soon as the cap is passed bounds the memory to the cap plus one network read.
    QObject::connect(reply, &QNetworkReply::metaDataChanged, &loop, [reply, cap, r] {
        const QVariant length = reply->header(QNetworkRequest::ContentLengthHeader);
        if (length.isValid())
            checkCap(reply, cap, length.toLongLong(), r);
    });
    QObject::connect(reply, &QNetworkReply::downloadProgress, &loop,
                     [reply, cap, r](qint64 received, qint64) { checkCap(reply, cap, received, r); });
    if (!reply->isFinished()) {
        deadline.start(m_settings.requestTimeout);
        poll.start(50);
        loop.exec();
    }
}

void GmailTransport::readAnswer(QNetworkReply *reply, Reply *r) {
    if (reply->isOpen())
        r->body = reply->readAll();
    r->contentType = reply->rawHeader("Content-Type");
    r->retryAfter = reply->rawHeader("Retry-After");
    const auto error = reply->error();
    // QNetworkReply::NetworkError: 1-199 are connection and proxy failures, 301 (unknown protocol)
    // and 399 (protocol failure, e.g. a garbled or cut answer) too — transport failures even when a
    // status line arrived. The others (201-299, 302 for 400, 401-499) mirror an HTTP status, which
    // is judged by the status itself.
    const int code = static_cast<int>(error);
    if (error != QNetworkReply::NoError &&
        ((code > 0 && code < 200) || code == QNetworkReply::ProtocolUnknownError ||
         code == QNetworkReply::ProtocolFailure || r->status == 0)) {
        r->transportError = true;
        r->transportMessage = reply->errorString();
    }
    if (r->status == 0 && error == QNetworkReply::NoError)
        r->transportError = true;
}

GmailTransport::Reply GmailTransport::send(const Call &call, const QString &token) {
    QNetworkReply *reply = start(call, token);
    const qint64 cap = call.maxBodyBytes > 0 ? call.maxBodyBytes : m_settings.maxAnswerBytes;
    Reply r;
    await(reply, cap, &r);
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (!r.tooLarge && reply->isOpen())
        checkCap(reply, cap, reply->bytesAvailable(), &r);
    if (!r.tooLarge)
        readAnswer(reply, &r);
    reply->deleteLater();
    return r;
}

std::optional<GmailTransport::Reply> GmailTransport::execute(const Call &call) {
    m_lastError = {};
    Attempts a;
    a.endpoint = call.endpoint();
    a.maxRetries = call.maxRetries >= 0 ? call.maxRetries : m_settings.maxRetries;
    while (true) {
        if (isCancelled())
            return fail(Outcome::cancelled().failure, a);
        Outcome o = attempt(call, a);
        if (o.next == Outcome::Next::Done)
            return std::move(o.reply);
        if (o.next == Outcome::Next::Fail)
            return fail(o.failure, a);
        if (o.next == Outcome::Next::Again)
            continue;
        // A failure other than a rate limit: the streak of rate-limit answers is over.
        a.rateLimitedSince.reset();
        a.rateLimitStreak = 0;
        o.failure.endpoint = a.endpoint;
        if (a.attempt >= a.maxRetries)
            return fail(o.failure, a);
        ++a.attempt;
        ++m_stats.retries;
        logRetry(o.failure, a, o.delay);
        if (!sleepFor(o.delay))
            return fail(Outcome::cancelled().failure, a);
    }
}

std::optional<GmailTransport::Reply> GmailTransport::fail(ApiError error, const Attempts &a) {
    error.endpoint = a.endpoint;
    error.retries = a.attempt;
    m_lastError = std::move(error);
    return std::nullopt;
}

void GmailTransport::logRetry(const ApiError &failure, const Attempts &a, milliseconds delay) const {
    logging::LogEvent(logging::Level::Warning, "gmail request retried")
        .step(a.endpoint)
        .error(failure.toString())
        .count("attempt", a.attempt)
        .count("maxRetries", a.maxRetries)
        .duration("delayMs", double(delay.count()))
        .write();
}

GmailTransport::Outcome GmailTransport::attempt(const Call &call, Attempts &a) {
    QString tokenError;
    bool permanent = false;
    const std::optional<QString> token = m_tokens->accessToken(a.forceRefresh, &tokenError, &permanent);
    a.forceRefresh = false;
    if (!token) {
        ApiError failure;
        failure.kind = permanent ? ApiError::Kind::AuthPermanent : ApiError::Kind::Auth;
        failure.message = tokenError;
        return permanent ? Outcome::failed(failure) : Outcome::retry(failure, backoff(a.attempt));
    }
    if (!waitForTurn(call.cost))
        return Outcome::cancelled();
    m_lastSentAt = m_settings.pacer ? m_settings.pacer->now() : steady_clock::now();
    const steady_clock::time_point sentAt = m_lastSentAt;
    const Reply reply = send(call, *token);
    if (m_settings.pacer)
        m_settings.pacer->releaseSlot();
    return judge(call, reply, sentAt, a);
}

bool GmailTransport::waitForTurn(int cost) {
    if (m_settings.pacer && !sleepFor(duration_cast<milliseconds>(m_settings.pacer->reserve(cost))))
        return false;
    if (m_settings.projectQuota) {
        // The deployment's per-project minute (shared through the database by every worker).
        for (milliseconds wait = m_settings.projectQuota->tryAcquire(cost); wait > 0ms;
             wait = m_settings.projectQuota->tryAcquire(cost)) {
            if (!sleepFor(wait))
                return false;
        }
    }
    return !m_settings.pacer || m_settings.pacer->acquireSlot([this] { return isCancelled(); });
}

GmailTransport::Outcome GmailTransport::judge(const Call &call, const Reply &reply,
                                              steady_clock::time_point sentAt, Attempts &a) {
    if (reply.cancelled)
        return Outcome::cancelled();
    const bool answered = !reply.tooLarge && !reply.timedOut && !reply.transportError;
    if (answered && reply.status >= 200 && reply.status < 300 && (!call.validate || call.validate(reply))) {
        if (m_settings.pacer && !call.path.startsWith(QLatin1String("/batch/")))
            m_settings.pacer->onSuccess(); // a batch's parts speak for themselves
        return Outcome::done(reply);
    }
    ApiError failure;
    bool rateLimited = false;
    if (std::optional<Outcome> final = judgeFailedAnswer(call, reply, a, &failure, &rateLimited))
        return *final;
    const auto after = serverDelay(reply.retryAfter, failure);
    const milliseconds delay = after ? std::min(*after, m_settings.maxRetryAfter)
                                     : backoff(rateLimited ? a.rateLimitStreak : a.attempt);
    if (rateLimited)
        return onRateLimited(failure, delay, sentAt, a);
    return Outcome::retry(failure, delay);
}

std::optional<GmailTransport::Outcome> GmailTransport::judgeFailedAnswer(const Call &call, const Reply &reply,
                                                                         Attempts &a, ApiError *failure,
                                                                         bool *rateLimited) {
    if (reply.tooLarge) {
        ++m_stats.tooLarge;
        failure->kind = ApiError::Kind::TooLarge;
        failure->message = QStringLiteral("%1 bytes (the limit is %2)")
                               .arg(reply.size)
                               .arg(call.maxBodyBytes > 0 ? call.maxBodyBytes : m_settings.maxAnswerBytes);
        return Outcome::failed(*failure); // the same answer again would be just as large
    }
    if (reply.timedOut) {
        ++m_stats.timeouts;
        failure->kind = ApiError::Kind::Timeout;
        failure->message = QStringLiteral("no answer within %1 ms").arg(m_settings.requestTimeout.count());
        return call.retryTimeouts ? std::nullopt : std::optional(Outcome::failed(*failure));
    }
    if (reply.transportError || (reply.status >= 200 && reply.status < 300)) {
        failure->kind = ApiError::Kind::Network;
        failure->message =
            reply.transportError
                ? reply.transportMessage
                : QStringLiteral("incomplete or unreadable answer (HTTP %1)").arg(reply.status);
        return std::nullopt;
    }
    *failure = ApiError::fromHttp(reply.status, reply.body, a.endpoint);
    if (reply.status == 401) {
        // The token was refused: refresh it once, then give up (a second refusal is not a stale token
        // but a missing grant or scope).
        if (a.refreshed)
            return Outcome::failed(*failure);
        a.refreshed = true;
        a.forceRefresh = true;
        return Outcome::again();
    }
    if (!isRetryableStatus(reply.status, failure->reason))
        return Outcome::failed(*failure);
    *rateLimited = isRateLimit(reply.status, failure->reason);
    return std::nullopt;
}

GmailTransport::Outcome GmailTransport::onRateLimited(ApiError failure, milliseconds delay,
                                                      steady_clock::time_point sentAt, Attempts &a) {
    ++m_stats.rateLimited;
    const auto t = steady_clock::now();
    if (!a.rateLimitedSince)
        a.rateLimitedSince = t;
    if (t - *a.rateLimitedSince > m_settings.rateLimitCap) {
        failure.message += QStringLiteral(" (rate-limited without a break for %1 s)")
                               .arg(duration_cast<seconds>(t - *a.rateLimitedSince).count());
        return Outcome::failed(failure); // transient: the engine retries later
    }
    ++a.rateLimitStreak;
    if (m_settings.pacer) {
        // Slower for every thread of this user, and a pause; this request then waits its turn again
        // like any other.
        if (m_settings.pacer->onRateLimited(sentAt, failure.retryAt.isValid()))
            logging::LogEvent(logging::Level::Info, "gmail rate-limited: pacing slower")
                .step(a.endpoint)
                .count("unitsPerSecond", qRound64(m_settings.pacer->currentRate()))
                .write();
        m_settings.pacer->pause(delay);
    } else if (!sleepFor(delay)) {
        return Outcome::cancelled();
    }
    return Outcome::again(); // not a failure of the request: no retry used
}

} // namespace gmail
