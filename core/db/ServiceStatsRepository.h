#pragma once

#include "db/RepositoryError.h"

#include "db/Database.h"
#include "db/ServiceStats.h"

#include <QSqlDatabase>

class QSqlQuery;

namespace db {

// The read-only queries behind /health and /metrics: a handful of aggregates over small tables and
// partial indexes (sync_jobs_queue_idx, the running jobs), never a scan of `emails`.
class ServiceStatsRepository final {
public:
    explicit ServiceStatsRepository(QSqlDatabase db = Database::connection());

    // perTenant: also the per-tenant figures (email counts from tenant_email_counts, failed items).
    std::optional<ServiceStats> read(bool perTenant);
    QString errorString() const { return m_status.message(); }

private:
    bool fail(const QString &what, const QSqlQuery &q);
    bool readQueue(ServiceStats *s);
    bool readJobs(ServiceStats *s);
    bool readFailuresAndIntegrations(ServiceStats *s);
    bool readTenants(ServiceStats *s);

    QSqlDatabase m_db;
    RepositoryError m_status;
};

} // namespace db
