#include "gmail/BatchFetcher.h"

#include "gmail/GmailJson.h"
#include "log/LogEvent.h"

#include <QUrl>

#include <algorithm>

namespace gmail {

using namespace std::chrono;

namespace {

QList<FetchResult> failedAll(const QStringList &ids, const QString &error) {
    QList<FetchResult> results;
    for (const QString &id : ids)
        results.append({id, FetchResult::Status::Failed, {}, error});
    return results;
}

} // namespace

BatchFetcher::BatchFetcher(const GmailClientSettings &settings, GmailTransport &transport, QString userPath)
    : m_settings(settings)
    , m_transport(transport)
    , m_userPath(std::move(userPath))
    , m_batchSize(std::clamp(settings.maxBatchSize, 1, 100)) {}

QString BatchFetcher::messagePath(const QString &id) const {
    return m_userPath + QStringLiteral("/messages/") + QString::fromLatin1(QUrl::toPercentEncoding(id));
}

bool BatchFetcher::stopsAll() const {
    const auto kind = m_transport.lastError().kind;
    return kind == ApiError::Kind::AuthPermanent || kind == ApiError::Kind::Cancelled;
}

QList<FetchResult> BatchFetcher::fetch(const QStringList &requested) {
    m_transport.setLastError({});
    m_partsLimitedSince.reset();
    QStringList pending;
    for (const QString &id : requested) { // one fetch per distinct id
        if (!pending.contains(id))
            pending.append(id);
    }
    QHash<QString, FetchResult> results;
    Round round;
    int rounds = 0;
    while (!pending.isEmpty()) {
        round.retry.clear();
        round.retryDelay = 0ms;
        round.hardRetry = false;
        runRound(pending, &round, &results);
        pending = round.retry;
        // Parts refused for rate wait in the pacer (fetchBatch paused it); failed parts back off.
        const milliseconds wait = (round.hardRetry || !m_settings.pacer)
                                      ? std::max(round.retryDelay, m_transport.backoff(rounds++))
                                      : milliseconds(0);
        if (!pending.isEmpty() && !m_transport.sleepFor(wait)) {
            for (const FetchResult &r : failedAll(pending, QStringLiteral("cancelled")))
                results.insert(r.id, r);
            break;
        }
    }
    QList<FetchResult> ordered;
    ordered.reserve(requested.size());
    for (const QString &id : requested)
        ordered.append(results.value(id, {id, FetchResult::Status::Failed, {}, QStringLiteral("cancelled")}));
    return ordered;
}

void BatchFetcher::runRound(const QStringList &pending, Round *round, QHash<QString, FetchResult> *results) {
    for (qsizetype i = 0; i < pending.size();) {
        const qsizetype n = std::min<qsizetype>(std::min(m_batchSize, quotaBatchLimit()), pending.size() - i);
        const QStringList chunk = pending.mid(i, n);
        i += n;
        for (const FetchResult &r : fetchBatch(chunk, round))
            results->insert(r.id, r);
        if (stopsAll()) {
            // No later batch can succeed: report the rest with the same error at once.
            for (const FetchResult &r :
                 failedAll(pending.mid(i) + round->retry, m_transport.lastError().toString()))
                results->insert(r.id, r);
            round->retry.clear();
            return;
        }
    }
}

int BatchFetcher::quotaBatchLimit() const {
    // A batch of n gets costs n calls' units and the quota is a moving average over a short window:
    // a batch worth a second of the user's rate arrives as a burst that a little jitter turns into
    // refused parts. So a batch holds at most what half a second of the pacer's current rate pays for.
    if (!m_settings.pacer)
        return 100;
    const int cost = std::max(1, m_settings.quota.cost(QStringLiteral("messages.get")));
    return std::clamp(static_cast<int>(m_settings.pacer->currentRate() * 0.5 / cost), 1, 100);
}

QList<FetchResult> BatchFetcher::fetchEach(const QStringList &ids, const Round &round) {
    QList<FetchResult> results;
    for (const QString &id : ids) {
        results.append(fetchOne(id, round.attempts.value(id)));
        if (stopsAll())
            break; // fetch() reports the rest with this error
    }
    return results;
}

FetchResult BatchFetcher::fetchOne(const QString &id, int spentRetries) {
    // A lone id (often a retried part) goes as a plain GET with the full retry policy.
    GmailTransport::Call call;
    call.path = messagePath(id);
    call.query.append({QStringLiteral("format"), QStringLiteral("raw")});
    call.cost = m_settings.quota.cost(QStringLiteral("messages.get"));
    call.method = QStringLiteral("users.messages.get");
    call.maxBodyBytes = m_settings.maxMessageBytes;
    call.validate = [](const GmailTransport::Reply &r) { return json::rawMessage(r.body).has_value(); };
    // A part already retried inside batches spends what is left of its retries here; the attempt
    // itself is one of them when it failed before.
    call.maxRetries = std::max(0, m_settings.maxRetries - spentRetries);
    const auto reply = m_transport.execute(call);
    if (reply)
        return {id, FetchResult::Status::Ok, *json::rawMessage(reply->body), {}};
    ApiError error = m_transport.lastError();
    error.retries += spentRetries;
    m_transport.setLastError(error);
    if (error.kind == ApiError::Kind::Http && error.httpStatus == 404)
        return {id, FetchResult::Status::NotFound, {}, error.toString()};
    if (error.kind == ApiError::Kind::TooLarge)
        return {id, FetchResult::Status::Failed, {}, QStringLiteral("message too large: ") + error.message};
    return {id, FetchResult::Status::Failed, {}, error.toString()};
}

GmailTransport::Call BatchFetcher::batchCall(const QStringList &ids,
                                             QList<BatchCodec::Response> *parts) const {
    QList<BatchCodec::Request> requests;
    for (qsizetype i = 0; i < ids.size(); ++i) {
        const QString path = messagePath(ids.at(i)) + QStringLiteral("?format=raw");
        requests.append({"item-" + QByteArray::number(i), "GET", path.toLatin1()});
    }
    GmailTransport::Call call;
    call.verb = "POST";
    call.path = QStringLiteral("/batch/gmail/v1");
    call.body = BatchCodec::encode(requests, &call.contentType);
    // n calls count as n requests (developers.google.com/gmail/api/guides/batch).
    call.cost = m_settings.quota.cost(QStringLiteral("messages.get")) * static_cast<int>(ids.size());
    call.method = QStringLiteral("batch users.messages.get");
    // Each part at most one message's cap, plus its part and HTTP headers.
    call.maxBodyBytes = (m_settings.maxMessageBytes + 4096) * ids.size();
    call.retryTimeouts = false; // a batch that times out is split instead (onBatchFailed)
    call.validate = [parts, partCap = m_settings.maxMessageBytes](const GmailTransport::Reply &r) {
        QString error;
        auto decoded = BatchCodec::decode(r.contentType, r.body, &error, partCap);
        if (decoded)
            *parts = std::move(*decoded);
        return decoded.has_value();
    };
    return call;
}

QList<FetchResult> BatchFetcher::fetchBatch(const QStringList &ids, Round *round) {
    if (m_transport.isCancelled())
        return failedAll(ids, QStringLiteral("cancelled"));
    if (ids.size() == 1 || m_batchUnavailable)
        return fetchEach(ids, *round);
    QList<BatchCodec::Response> parts;
    if (!m_transport.execute(batchCall(ids, &parts)))
        return onBatchFailed(ids, round);
    const steady_clock::time_point sentAt = m_transport.lastSentAt();
    const QHash<QString, const BatchCodec::Response *> byId = partsById(ids, parts);
    QList<FetchResult> results;
    Tally tally;
    for (const QString &id : ids) {
        if (std::optional<FetchResult> r = judgePart(id, byId.value(id), round, &tally))
            results.append(std::move(*r));
    }
    adapt(tally, sentAt, round->retryDelay);
    return results;
}

QList<FetchResult> BatchFetcher::onBatchFailed(const QStringList &ids, Round *round) {
    const ApiError error = m_transport.lastError();
    const int status = error.kind == ApiError::Kind::Http ? error.httpStatus : 0;
    if (status == 404 || status == 405 || status == 501) {
        // A server without Google's batch endpoint: one GET per message from now on.
        logging::LogEvent(logging::Level::Warning, "gmail batch endpoint unavailable: one GET per message")
            .step(error.endpoint)
            .count("httpStatus", status)
            .write();
        m_batchUnavailable = true;
        return fetchEach(ids, *round);
    }
    if (error.kind == ApiError::Kind::Timeout) {
        // Too much for the time the server takes: split the batch, as inner 429s do, and retry its ids
        // in the smaller batches (each timeout counts as one attempt of each id).
        m_batchSize = std::max(1, m_batchSize / 2);
        m_cleanBatches = 0;
        QList<FetchResult> results;
        for (const QString &id : ids) {
            if (std::optional<FetchResult> r = retryOrFail(id, error, round))
                results.append(std::move(*r));
        }
        return results;
    }
    if (error.kind == ApiError::Kind::TooLarge)
        return fetchEach(ids, *round); // some part is over the cap: alone, only that one fails
    return failedAll(ids, error.toString());
}

QHash<QString, const BatchCodec::Response *>
BatchFetcher::partsById(const QStringList &ids, const QList<BatchCodec::Response> &parts) const {
    QHash<QString, const BatchCodec::Response *> byId;
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const QByteArray &cid = parts.at(i).contentId;
        bool ok = cid.startsWith("item-");
        const qsizetype index = ok ? cid.mid(5).toLongLong(&ok) : i; // Content-ID, else position
        if (ok && index >= 0 && index < ids.size())
            byId.insert(ids.at(index), &parts.at(i));
    }
    return byId;
}

