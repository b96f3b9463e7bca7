#include "ops/UnlockTenant.h"

#include "db/Database.h"
#include "db/TenantRepository.h"

namespace ops {

namespace {

UnlockTenant::Result failure(const db::TenantRepository &tenants, const QString &tenantId) {
    UnlockTenant::Result r;
    r.notFound = tenants.isNotFound();
    r.error =
        r.notFound ? QStringLiteral("tenant \"%1\" does not exist").arg(tenantId) : tenants.errorString();
    return r;
}

} // namespace

UnlockTenant::Result UnlockTenant::unlock(const QString &tenantId) {
    db::TenantRepository tenants(db::Database::connection());
    const auto cleared = tenants.forceUnlock(tenantId);
    if (!cleared)
        return failure(tenants, tenantId);
    Result r;
    r.ok = true;
    r.wasLocked = cleared->wasLocked;
    r.previousHolder = cleared->previousHolder;
    r.lockedSince = cleared->lockedSince;
    return r;
}

UnlockTenant::Result UnlockTenant::unlockIfHeldBy(const QString &tenantId, const QString &holder) {
    db::TenantRepository tenants(db::Database::connection());
    const auto cleared = tenants.unlockIfHeldBy(tenantId, holder);
    if (!cleared)
        return failure(tenants, tenantId);
    Result r;
    r.ok = true;
    r.wasLocked = *cleared;
    if (*cleared)
        r.previousHolder = holder;
    return r;
}

} // namespace ops
