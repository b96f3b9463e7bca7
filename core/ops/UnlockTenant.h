#pragma once

#include <QDateTime>
#include <QString>

namespace ops {

// The operator's manual unlock of a tenant's sync lease (a worker that died holding it, or a stuck one).
// Synchronous, on the calling thread's connection.
class UnlockTenant final {
public:
    struct Result {
        bool ok = false;
        QString error;          // user-facing
        bool notFound = false;  // no such tenant
        bool wasLocked = false; // false: nothing was changed (not locked, or by another holder now)
        QString previousHolder;
        QDateTime lockedSince;
    };

    UnlockTenant() = delete;

    // Clears the lease whoever holds it.
    // actor: who unlocks, for the audit trail (empty: the OS user running this process).
    static Result unlock(const QString &tenantId, const QString &actor = {});
    // Clears it only if `holder` (the one the operator was shown) still holds it: a lock taken over since
    // then stays.
    static Result unlockIfHeldBy(const QString &tenantId, const QString &holder, const QString &actor = {});
};

} // namespace ops
