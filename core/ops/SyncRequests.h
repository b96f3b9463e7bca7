#pragma once

#include "jobs/JobParams.h"

#include <QDateTime>
#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace ops {

// Queues a sync of any kind for one tenant: the one way the GUI, the CLI and the HTTP API ask for a sync.
// Checks what the engine would only find out later (the tenant exists, the parameters make sense, the
// range is not in the future) and says it in words an operator can act on.
class SyncRequests final {
public:
    enum class Refusal {
        None,
        TenantNotFound,
        InvalidParameters,
        TenantBusy, // only with QueueOptions::refuseWhileSyncing: a live sync holds the tenant
        Database,
    };
    struct QueueOptions {
        bool force = false;              // ignore the per-tenant start limit
        bool refuseWhileSyncing = false; // for callers that wait for the job (the CLI's `sync`)
        int leaseStaleAfterSeconds = 30; // a lease older than this is stale, not live
        QString actor;                   // who asks (AuditTrail::osActor(), an API key); empty: not audited
    };

    explicit SyncRequests(QSqlDatabase db);

    // The id of the queued job; nullopt when refused (refusal() and errorString() say why).
    std::optional<qint64> queue(const QString &tenantId, const jobs::JobParams &params,
                                const QueueOptions &options);

    // Checks parameters as a producer should before queueing (also used by the GUI's dialogs).
    static bool validate(const jobs::JobParams &params, QString *error);

    Refusal refusal() const { return m_refusal; }
    QString errorString() const { return m_error; }

    // The audit trail's name for the request: sync, force-sync, historical-sync, retry-failed, initial-sync.
    static QString auditAction(const jobs::JobParams &params, bool force);

private:
    std::optional<qint64> queueChecked(const QString &tenantId, const jobs::JobParams &params,
                                       const QueueOptions &options);
    std::nullopt_t refuse(Refusal why, const QString &error);

    QSqlDatabase m_db;
    Refusal m_refusal = Refusal::None;
    QString m_error;
};

} // namespace ops
