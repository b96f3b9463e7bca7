#pragma once

#include <chrono>

namespace gmail {

// The per-project limit ("rateLimitExceeded"), shared by every worker of a deployment, so it cannot be
// kept in one process's memory. GmailClient asks before each call; the implementation (a ledger in
// PostgreSQL, db::ProjectQuotaLedger, adapted in core/sync) lives outside core/gmail so that the API
// client does not depend on the database. Implementations are thread-safe.
class ProjectQuota {
public:
    virtual ~ProjectQuota() = default;

    // Takes `units` of the project's current minute and returns 0, or takes nothing and returns how
    // long to wait before asking again (the minute is spent).
    virtual std::chrono::milliseconds tryAcquire(int units) = 0;
};

} // namespace gmail
