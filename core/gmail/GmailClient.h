#pragma once

#include "gmail/ApiError.h"
#include "gmail/GmailTypes.h"
#include "gmail/ProjectQuota.h"
#include "gmail/QuotaPacer.h"
#include "gmail/QuotaProfile.h"

#include <QHash>
#include <QObject>
#include <QUrl>
#include <QUrlQuery>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace auth {
class AccessTokenProvider;
}

namespace gmail {

struct GmailClientSettings {
    QUrl baseUrl =
        QUrl(QStringLiteral("https://gmail.googleapis.com")); // or the sandbox's http://127.0.0.1:PORT
    QString userId = QStringLiteral("me");
    std::chrono::milliseconds requestTimeout{60000};
    int maxRetries = 3; // per request, after the first attempt; rate-limit answers do not count
    std::chrono::milliseconds backoffBase{1000};
    std::chrono::milliseconds backoffCap{32000};
    std::chrono::milliseconds maxRetryAfter{120000}; // a longer Retry-After is cut to this
    int maxBatchSize = 50;                           // Google: ≤ 100 per batch, > 50 "not recommended"
    std::shared_ptr<QuotaPacer> pacer;               // per tenant (QuotaPacerRegistry); null: no pacing
    std::shared_ptr<ProjectQuota> projectQuota;      // per deployment; null: not enforced
    QuotaProfile quota = *QuotaProfile::fromName(QuotaProfile::defaultName()); // method costs
    // Rate-limited without a break for longer than this: the call fails (as a transient error).
    std::chrono::milliseconds rateLimitCap{std::chrono::minutes(10)};
    // Size caps, checked before a body is copied. Gmail's largest message is 25 MB (~34 MB as the
    // base64url of format=raw); a batch answer may hold one such message per part.
    qint64 maxMessageBytes = qint64(64) << 20; // one messages.get answer or batch part
    qint64 maxAnswerBytes = qint64(64) << 20;  // any other answer (lists, history, profile)
};

// The Gmail API v1 for one user, for worker threads: synchronous calls that each run a local event
// loop, so it must never be used on the GUI thread. One instance per thread; its
// QNetworkAccessManager is created in the thread of the first call.
//
// Every call: paces through the tenant's QuotaPacer (and the deployment's ProjectQuota), retries
// 500/502/503/504, network errors, timeouts and unreadable bodies at most maxRetries times with
// exponential backoff and full jitter (honouring Retry-After); answers 401 with one forced token
// refresh; stops at once on a permanent token error. A rate-limit answer (429, 403 rateLimitExceeded/
// userRateLimitExceeded) is not a failure of the request: it slows the tenant's pacer and the
// request waits its turn again without using a retry, until rateLimitCap of uninterrupted refusals.
// Answers over their size cap are not read (ApiError::Kind::TooLarge). Failure: nullopt and lastError().
// cancel() (any thread) or the flag given to setCancelFlag() aborts the current call within ~50 ms.
class GmailClient final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GmailClient)

public:
    GmailClient(GmailClientSettings settings, auth::AccessTokenProvider *tokens, QObject *parent = nullptr);
    ~GmailClient() override;

    std::optional<Profile> profile();
    std::optional<MessageListPage> listMessages(const QString &q = {}, const QStringList &labelIds = {},
                                                bool includeSpamTrash = false, const QString &pageToken = {},
                                                int maxResults = 500);
    // messages.get?format=raw for each id through the batch endpoint. One result per id, in order.
    // Parts that fail inside a 200 batch answer (429/5xx) are retried in smaller batches (rate-limited
    // parts without using a retry); a batch that times out is split; a 404 is NotFound; a message over
    // maxMessageBytes is Failed ("message too large: N bytes"); an id that still fails after
    // maxRetries is Failed with its error (never dropped).
    QList<FetchResult> getMessagesRaw(const QStringList &ids);
    std::optional<HistoryPage> listHistory(quint64 startHistoryId, const QStringList &historyTypes = {},
                                           const QString &pageToken = {}, int maxResults = 500);
    std::optional<WatchResponse> watch(const QString &topicName, const QStringList &labelIds = {});
    Q_REQUIRED_RESULT bool stop();

    const ApiError &lastError() const { return m_lastError; }
    QString errorString() const { return m_lastError.toString(); }

    void cancel() { m_cancelled = true; }       // thread-safe
    void resetCancel() { m_cancelled = false; } // before reusing a cancelled client
    void setCancelFlag(const std::atomic_bool *flag) { m_externalCancel = flag; }
    bool isCancelled() const;

    int currentBatchSize() const { return m_batchSize; }

    // Wire-level statistics, for benchmarks and tests.
    struct Stats {
        qint64 httpRequests = 0;
        qint64 retries = 0;
        qint64 rateLimited = 0; // 429 / 403 rate-limit answers, outer or inner
        qint64 innerRetries = 0;
        qint64 timeouts = 0;
        qint64 tooLarge = 0;
    };
    Stats stats() const { return m_stats; }

private:
    struct Call;
    struct Reply;

    std::optional<Reply> execute(const Call &call);
    Reply send(const Call &call, const QString &token);
    bool sleepFor(std::chrono::milliseconds d); // false when cancelled
    std::chrono::milliseconds backoff(int attempt) const;
    static std::optional<std::chrono::milliseconds> retryAfter(const QByteArray &value);
    // The server's wish: the Retry-After header, else the "Retry after <time>" of Gmail's message.
    static std::optional<std::chrono::milliseconds> serverDelay(const QByteArray &retryAfterHeader,
                                                                const ApiError &error);
    static bool isRateLimit(int status, const QString &reason);
    static bool isRetryableStatus(int status, const QString &reason);
    QString userPath() const;
    QNetworkAccessManager *network();

    QString messagePath(const QString &id) const;
    FetchResult fetchOne(const QString &id, int spentRetries);
    int quotaBatchLimit() const; // messages per batch that one second of the pacer's rate pays for
    QList<FetchResult> fetchBatch(const QStringList &ids, QHash<QString, int> *attempts, QStringList *retry,
                                  std::chrono::milliseconds *retryDelay, bool *hardRetry);

    GmailClientSettings m_settings;
    auth::AccessTokenProvider *m_tokens;
    std::unique_ptr<QNetworkAccessManager> m_network;
    std::atomic_bool m_cancelled{false};
    const std::atomic_bool *m_externalCancel = nullptr;
    ApiError m_lastError;
    int m_batchSize;
    int m_cleanBatches = 0;
    bool m_batchUnavailable = false;                    // the server has no batch endpoint: single GETs
    std::chrono::steady_clock::time_point m_lastSentAt; // of the last request execute() sent
    std::optional<std::chrono::steady_clock::time_point> m_partsLimitedSince; // inner rate limits
    Stats m_stats;
};

} // namespace gmail
