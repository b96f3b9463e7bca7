#include "ops/DeactivateIntegration.h"

#include "db/Database.h"
#include "db/IntegrationRepository.h"
#include "ops/AuditTrail.h"

namespace ops {

DeactivateIntegration::Result DeactivateIntegration::run(const QString &tenantId, const QString &reason,
                                                         const QString &actor) {
    db::IntegrationRepository integrations(db::Database::connection());
    Result r;
    r.ok = integrations.setStatus(tenantId, db::IntegrationRepository::Gmail, QStringLiteral("inactive"),
                                  reason);
    if (!r.ok)
        r.error = integrations.errorString();
    AuditTrail(db::Database::connection())
        .record(actor.isEmpty() ? AuditTrail::osActor() : actor, QStringLiteral("deactivate"), tenantId,
                {{QStringLiteral("reason"), reason}}, r.ok ? QString() : r.error);
    return r;
}

} // namespace ops
