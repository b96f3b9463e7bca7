#pragma once

#include "gmail/ApiError.h"
#include "gmail/GmailClientSettings.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;

namespace common {
class AccessTokenProvider;
}

namespace gmail {

// One Gmail API request at a time, with the retry and pacing policy of
// developers.google.com/gmail/api/guides/handle-errors. For worker threads: each call runs a local
// event loop. execute() paces through the tenant's QuotaPacer (and the deployment's ProjectQuota),
// retries 500/502/503/504, network errors, timeouts and unreadable bodies at most maxRetries times with
// exponential backoff and full jitter (honouring Retry-After); answers 401 with one forced token
// refresh; stops at once on a permanent token error. A rate-limit answer (429, 403 rateLimitExceeded/
// userRateLimitExceeded) slows the pacer and the request waits its turn again without using a retry,
// until rateLimitCap of uninterrupted refusals. Answers over their size cap are not read (TooLarge).
// The bearer token goes only into the Authorization header, never into logs or errors.
class GmailTransport final {
    Q_DISABLE_COPY_MOVE(GmailTransport)

public:
    struct Reply {
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

    struct Call {
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
        QString endpoint() const;
    };

    // Wire-level statistics, for benchmarks and tests.
    struct Stats {
        qint64 httpRequests = 0;
        qint64 retries = 0;
        qint64 rateLimited = 0; // 429 / 403 rate-limit answers, outer or inner
        qint64 innerRetries = 0;
        qint64 timeouts = 0;
        qint64 tooLarge = 0;
    };

    GmailTransport(const GmailClientSettings &settings, common::AccessTokenProvider *tokens);
    ~GmailTransport();

    // The 2xx answer that passed call.validate, or nullopt with lastError() set.
    std::optional<Reply> execute(const Call &call);

    const ApiError &lastError() const { return m_lastError; }
    void setLastError(ApiError error) { m_lastError = std::move(error); }

    void cancel() { m_cancelled = true; }       // thread-safe
    void resetCancel() { m_cancelled = false; } // before reusing a cancelled transport
    void setCancelFlag(const std::atomic_bool *flag) { m_externalCancel = flag; }
    bool isCancelled() const;
    bool sleepFor(std::chrono::milliseconds d); // false when cancelled
    std::chrono::milliseconds backoff(int attempt) const;
    // When the last request execute() sent left (on the pacer's clock).
    std::chrono::steady_clock::time_point lastSentAt() const { return m_lastSentAt; }

    Stats stats() const { return m_stats; }
    Stats &counters() { return m_stats; } // BatchFetcher counts its parts here

    // The server's wish: the Retry-After header, else the "Retry after <time>" of Gmail's message.
    static std::optional<std::chrono::milliseconds> serverDelay(const QByteArray &retryAfterHeader,
                                                                const ApiError &error);
    static bool isRateLimit(int status, const QString &reason);
    static bool isRetryableStatus(int status, const QString &reason);

private:
    struct Attempts; // the retry state of one execute()
    struct Outcome;  // what one attempt came to

    Outcome attempt(const Call &call, Attempts &a);
    Q_REQUIRED_RESULT bool waitForTurn(int cost); // false when cancelled
    Outcome judge(const Call &call, const Reply &reply, std::chrono::steady_clock::time_point sentAt,
                  Attempts &a);
    // A final outcome (fail, or again after a 401), or nullopt: a retryable *failure.
    std::optional<Outcome> judgeFailedAnswer(const Call &call, const Reply &reply, Attempts &a,
                                             ApiError *failure, bool *rateLimited);
    Outcome onRateLimited(ApiError failure, std::chrono::milliseconds delay,
                          std::chrono::steady_clock::time_point sentAt, Attempts &a);
    std::optional<Reply> fail(ApiError error, const Attempts &a);
    void logRetry(const ApiError &failure, const Attempts &a, std::chrono::milliseconds delay) const;

    Reply send(const Call &call, const QString &token);
    QNetworkReply *start(const Call &call, const QString &token);
    void await(QNetworkReply *reply, qint64 cap, Reply *r);
    static void readAnswer(QNetworkReply *reply, Reply *r);
    static std::optional<std::chrono::milliseconds> retryAfter(const QByteArray &value);
    QNetworkAccessManager *network();

    const GmailClientSettings &m_settings; // owned by GmailClient, outlives this
    common::AccessTokenProvider *m_tokens;
    std::unique_ptr<QNetworkAccessManager> m_network;
    std::atomic_bool m_cancelled{false};
    const std::atomic_bool *m_externalCancel = nullptr;
    ApiError m_lastError;
    std::chrono::steady_clock::time_point m_lastSentAt; // of the last request execute() sent
    Stats m_stats;
};

} // namespace gmail
