#include "ops/DeactivateIntegration.h"

#include "db/Database.h"
#include "db/IntegrationRepository.h"

namespace ops {

DeactivateIntegration::Result DeactivateIntegration::run(const QString &tenantId, const QString &reason) {
    db::IntegrationRepository integrations(db::Database::connection());
    Result r;
    r.ok = integrations.setStatus(tenantId, db::IntegrationRepository::Gmail, QStringLiteral("inactive"),
                                  reason);
    if (!r.ok)
        r.error = integrations.errorString();
    return r;
}

} // namespace ops
