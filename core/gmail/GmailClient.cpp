#include "gmail/GmailClient.h"

#include "auth/AccessTokenProvider.h"
#include "gmail/BatchCodec.h"
#include "log/LogEvent.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <functional>

namespace gmail {

using namespace std::chrono;

struct GmailClient::Reply {
    int status = 0;
    QByteArray body;
    QByteArray contentType;
    QByteArray retryAfter;
    bool transportError = false;
    bool timedOut = false;
    bool cancelled = false;
    bool tooLarge = false; // over the call's maxBodyBytes: aborted before the body was read
    qint64 size = 0;       // tooLarge: the announced or received size
    QString transportMessage;
};

struct GmailClient::Call {
    QByteArray verb = "GET";
    QString path; // below the base URL: "/gmail/v1/users/me/profile"
    QList<QPair<QString, QString>> query;
    QByteArray body;
    QByteArray contentType;
    int cost = 1;
    int maxRetries = -1;       // < 0: the settings' maxRetries
    qint64 maxBodyBytes = 0;   // 0: the settings' maxAnswerBytes
    bool retryTimeouts = true; // false: a timeout returns at once (a batch is split instead)
    QString method;            // Gmail's method name for messages: "users.getProfile"
    // Checks a 2xx body; false ⇒ the answer was cut short or garbled: retried like a network error.
    std::function<bool(const Reply &)> validate;
    QString endpoint() const {
        return method + QLatin1Char(' ') + QString::fromLatin1(verb) + QLatin1Char(' ') + path;
    }
};

namespace {

QStringList stringList(const QJsonValue &v) {
    QStringList out;
    for (const QJsonValue &s : v.toArray())
        out.append(s.toString());
    return out;
}

quint64 u64(const QJsonValue &v) // the API sends int64/uint64 as JSON strings
{
    return v.isString() ? v.toString().toULongLong() : static_cast<quint64>(v.toDouble());
}

qint64 i64(const QJsonValue &v) {
    return v.isString() ? v.toString().toLongLong() : static_cast<qint64>(v.toDouble());
}

MessageRef messageRef(const QJsonObject &o) {
    return {o.value(QLatin1String("id")).toString(), o.value(QLatin1String("threadId")).toString(),
            stringList(o.value(QLatin1String("labelIds")))};
}

std::optional<QJsonObject> jsonObject(const QByteArray &body) {
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    return doc.object();
}

bool isJsonObject(const QByteArray &body) {
    return jsonObject(body).has_value();
}

std::optional<RawMessage> rawMessage(const QByteArray &body) {
    const auto o = jsonObject(body);
    if (!o || !o->contains(QLatin1String("raw")))
        return std::nullopt;
    RawMessage m;
    m.id = o->value(QLatin1String("id")).toString();
    m.threadId = o->value(QLatin1String("threadId")).toString();
    m.labelIds = stringList(o->value(QLatin1String("labelIds")));
    m.historyId = u64(o->value(QLatin1String("historyId")));
    m.internalDate = i64(o->value(QLatin1String("internalDate")));
    m.sizeEstimate = i64(o->value(QLatin1String("sizeEstimate")));
    m.snippet = o->value(QLatin1String("snippet")).toString();
    // format=raw is base64url (RFC 4648 §5), with or without padding. Some servers speaking the API send
    // the standard alphabet; the lenient url decoder would silently skip its '+' and '/', so a payload
    // holding either is read as standard base64 instead.
    const QByteArray encoded = o->value(QLatin1String("raw")).toString().toLatin1();
    const bool standardAlphabet = encoded.contains('+') || encoded.contains('/');
    const auto decoded = QByteArray::fromBase64Encoding(
        encoded, standardAlphabet ? QByteArray::Base64Encoding : QByteArray::Base64UrlEncoding);
    if (!decoded)
        return std::nullopt;
    m.raw = *decoded;
    return m;
}

QList<LabelChange> labelChanges(const QJsonValue &v) {
    QList<LabelChange> out;
    for (const QJsonValue &c : v.toArray()) {
        const QJsonObject o = c.toObject();
        out.append({messageRef(o.value(QLatin1String("message")).toObject()),
                    stringList(o.value(QLatin1String("labelIds")))});
    }
    return out;
}

QList<MessageRef> wrappedMessages(const QJsonValue &v) // [{"message": {...}}]
{
    QList<MessageRef> out;
    for (const QJsonValue &m : v.toArray())
        out.append(messageRef(m.toObject().value(QLatin1String("message")).toObject()));
    return out;
}

} // namespace

GmailClient::GmailClient(GmailClientSettings settings, auth::AccessTokenProvider *tokens, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_tokens(tokens)
    , m_batchSize(std::clamp(m_settings.maxBatchSize, 1, 100)) {}

GmailClient::~GmailClient() = default;

bool GmailClient::isCancelled() const {
    return m_cancelled.load() || (m_externalCancel && m_externalCancel->load());
}

QNetworkAccessManager *GmailClient::network() {
    // Created in the thread that makes the calls (a QNetworkAccessManager is bound to its thread).
    if (!m_network || m_network->thread() != QThread::currentThread())
        m_network = std::make_unique<QNetworkAccessManager>();
    return m_network.get();
}

QString GmailClient::userPath() const {
    return QStringLiteral("/gmail/v1/users/") +
           QString::fromLatin1(QUrl::toPercentEncoding(m_settings.userId));
}

bool GmailClient::sleepFor(milliseconds d) {
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

milliseconds GmailClient::backoff(int attempt) const {
    // "Full jitter" (AWS Architecture Blog, Exponential Backoff And Jitter): uniform in
    // [0, min(cap, base·2^attempt)], which Google's retry guidance also asks for.
    const qint64 ceiling = std::min<qint64>(m_settings.backoffCap.count(), m_settings.backoffBase.count()
                                                                               << std::min(attempt, 20));
    return milliseconds(QRandomGenerator::global()->bounded(ceiling + 1));
}

std::optional<milliseconds> GmailClient::retryAfter(const QByteArray &value) {
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

std::optional<milliseconds> GmailClient::serverDelay(const QByteArray &retryAfterHeader,
                                                     const ApiError &error) {
    if (const auto header = retryAfter(retryAfterHeader))
        return header;
    if (error.retryAt.isValid())
        return milliseconds(std::max<qint64>(0, QDateTime::currentDateTimeUtc().msecsTo(error.retryAt)));
    return std::nullopt;
}

bool GmailClient::isRateLimit(int status, const QString &reason) {
    // developers.google.com/gmail/api/guides/handle-errors: 429 and 403 with these reasons.
    return status == 429 ||
           (status == 403 && (reason == u"rateLimitExceeded" || reason == u"userRateLimitExceeded"));
}

bool GmailClient::isRetryableStatus(int status, const QString &reason) {
    return isRateLimit(status, reason) || status == 500 || status == 502 || status == 503 || status == 504;
}

GmailClient::Reply GmailClient::send(const Call &call, const QString &token) {
    QUrl url = m_settings.baseUrl;
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

    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    request.setRawHeader("Accept", "application/json");
    if (!call.contentType.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, call.contentType);
    ++m_stats.httpRequests;
    QNetworkReply *reply = network()->sendCustomRequest(request, call.verb, call.body);

    Reply r;
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer deadline;
    deadline.setSingleShot(true);
    deadline.setTimerType(Qt::PreciseTimer);
    QObject::connect(&deadline, &QTimer::timeout, &loop, [&r, reply] {
        r.timedOut = true;
        reply->abort();
    });
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [this, &r, reply] {
        if (isCancelled()) {
            r.cancelled = true;
            reply->abort();
        }
    });
    // The body is capped before it is copied: the announced Content-Length, then what has arrived
    // (a chunked answer announces nothing). QNetworkReply buffers what we do not read, so aborting
    // as soon as the cap is passed bounds the memory to the cap plus one network read.
    const qint64 cap = call.maxBodyBytes > 0 ? call.maxBodyBytes : m_settings.maxAnswerBytes;
    const auto overCap = [&r, reply, cap](qint64 n) {
        if (n > cap && !r.tooLarge) {
            r.tooLarge = true;
            r.size = n;
            reply->abort();
        }
    };
    QObject::connect(reply, &QNetworkReply::metaDataChanged, &loop, [reply, overCap] {
        const QVariant length = reply->header(QNetworkRequest::ContentLengthHeader);
        if (length.isValid())
            overCap(length.toLongLong());
    });
    QObject::connect(reply, &QNetworkReply::downloadProgress, &loop,
                     [overCap](qint64 received, qint64) { overCap(received); });
    if (!reply->isFinished()) {
        deadline.start(m_settings.requestTimeout);
        poll.start(50);
        loop.exec();
    }

    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (!r.tooLarge && reply->isOpen())
        overCap(reply->bytesAvailable());
    if (r.tooLarge) {
        reply->deleteLater();
        return r;
    }
    if (reply->isOpen())
        r.body = reply->readAll();
    r.contentType = reply->rawHeader("Content-Type");
    r.retryAfter = reply->rawHeader("Retry-After");
    const auto error = reply->error();
    // QNetworkReply::NetworkError: 1-199 are connection and proxy failures, 301 (unknown protocol)
    // and 399 (protocol failure, e.g. a garbled or cut answer) too — transport failures even when a
    // status line arrived. The others (201-299, 302 for 400, 401-499) mirror an HTTP status, which
    // is judged by the status itself.
    const int code = static_cast<int>(error);
    if (error != QNetworkReply::NoError &&
        ((code > 0 && code < 200) || code == QNetworkReply::ProtocolUnknownError ||
         code == QNetworkReply::ProtocolFailure || r.status == 0)) {
        r.transportError = true;
        r.transportMessage = reply->errorString();
    }
    if (r.status == 0 && error == QNetworkReply::NoError)
        r.transportError = true;
    reply->deleteLater();
    return r;
}

std::optional<GmailClient::Reply> GmailClient::execute(const Call &call) {
    m_lastError = {};
    const QString endpoint = call.endpoint();
    bool refreshed = false;
    bool forceRefresh = false;
    int attempt = 0;
    int rateLimitStreak = 0;
    std::optional<steady_clock::time_point> rateLimitedSince;
    const auto fail = [&](ApiError e) -> std::optional<Reply> {
        e.endpoint = endpoint;
        e.retries = attempt;
        m_lastError = e;
        return std::nullopt;
    };
    const auto cancelled = [&] {
        ApiError e;
        e.kind = ApiError::Kind::Cancelled;
        return fail(e);
    };
    const int maxRetries = call.maxRetries >= 0 ? call.maxRetries : m_settings.maxRetries;

    while (true) {
        if (isCancelled())
            return cancelled();
        ApiError failure;   // why this attempt failed, when it did
        milliseconds delay; // how long to wait before the next attempt
        bool rateLimited = false;

        QString tokenError;
        bool permanent = false;
        const std::optional<QString> token = m_tokens->accessToken(forceRefresh, &tokenError, &permanent);
        forceRefresh = false;
        if (!token) {
            failure.kind = permanent ? ApiError::Kind::AuthPermanent : ApiError::Kind::Auth;
            failure.message = tokenError;
            if (permanent)
                return fail(failure);
            delay = backoff(attempt);
        } else {
            if (m_settings.pacer) {
                if (!sleepFor(duration_cast<milliseconds>(m_settings.pacer->reserve(call.cost))))
                    return cancelled();
            }
            if (m_settings.projectQuota) {
                // The deployment's per-project minute (shared through the database by every worker).
                for (milliseconds wait = m_settings.projectQuota->tryAcquire(call.cost); wait > 0ms;
                     wait = m_settings.projectQuota->tryAcquire(call.cost)) {
                    if (!sleepFor(wait))
                        return cancelled();
                }
            }
            if (m_settings.pacer && !m_settings.pacer->acquireSlot([this] { return isCancelled(); }))
                return cancelled();
            m_lastSentAt = m_settings.pacer ? m_settings.pacer->now() : steady_clock::now();
            const steady_clock::time_point sentAt = m_lastSentAt;
            Reply reply = send(call, *token);
            if (m_settings.pacer)
                m_settings.pacer->releaseSlot();

            if (reply.cancelled)
                return cancelled();
            if (reply.tooLarge) {
                ++m_stats.tooLarge;
                failure.kind = ApiError::Kind::TooLarge;
                failure.message =
                    QStringLiteral("%1 bytes (the limit is %2)")
                        .arg(reply.size)
                        .arg(call.maxBodyBytes > 0 ? call.maxBodyBytes : m_settings.maxAnswerBytes);
                return fail(failure); // the same answer again would be just as large
            }
            if (reply.timedOut) {
                ++m_stats.timeouts;
                failure.kind = ApiError::Kind::Timeout;
                failure.message =
                    QStringLiteral("no answer within %1 ms").arg(m_settings.requestTimeout.count());
                if (!call.retryTimeouts)
                    return fail(failure);
            } else if (reply.transportError) {
                failure.kind = ApiError::Kind::Network;
                failure.message = reply.transportMessage;
            } else if (reply.status >= 200 && reply.status < 300) {
                if (!call.validate || call.validate(reply)) {
                    if (m_settings.pacer && !call.path.startsWith(QLatin1String("/batch/")))
                        m_settings.pacer->onSuccess(); // a batch's parts speak for themselves
                    return reply;
                }
                failure.kind = ApiError::Kind::Network;
                failure.message =
                    QStringLiteral("incomplete or unreadable answer (HTTP %1)").arg(reply.status);
            } else {
                failure = ApiError::fromHttp(reply.status, reply.body, endpoint);
                if (reply.status == 401) {
                    // The token was refused: refresh it once, then give up (a second refusal is not
                    // a stale token but a missing grant or scope).
                    if (refreshed)
                        return fail(failure);
                    refreshed = true;
                    forceRefresh = true;
                    continue;
                }
                if (!isRetryableStatus(reply.status, failure.reason))
                    return fail(failure);
                rateLimited = isRateLimit(reply.status, failure.reason);
            }
            const auto after = serverDelay(reply.retryAfter, failure);
            delay = after ? std::min(*after, m_settings.maxRetryAfter)
                          : backoff(rateLimited ? rateLimitStreak : attempt);
            if (rateLimited) {
                ++m_stats.rateLimited;
                const auto t = steady_clock::now();
                if (!rateLimitedSince)
                    rateLimitedSince = t;
                if (t - *rateLimitedSince > m_settings.rateLimitCap) {
                    failure.message += QStringLiteral(" (rate-limited without a break for %1 s)")
                                           .arg(duration_cast<seconds>(t - *rateLimitedSince).count());
                    return fail(failure); // transient: the engine retries later
                }
                ++rateLimitStreak;
                if (m_settings.pacer) {
                    // Slower for every thread of this user, and a pause; this request then waits its
                    // turn again like any other.
                    if (m_settings.pacer->onRateLimited(sentAt, failure.retryAt.isValid()))
                        logging::LogEvent(logging::Level::Info, "gmail rate-limited: pacing slower")
                            .step(endpoint)
                            .count("unitsPerSecond", qRound64(m_settings.pacer->currentRate()))
                            .write();
                    m_settings.pacer->pause(delay);
                } else if (!sleepFor(delay)) {
                    return cancelled();
                }
                continue; // not a failure of the request: no retry used
            }
        }
        rateLimitedSince.reset();
        rateLimitStreak = 0;

        failure.endpoint = endpoint;
        if (attempt >= maxRetries)
            return fail(failure);
        ++attempt;
        ++m_stats.retries;
        logging::LogEvent(logging::Level::Warning, "gmail request retried")
            .step(endpoint)
            .error(failure.toString())
            .count("attempt", attempt)
            .count("maxRetries", maxRetries)
            .duration("delayMs", double(delay.count()))
            .write();
        if (!sleepFor(delay))
            return cancelled();
    }
}

std::optional<Profile> GmailClient::profile() {
    Call call;
    call.path = userPath() + QStringLiteral("/profile");
    call.cost = m_settings.quota.cost(QStringLiteral("getProfile"));
    call.method = QStringLiteral("users.getProfile");
    call.validate = [](const Reply &r) { return isJsonObject(r.body); };
    const auto reply = execute(call);
    if (!reply)
        return std::nullopt;
    const QJsonObject o = *jsonObject(reply->body);
    Profile p;
    p.emailAddress = o.value(QLatin1String("emailAddress")).toString();
    p.historyId = u64(o.value(QLatin1String("historyId")));
    p.messagesTotal = i64(o.value(QLatin1String("messagesTotal")));
    p.threadsTotal = i64(o.value(QLatin1String("threadsTotal")));
    return p;
}

std::optional<MessageListPage> GmailClient::listMessages(const QString &q, const QStringList &labelIds,
                                                         bool includeSpamTrash, const QString &pageToken,
                                                         int maxResults) {
    Call call;
    call.path = userPath() + QStringLiteral("/messages");
    if (!q.isEmpty())
        call.query.append({QStringLiteral("q"), q});
    for (const QString &label : labelIds)
        call.query.append({QStringLiteral("labelIds"), label});
    if (includeSpamTrash)
        call.query.append({QStringLiteral("includeSpamTrash"), QStringLiteral("true")});
    if (!pageToken.isEmpty())
        call.query.append({QStringLiteral("pageToken"), pageToken});
    call.query.append({QStringLiteral("maxResults"), QString::number(std::clamp(maxResults, 1, 500))});
    call.cost = m_settings.quota.cost(QStringLiteral("messages.list"));
    call.method = QStringLiteral("users.messages.list");
    call.validate = [](const Reply &r) { return isJsonObject(r.body); };
    const auto reply = execute(call);
    if (!reply)
        return std::nullopt;
    const QJsonObject o = *jsonObject(reply->body);
    MessageListPage page;
    for (const QJsonValue &m : o.value(QLatin1String("messages")).toArray())
        page.messages.append(messageRef(m.toObject()));
    page.nextPageToken = o.value(QLatin1String("nextPageToken")).toString();
    page.resultSizeEstimate = i64(o.value(QLatin1String("resultSizeEstimate")));
    return page;
}

std::optional<HistoryPage> GmailClient::listHistory(quint64 startHistoryId, const QStringList &historyTypes,
                                                    const QString &pageToken, int maxResults) {
    Call call;
    call.path = userPath() + QStringLiteral("/history");
    call.query.append({QStringLiteral("startHistoryId"), QString::number(startHistoryId)});
    for (const QString &type : historyTypes)
        call.query.append({QStringLiteral("historyTypes"), type});
    if (!pageToken.isEmpty())
        call.query.append({QStringLiteral("pageToken"), pageToken});
    call.query.append({QStringLiteral("maxResults"), QString::number(std::clamp(maxResults, 1, 500))});
    call.cost = m_settings.quota.cost(QStringLiteral("history.list"));
    call.method = QStringLiteral("users.history.list");
    call.validate = [](const Reply &r) { return isJsonObject(r.body); };
    const auto reply = execute(call);
    if (!reply) {
        if (m_lastError.kind == ApiError::Kind::Http && m_lastError.httpStatus == 404) {
            HistoryPage tooOld; // developers.google.com/gmail/api/guides/sync#partial: full sync needed
            tooOld.historyTooOld = true;
            return tooOld;
        }
        return std::nullopt;
    }
    const QJsonObject o = *jsonObject(reply->body);
    HistoryPage page;
    for (const QJsonValue &h : o.value(QLatin1String("history")).toArray()) {
        const QJsonObject r = h.toObject();
        HistoryRecord record;
        record.id = u64(r.value(QLatin1String("id")));
        for (const QJsonValue &m : r.value(QLatin1String("messages")).toArray())
            record.messages.append(messageRef(m.toObject()));
        record.messagesAdded = wrappedMessages(r.value(QLatin1String("messagesAdded")));
        record.messagesDeleted = wrappedMessages(r.value(QLatin1String("messagesDeleted")));
        record.labelsAdded = labelChanges(r.value(QLatin1String("labelsAdded")));
        record.labelsRemoved = labelChanges(r.value(QLatin1String("labelsRemoved")));
        page.history.append(record);
    }
    page.nextPageToken = o.value(QLatin1String("nextPageToken")).toString();
    page.historyId = u64(o.value(QLatin1String("historyId")));
    return page;
}

std::optional<WatchResponse> GmailClient::watch(const QString &topicName, const QStringList &labelIds) {
    Call call;
    call.verb = "POST";
    call.path = userPath() + QStringLiteral("/watch");
    QJsonObject body{{QStringLiteral("topicName"), topicName}};
    if (!labelIds.isEmpty()) {
        body.insert(QStringLiteral("labelIds"), QJsonArray::fromStringList(labelIds));
        body.insert(QStringLiteral("labelFilterBehavior"), QStringLiteral("include"));
    }
    call.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    call.contentType = "application/json";
    call.cost = m_settings.quota.cost(QStringLiteral("watch"));
    call.method = QStringLiteral("users.watch");
    call.validate = [](const Reply &r) { return isJsonObject(r.body); };
    const auto reply = execute(call);
    if (!reply)
        return std::nullopt;
    const QJsonObject o = *jsonObject(reply->body);
    return WatchResponse{u64(o.value(QLatin1String("historyId"))), i64(o.value(QLatin1String("expiration")))};
}

bool GmailClient::stop() {
    Call call;
    call.verb = "POST";
    call.path = userPath() + QStringLiteral("/stop");
    call.contentType = "application/json";
    call.cost = m_settings.quota.cost(QStringLiteral("stop"));
    call.method = QStringLiteral("users.stop");
    return execute(call).has_value();
}

QList<FetchResult> GmailClient::getMessagesRaw(const QStringList &requested) {
    m_lastError = {};
    m_partsLimitedSince.reset();
    QStringList ids;
    for (const QString &id : requested) { // one fetch per distinct id
        if (!ids.contains(id))
            ids.append(id);
    }
    QHash<QString, FetchResult> results;
    QHash<QString, int> attempts;
    QStringList pending = ids;
    int round = 0;
    while (!pending.isEmpty()) {
        QStringList retry;
        milliseconds retryDelay{0};
        bool hardRetry = false; // some id is retried for a failure, not only for rate
        for (qsizetype i = 0; i < pending.size();) {
            const qsizetype n =
                std::min<qsizetype>(std::min(m_batchSize, quotaBatchLimit()), pending.size() - i);
            const QStringList chunk = pending.mid(i, n);
            i += n;
            for (const FetchResult &r : fetchBatch(chunk, &attempts, &retry, &retryDelay, &hardRetry))
                results.insert(r.id, r);
            const auto kind = m_lastError.kind;
            if (kind == ApiError::Kind::AuthPermanent || kind == ApiError::Kind::Cancelled) {
                // No later batch can succeed: report the rest with the same error at once.
                for (const QString &id : pending.mid(i) + retry)
                    results.insert(id, {id, FetchResult::Status::Failed, {}, m_lastError.toString()});
                retry.clear();
                break;
            }
        }
        pending = retry;
        // Parts refused for rate wait in the pacer (fetchBatch paused it); failed parts back off.
        const milliseconds wait =
            (hardRetry || !m_settings.pacer) ? std::max(retryDelay, backoff(round++)) : milliseconds(0);
        if (!pending.isEmpty() && !sleepFor(wait)) {
            for (const QString &id : std::as_const(pending))
                results.insert(id, {id, FetchResult::Status::Failed, {}, QStringLiteral("cancelled")});
            break;
        }
    }
    QList<FetchResult> ordered;
    ordered.reserve(requested.size());
    for (const QString &id : requested)
        ordered.append(results.value(id, {id, FetchResult::Status::Failed, {}, QStringLiteral("cancelled")}));
    return ordered;
}

int GmailClient::quotaBatchLimit() const {
    // A batch of n gets costs n calls' units and the quota is a moving average over a short window:
    // a batch worth a second of the user's rate arrives as a burst that a little jitter turns into
    // refused parts. So a batch holds at most what half a second of the pacer's current rate pays for.
    if (!m_settings.pacer)
        return 100;
    const int cost = std::max(1, m_settings.quota.cost(QStringLiteral("messages.get")));
    return std::clamp(static_cast<int>(m_settings.pacer->currentRate() * 0.5 / cost), 1, 100);
}

QString GmailClient::messagePath(const QString &id) const {
    return userPath() + QStringLiteral("/messages/") + QString::fromLatin1(QUrl::toPercentEncoding(id));
}

FetchResult GmailClient::fetchOne(const QString &id, int spentRetries) {
    // A lone id (often a retried part) goes as a plain GET with the full retry policy.
    Call call;
    call.path = messagePath(id);
    call.query.append({QStringLiteral("format"), QStringLiteral("raw")});
    call.cost = m_settings.quota.cost(QStringLiteral("messages.get"));
    call.method = QStringLiteral("users.messages.get");
    call.maxBodyBytes = m_settings.maxMessageBytes;
    call.validate = [](const Reply &r) { return rawMessage(r.body).has_value(); };
    // A part already retried inside batches spends what is left of its retries here; the attempt
    // itself is one of them when it failed before.
    call.maxRetries = std::max(0, m_settings.maxRetries - spentRetries);
    const auto reply = execute(call);
    if (reply)
        return {id, FetchResult::Status::Ok, *rawMessage(reply->body), {}};
    m_lastError.retries += spentRetries;
    if (m_lastError.kind == ApiError::Kind::Http && m_lastError.httpStatus == 404)
        return {id, FetchResult::Status::NotFound, {}, m_lastError.toString()};
    if (m_lastError.kind == ApiError::Kind::TooLarge)
        return {
            id, FetchResult::Status::Failed, {}, QStringLiteral("message too large: ") + m_lastError.message};
    return {id, FetchResult::Status::Failed, {}, m_lastError.toString()};
}

QList<FetchResult> GmailClient::fetchBatch(const QStringList &ids, QHash<QString, int> *attempts,
                                           QStringList *retry, milliseconds *retryDelay, bool *hardRetry) {
    QList<FetchResult> results;
    const auto failAll = [&](const QString &error) {
        for (const QString &id : ids)
            results.append({id, FetchResult::Status::Failed, {}, error});
        return results;
    };
    const auto one = [&] {
        for (const QString &id : ids) {
            results.append(fetchOne(id, attempts->value(id)));
            const auto kind = m_lastError.kind;
            if (kind == ApiError::Kind::AuthPermanent || kind == ApiError::Kind::Cancelled)
                break; // getMessagesRaw reports the rest with this error
        }
        return results;
    };
    if (isCancelled())
        return failAll(QStringLiteral("cancelled"));

    if (ids.size() == 1 || m_batchUnavailable)
        return one();

    QList<BatchCodec::Request> requests;
    for (qsizetype i = 0; i < ids.size(); ++i) {
        const QString path = messagePath(ids.at(i)) + QStringLiteral("?format=raw");
        requests.append({"item-" + QByteArray::number(i), "GET", path.toLatin1()});
    }
    Call call;
    call.verb = "POST";
    call.path = QStringLiteral("/batch/gmail/v1");
    call.body = BatchCodec::encode(requests, &call.contentType);
    // n calls count as n requests (developers.google.com/gmail/api/guides/batch).
    call.cost = m_settings.quota.cost(QStringLiteral("messages.get")) * static_cast<int>(ids.size());
    call.method = QStringLiteral("batch users.messages.get");
    // Each part at most one message's cap, plus its part and HTTP headers.
    call.maxBodyBytes = (m_settings.maxMessageBytes + 4096) * ids.size();
    call.retryTimeouts = false; // a batch that times out is split below instead
    QList<BatchCodec::Response> parts;
    const qint64 partCap = m_settings.maxMessageBytes;
    call.validate = [&parts, partCap](const Reply &r) {
        QString error;
        auto decoded = BatchCodec::decode(r.contentType, r.body, &error, partCap);
        if (decoded)
            parts = std::move(*decoded);
        return decoded.has_value();
    };
    if (!execute(call)) {
        const int status = m_lastError.kind == ApiError::Kind::Http ? m_lastError.httpStatus : 0;
        if (status == 404 || status == 405 || status == 501) {
            // A server without Google's batch endpoint: one GET per message from now on.
            logging::LogEvent(logging::Level::Warning,
                              "gmail batch endpoint unavailable: one GET per message")
                .step(call.endpoint())
                .count("httpStatus", status)
                .write();
            m_batchUnavailable = true;
            return one();
        }
        if (m_lastError.kind == ApiError::Kind::Timeout) {
            // Too much for the time the server takes: split the batch, as inner 429s do, and retry its
            // ids in the smaller batches (each timeout counts as one attempt of each id).
            m_batchSize = std::max(1, m_batchSize / 2);
            m_cleanBatches = 0;
            for (const QString &id : ids) {
                int &tries = (*attempts)[id];
                if (tries >= m_settings.maxRetries) {
                    ApiError e = m_lastError;
                    e.retries = tries;
                    results.append({id, FetchResult::Status::Failed, {}, e.toString()});
                    continue;
                }
                ++tries;
                ++m_stats.innerRetries;
                retry->append(id);
                *hardRetry = true;
            }
            return results;
        }
        if (m_lastError.kind == ApiError::Kind::TooLarge)
            return one(); // some part is over the cap: alone, only that one fails
        return failAll(m_lastError.toString());
    }
    const steady_clock::time_point sentAt = m_lastSentAt;

    QHash<QString, const BatchCodec::Response *> byId;
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const QByteArray &cid = parts.at(i).contentId;
        bool ok = cid.startsWith("item-");
        const qsizetype index = ok ? cid.mid(5).toLongLong(&ok) : i; // Content-ID, else position
        if (ok && index >= 0 && index < ids.size())
            byId.insert(ids.at(index), &parts.at(i));
    }

    bool rateLimited = false;
    bool quotaSignal = false;
    bool progress = false;
    for (const QString &id : ids) {
        const BatchCodec::Response *part = byId.value(id);
        const QString endpoint = QStringLiteral("users.messages.get GET ") + messagePath(id);
        ApiError error;
        if (part && part->tooLarge) {
            ++m_stats.tooLarge;
            results.append({id,
                            FetchResult::Status::Failed,
                            {},
                            QStringLiteral("message too large: %1 bytes (the limit is %2)")
                                .arg(part->size)
                                .arg(partCap)});
            continue;
        }
        if (!part) {
            error.kind = ApiError::Kind::Network;
            error.message = QStringLiteral("missing from the batch answer");
        } else if (part->status == 200) {
            if (auto m = rawMessage(part->body)) {
                results.append({id, FetchResult::Status::Ok, std::move(*m), {}});
                progress = true;
                continue;
            }
            error.kind = ApiError::Kind::Network;
            error.message = QStringLiteral("incomplete or unreadable answer (HTTP 200)");
        } else if (part->status == 404) {
            // Gone between list and get (developers.google.com/gmail/api/guides/sync): skipped.
            results.append({id, FetchResult::Status::NotFound, {}, {}});
            progress = true;
            continue;
        } else if (part->status == 0) {
            error.kind = ApiError::Kind::Network;
            error.message = QStringLiteral("unreadable part in the batch answer");
        } else {
            error = ApiError::fromHttp(part->status, part->body, endpoint);
            if (!isRetryableStatus(part->status, error.reason) && part->status != 401) {
                results.append({id, FetchResult::Status::Failed, {}, error.toString()});
                continue;
            }
            if (const auto after = serverDelay(part->headers.value("retry-after"), error))
                *retryDelay = std::max(*retryDelay, std::min(*after, m_settings.maxRetryAfter));
            if (isRateLimit(part->status, error.reason)) {
                // Not a failure of the message: it waits its turn again, without using a retry.
                rateLimited = true;
                quotaSignal = quotaSignal || error.retryAt.isValid();
                ++m_stats.rateLimited;
                const auto t = steady_clock::now();
                if (!m_partsLimitedSince)
                    m_partsLimitedSince = t;
                if (t - *m_partsLimitedSince > m_settings.rateLimitCap) {
                    error.endpoint = endpoint;
                    error.message += QStringLiteral(" (rate-limited without a break for %1 s)")
                                         .arg(duration_cast<seconds>(t - *m_partsLimitedSince).count());
                    results.append({id, FetchResult::Status::Failed, {}, error.toString()});
                    continue;
                }
                ++m_stats.innerRetries;
                retry->append(id);
                continue;
            }
        }
        // A part that failed inside a 200 batch is retried on its own, never dropped.
        int &tries = (*attempts)[id];
        if (tries >= m_settings.maxRetries) {
            error.endpoint = endpoint;
            error.retries = tries;
            results.append({id, FetchResult::Status::Failed, {}, error.toString()});
            continue;
        }
        ++tries;
        ++m_stats.innerRetries;
        retry->append(id);
        *hardRetry = true;
    }
    if (progress) {
        m_partsLimitedSince.reset();
        if (m_settings.pacer)
            m_settings.pacer->onSuccess();
    }

    // Inner 429s mean the batch was too big for the user's concurrency: halve it; grow back slowly.
    if (rateLimited) {
        m_batchSize = std::max(1, m_batchSize / 2);
        m_cleanBatches = 0;
        if (m_settings.pacer) {
            // Refusals without a quota time next to answered parts are scattered, not our rate.
            if (quotaSignal || !progress)
                m_settings.pacer->onRateLimited(sentAt, quotaSignal);
            m_settings.pacer->pause(std::max(*retryDelay, backoff(0)));
        }
    } else if (++m_cleanBatches >= 4 && m_batchSize < m_settings.maxBatchSize) {
        m_batchSize =
            std::min(m_settings.maxBatchSize, m_batchSize + std::max(1, m_settings.maxBatchSize / 10));
        m_cleanBatches = 0;
    }
    return results;
}

} // namespace gmail
