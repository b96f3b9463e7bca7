#pragma once

#include "gmail/QuotaProfile.h"

#include <QString>
#include <QUrl>

#include <functional>
#include <memory>

namespace common {
class AccessTokenProvider;
}

namespace syncengine {

class MailSource;

// Where a tenant's bearer token comes from (the credentials layer in production, a static sandbox token
// in tests and the demo). Providers must be thread-safe (common::AccessTokenProvider's contract).
using TokenProviderFactory =
    std::function<std::shared_ptr<common::AccessTokenProvider>(const QString &tenantId)>;

// Builds the Gmail access for one job on the calling (worker) thread. The default, set by SyncEngine,
// makes a GmailMailSource over gmail::GmailClient; tests never replace it (they use the real sandbox).
using MailSourceFactory = std::function<std::unique_ptr<MailSource>(
    const QString &tenantId, const QString &gmailAddress, QString *error)>;

// Knobs of the engine; defaults are the product's.
struct SyncOptions {
    QUrl gmailApiUrl = QUrl(QStringLiteral("https://gmail.googleapis.com"));
    TokenProviderFactory tokenProviderFactory;
    MailSourceFactory mailSourceFactory; // empty → GmailMailSource(gmailApiUrl, tokenProviderFactory)

    int listPageSize = 500;          // users.messages.list maxResults (Gmail's maximum)
    int fetchChunk = 100;            // ids handed to one fetchRaw (the client batches ≤ 50 per request)
    int requestBackoffBaseMs = 1000; // Gmail request retries: full jitter over base · 2^attempt
    // Gmail's limits and per-method costs (developers.google.com/workspace/gmail/api/reference/quota):
    // the GMAIL_SYNC_QUOTA_* environment, else the stricter "2026" profile. Per tenant the pacer starts
    // at the per-user rate and adapts; the per-project rate is shared through quota_usage.
    gmail::QuotaProfile quotaProfile = gmail::QuotaProfile::fromEnvironmentOrDefault();
    QString quotaProject = QStringLiteral("default"); // quota_usage key: one per Cloud project

    // A JobHeartbeat thread beats every heartbeatIntervalSeconds whatever the job is doing, so only a dead
    // worker goes silent: its job (and the tenant lease, which follows the job) is taken over after
    // jobStaleAfterSeconds, counting an attempt.
    int jobStaleAfterSeconds = 30;
    int leaseStaleAfterSeconds = 30; // a lease whose holder is silent this long is free (= job staleness)
    int heartbeatIntervalSeconds = 3;
    int startLimitPerMinute = 10;        // per tenant; force jobs ignore it
    int maxRetries = 3;                  // failed steps retried with backoff, then the job fails
    int maxMessageAttempts = 5;          // a message failing this often is permanent (shown, not retried)
    int maxFailuresRetriedPerJob = 5000; // recorded failures a job retries before its own work
    int retryBackoffBaseSeconds = 30;    // base · 2^(attempt-1)
    int busyTenantDelaySeconds = 15;     // a claimed job whose tenant is locked waits this long

    int concurrency = 2;       // worker threads (SyncEngine)
    int pollIntervalMs = 1000; // how often an idle worker looks for jobs
};

} // namespace syncengine
