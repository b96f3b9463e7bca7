#include "ops/UnlockTenant.h"

#include "db/Database.h"
#include "db/TenantRepository.h"
#include "ops/AuditTrail.h"

namespace ops {

namespace {

UnlockTenant::Result failure(const db::TenantRepository &tenants, const QString &tenantId) {
    UnlockTenant::Result r;
    r.notFound = tenants.isNotFound();
    r.error =
        r.notFound ? QStringLiteral("tenant \"%1\" does not exist").arg(tenantId) : tenants.errorString();
    return r;
}

UnlockTenant::Result audited(const QString &actor, const QString &tenantId, const UnlockTenant::Result &r) {
    AuditTrail(db::Database::connection())
        .record(actor.isEmpty() ? AuditTrail::osActor() : actor, QStringLiteral("unlock"), tenantId,
                {{QStringLiteral("wasLocked"), r.wasLocked},
                 {QStringLiteral("previousHolder"), r.previousHolder}},
                r.ok ? QString() : r.error);
    return r;
}

} // namespace

UnlockTenant::Result UnlockTenant::unlock(const QString &tenantId, const QString &actor) {
    db::TenantRepository tenants(db::Database::connection());
    const auto cleared = tenants.forceUnlock(tenantId);
    if (!cleared)
        return audited(actor, tenantId, failure(tenants, tenantId));
    Result r;
    r.ok = true;
    r.wasLocked = cleared->wasLocked;
    r.previousHolder = cleared->previousHolder;
    r.lockedSince = cleared->lockedSince;
    return audited(actor, tenantId, r);
}

UnlockTenant::Result UnlockTenant::unlockIfHeldBy(const QString &tenantId, const QString &holder,
                                                  const QString &actor) {
    db::TenantRepository tenants(db::Database::connection());
    const auto cleared = tenants.unlockIfHeldBy(tenantId, holder);
    if (!cleared)
        return audited(actor, tenantId, failure(tenants, tenantId));
    Result r;
    r.ok = true;
    r.wasLocked = *cleared;
    if (*cleared)
        r.previousHolder = holder;
    return audited(actor, tenantId, r);
}

} // namespace ops
