#pragma once

#include <QDateTime>
#include <QString>

#include <optional>

namespace db {

// One row of `tenants`: a Gmail mailbox we sync. Timestamps are invalid QDateTimes when NULL.
struct Tenant final {
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

// A tenant as `tenant list` and the admin's tenant table show it.
struct TenantSummary final {
    Tenant tenant;
    qint64 emailCount = 0;
    bool syncInProgress = false; // locked and the holder's heartbeat is fresh
    qint64 lockAgeSeconds = -1;  // since sync_locked_at; -1 when unlocked
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
