#pragma once

#include "gmail/ProjectQuota.h"
#include "gmail/QuotaPacer.h"
#include "gmail/QuotaProfile.h"

#include <QString>
#include <QUrl>

#include <chrono>
#include <memory>

namespace gmail {

// The knobs of GmailClient, shared by its GmailTransport (retries, pacing, caps) and BatchFetcher.
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

} // namespace gmail