std::optional<FetchResult> BatchFetcher::judgePart(const QString &id, const BatchCodec::Response *part,
                                                   Round *round, Tally *tally) {
    ApiError error;
    error.endpoint = QStringLiteral("users.messages.get GET ") + messagePath(id);
    if (part && part->tooLarge) {
        ++m_transport.counters().tooLarge;
        return FetchResult{id,
                           FetchResult::Status::Failed,
                           {},
                           QStringLiteral("message too large: %1 bytes (the limit is %2)")
                               .arg(part->size)
                               .arg(m_settings.maxMessageBytes)};
    }
    if (part && part->status == 200) {
        if (std::optional<RawMessage> m = json::rawMessage(part->body)) {
            tally->progress = true;
            return FetchResult{id, FetchResult::Status::Ok, std::move(*m), {}};
        }
    }
    if (part && part->status == 404) {
        // Gone between list and get (developers.google.com/gmail/api/guides/sync): skipped.
        tally->progress = true;
        return FetchResult{id, FetchResult::Status::NotFound, {}, {}};
    }
    if (!part || part->status == 200 || part->status == 0) {
        error.kind = ApiError::Kind::Network;
        error.message = !part                 ? QStringLiteral("missing from the batch answer")
                        : part->status == 200 ? QStringLiteral("incomplete or unreadable answer (HTTP 200)")
                                              : QStringLiteral("unreadable part in the batch answer");
        return retryOrFail(id, error, round); // a part that failed inside a 200 batch: never dropped
    }
    error = ApiError::fromHttp(part->status, part->body, error.endpoint);
    if (!GmailTransport::isRetryableStatus(part->status, error.reason) && part->status != 401)
        return FetchResult{id, FetchResult::Status::Failed, {}, error.toString()};
    if (const auto after = GmailTransport::serverDelay(part->headers.value("retry-after"), error))
        round->retryDelay = std::max(round->retryDelay, std::min(*after, m_settings.maxRetryAfter));
    if (GmailTransport::isRateLimit(part->status, error.reason))
        return deferRateLimited(id, error, round, tally);
    return retryOrFail(id, error, round);
}

