#include "ops/SyncRequests.h"

#include "db/JobRepository.h"
#include "db/TenantRepository.h"
#include "ops/AuditTrail.h"

namespace ops {

SyncRequests::SyncRequests(QSqlDatabase db)
    : m_db(std::move(db)) {}

std::nullopt_t SyncRequests::refuse(Refusal why, const QString &error) {
    m_refusal = why;
    m_error = error;
    return std::nullopt;
}

bool SyncRequests::validate(const jobs::JobParams &params, QString *error) {
    // A round trip through the stored form applies the same checks the engine applies when it reads it.
    if (!jobs::paramsFromJson(jobs::kindOf(params), jobs::paramsToJson(params), error))
        return false;
    if (const auto *h = std::get_if<jobs::HistoricalParams>(&params)) {
        const QDate today = QDateTime::currentDateTimeUtc().date();
        if (h->to > today) {
            *error = QStringLiteral("the range ends on %1, in the future (today is %2 UTC)")
                         .arg(h->to.toString(Qt::ISODate), today.toString(Qt::ISODate));
            return false;
        }
    }
    return true;
}

QString SyncRequests::auditAction(const jobs::JobParams &params, bool force) {
    if (jobs::retryFailed(params))
        return QStringLiteral("retry-failed");
    switch (jobs::kindOf(params)) {
    case jobs::JobKind::Initial:
        return QStringLiteral("initial-sync");
    case jobs::JobKind::Historical:
        return QStringLiteral("historical-sync");
    case jobs::JobKind::Incremental:
    case jobs::JobKind::Push:
        break;
    }
    return force ? QStringLiteral("force-sync") : QStringLiteral("sync");
}

std::optional<qint64> SyncRequests::queue(const QString &tenantId, const jobs::JobParams &params,
                                          const QueueOptions &options) {
    const auto id = queueChecked(tenantId, params, options);
    if (!options.actor.isEmpty()) {
        QJsonObject details{{QStringLiteral("kind"), jobs::kindName(jobs::kindOf(params))},
                            {QStringLiteral("params"), jobs::paramsToJson(params)},
                            {QStringLiteral("force"), options.force}};
        if (id)
            details.insert(QStringLiteral("jobId"), *id);
        AuditTrail(m_db).record(options.actor, auditAction(params, options.force), tenantId, details,
                                id ? QString() : m_error);
    }
    return id;
}

std::optional<qint64> SyncRequests::queueChecked(const QString &tenantId, const jobs::JobParams &params,
                                                 const QueueOptions &options) {
    m_refusal = Refusal::None;
    m_error.clear();
    QString error;
    if (!validate(params, &error))
        return refuse(Refusal::InvalidParameters, error);
    db::TenantRepository tenants(m_db);
    const auto tenant = tenants.find(tenantId);
    if (!tenant)
        return refuse(tenants.isNotFound() ? Refusal::TenantNotFound : Refusal::Database,
                      tenants.isNotFound() ? QStringLiteral("no tenant %1").arg(tenantId)
                                           : tenants.errorString());
    // A live lease is never overridden, not even when forced.
    if (options.refuseWhileSyncing && !tenant->syncLockedBy.isEmpty() && tenant->syncHeartbeatAt.isValid() &&
        tenant->syncHeartbeatAt.secsTo(QDateTime::currentDateTimeUtc()) < options.leaseStaleAfterSeconds) {
        return refuse(
            Refusal::TenantBusy,
            QStringLiteral("tenant %1 is being synced by %2 since %3; wait for it, or run "
                           "`gmail-sync unlock %1` if that process is gone")
                .arg(tenantId, tenant->syncLockedBy, tenant->syncLockedAt.toUTC().toString(Qt::ISODate)));
    }
    db::JobRepository queue(m_db);
    const auto id = queue.enqueue(tenantId, params, options.force);
    if (!id)
        return refuse(Refusal::Database, queue.errorString());
    return id;
}

} // namespace ops
