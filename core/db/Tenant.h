#pragma once

#include <QDateTime>
#include <QString>

#include <optional>

namespace db {

// One row of `tenants`: a Gmail mailbox we sync. Timestamps are invalid QDateTimes when NULL.
struct Tenant {
    QString id;
    QString displayName;
    QString gmailAddress;
    std::optional<qint64> historyId; // Gmail historyId of the last complete sync
    QString syncLockedBy;            // lease holder, empty when unlocked
    QDateTime syncLockedAt;
    QDateTime syncHeartbeatAt;
    QDateTime lastSyncAt; // last successful sync
    QString watchTopic;
    QDateTime watchExpiresAt;
    QDateTime createdAt;
    QDateTime updatedAt;
};

// A tenant as `gmail-sync tenant list` and the admin's tenant table show it: the row, its Gmail
// integration, its email count and the jobs that decide its sync state. `serverNow` is the database's
// clock, so ages never mix two clocks.
struct TenantOverview final : Tenant {
    QString integrationStatus; // active / needs_reauth / inactive; empty: not connected
    QString integrationReason;
    QString authType;
    qint64 emailCount = 0;
    bool syncInProgress = false; // locked and the holder's heartbeat is fresh
    qint64 lockAgeSeconds = -1;  // since sync_locked_at; -1 when unlocked
    qint64 failedItems = 0;      // messages in message_failures (migration 0007)
    qint64 failedPermanent = 0;  // of those, not retried automatically any more
    qint64 runningJobId = 0;     // 0: none
    QString runningPhase;
    qint64 processed = 0;
    std::optional<qint64> total;
    double rate = 0;
    int queuedJobs = 0;
    QString lastJobStatus; // of the newest finished job
    QString lastJobError;
    QDateTime lastJobFinishedAt;
    QDateTime serverNow;
};

// Outcome of TenantRepository::tryAcquireLease.
struct LeaseResult final {
    bool acquired = false;
    QString heldBy;      // the holder now (us when acquired)
    QDateTime heldSince; // sync_locked_at of that holder
    QDateTime heartbeatAt;
    QString previousHolder; // when acquired over a stale lease: whose lease was overridden
    QDateTime previousHeartbeatAt;
};

// Outcome of TenantRepository::forceUnlock.
struct UnlockResult final {
    bool wasLocked = false;
    QString previousHolder;
    QDateTime lockedSince;
    QDateTime heartbeatAt;
};

} // namespace db
