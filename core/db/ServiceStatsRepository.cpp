#include "db/ServiceStatsRepository.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace db {

namespace {

std::optional<double> optionalSeconds(const QVariant &v) {
    if (v.isNull())
        return std::nullopt;
    return v.toDouble();
}

} // namespace

ServiceStatsRepository::ServiceStatsRepository(QSqlDatabase db)
    : m_db(std::move(db)) {}

bool ServiceStatsRepository::fail(const QString &what, const QSqlQuery &q) {
    return m_status.sqlFailed(what, q.lastError());
}

std::optional<ServiceStats> ServiceStatsRepository::read(bool perTenant) {
    m_status.clear();
    ServiceStats s;
    if (!readQueue(&s) || !readJobs(&s) || !readFailuresAndIntegrations(&s) ||
        (perTenant && !readTenants(&s)))
        return std::nullopt;
    return s;
}

bool ServiceStatsRepository::readQueue(ServiceStats *s) {
    QSqlQuery q(m_db);
    if (!q.exec(
            QStringLiteral("SELECT (SELECT coalesce(max(version), 0) FROM schema_migrations),"
                           " (SELECT count(*) FROM sync_jobs WHERE status = 'queued' AND run_after <= now()),"
                           " (SELECT extract(epoch FROM now() - min(created_at)) FROM sync_jobs"
                           "   WHERE status = 'queued' AND run_after <= now()),"
                           " (SELECT count(*) FROM sync_jobs WHERE status = 'running'),"
                           " (SELECT extract(epoch FROM now() - min(heartbeat_at)) FROM sync_jobs WHERE "
                           "status = 'running')")) ||
        !q.next())
        return fail(QStringLiteral("reading the job queue's figures"), q);
    s->schemaVersion = q.value(0).toInt();
    s->queuedRunnable = q.value(1).toLongLong();
    s->oldestQueuedSeconds = optionalSeconds(q.value(2));
    s->running = q.value(3).toLongLong();
    s->oldestHeartbeatSeconds = optionalSeconds(q.value(4));
    return true;
}

bool ServiceStatsRepository::readJobs(ServiceStats *s) {
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT kind, status, count(*), coalesce(sum(processed_count), 0),"
                               " coalesce(sum(failed_count), 0) FROM sync_jobs GROUP BY kind, status"
                               " ORDER BY kind, status")))
        return fail(QStringLiteral("counting jobs"), q);
    while (q.next()) {
        s->jobs.append({q.value(0).toString(), q.value(1).toString(), q.value(2).toLongLong(),
                        q.value(3).toLongLong(), q.value(4).toLongLong()});
    }
    return true;
}

bool ServiceStatsRepository::readFailuresAndIntegrations(ServiceStats *s) {
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("SELECT (SELECT count(*) FROM message_failures),"
                               " (SELECT count(*) FROM message_failures WHERE permanent),"
                               " (SELECT count(*) FROM integrations WHERE status = 'active'),"
                               " (SELECT count(*) FROM integrations WHERE status = 'needs_reauth'),"
                               " (SELECT count(*) FROM integrations WHERE status = 'inactive')")) ||
        !q.next())
        return fail(QStringLiteral("counting failures and integrations"), q);
    s->failedItems = q.value(0).toLongLong();
    s->failedPermanent = q.value(1).toLongLong();
    s->integrationsActive = q.value(2).toLongLong();
    s->integrationsNeedsReauth = q.value(3).toLongLong();
    s->integrationsInactive = q.value(4).toLongLong();
    return true;
}

bool ServiceStatsRepository::readTenants(ServiceStats *s) {
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT t.id, coalesce(c.email_count, 0),"
                               " (SELECT count(*) FROM message_failures f WHERE f.tenant_id = t.id)"
                               " FROM tenants t LEFT JOIN tenant_email_counts c ON c.tenant_id = t.id"
                               " ORDER BY t.id")))
        return fail(QStringLiteral("reading per-tenant figures"), q);
    while (q.next())
        s->tenants.append({q.value(0).toString(), q.value(1).toLongLong(), q.value(2).toLongLong()});
    return true;
}

} // namespace db