std::optional<FetchResult> BatchFetcher::deferRateLimited(const QString &id, ApiError error, Round *round,
                                                          Tally *tally) {
    // Not a failure of the message: it waits its turn again, without using a retry.
    tally->rateLimited = true;
    tally->quotaSignal = tally->quotaSignal || error.retryAt.isValid();
    ++m_transport.counters().rateLimited;
    const auto t = steady_clock::now();
    if (!m_partsLimitedSince)
        m_partsLimitedSince = t;
    if (t - *m_partsLimitedSince > m_settings.rateLimitCap) {
        error.message += QStringLiteral(" (rate-limited without a break for %1 s)")
                             .arg(duration_cast<seconds>(t - *m_partsLimitedSince).count());
        return FetchResult{id, FetchResult::Status::Failed, {}, error.toString()};
    }
    ++m_transport.counters().innerRetries;
    round->retry.append(id);
    return std::nullopt;
}

std::optional<FetchResult> BatchFetcher::retryOrFail(const QString &id, ApiError error, Round *round) {
    int &tries = round->attempts[id];
    if (tries >= m_settings.maxRetries) {
        error.retries = tries;
        return FetchResult{id, FetchResult::Status::Failed, {}, error.toString()};
    }
    ++tries;
    ++m_transport.counters().innerRetries;
    round->retry.append(id);
    round->hardRetry = true;
    return std::nullopt;
}

void BatchFetcher::adapt(const Tally &tally, steady_clock::time_point sentAt, milliseconds retryDelay) {
    if (tally.progress) {
        m_partsLimitedSince.reset();
        if (m_settings.pacer)
            m_settings.pacer->onSuccess();
    }
    // Inner 429s mean the batch was too big for the user's concurrency: halve it; grow back slowly.
    if (tally.rateLimited) {
        m_batchSize = std::max(1, m_batchSize / 2);
        m_cleanBatches = 0;
        if (m_settings.pacer) {
            // Refusals without a quota time next to answered parts are scattered, not our rate.
            if (tally.quotaSignal || !tally.progress)
                m_settings.pacer->onRateLimited(sentAt, tally.quotaSignal);
            m_settings.pacer->pause(std::max(retryDelay, m_transport.backoff(0)));
        }
    } else if (++m_cleanBatches >= 4 && m_batchSize < m_settings.maxBatchSize) {
        m_batchSize =
            std::min(m_settings.maxBatchSize, m_batchSize + std::max(1, m_settings.maxBatchSize / 10));
        m_cleanBatches = 0;
    }
}

} // namespace gmail
