#include "sync/JobHeartbeat.h"

#include "db/Database.h"
#include "db/JobRepository.h"
#include "db/TenantRepository.h"
#include "log/LogEvent.h"

namespace syncengine {

JobHeartbeat::JobHeartbeat(qint64 jobId, QString tenantId, QString workerId,
                           std::chrono::milliseconds interval)
    : m_jobId(jobId)
    , m_tenantId(std::move(tenantId))
    , m_workerId(std::move(workerId))
    , m_interval(std::max(interval, std::chrono::milliseconds(100)))
    , m_thread([this] { run(); }) {}

JobHeartbeat::~JobHeartbeat() {
    {
        std::lock_guard lock(m_mutex);
        m_quit = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

QString JobHeartbeat::lostReason() const {
    std::lock_guard lock(m_mutex);
    return m_lostReason;
}

void JobHeartbeat::run() {
    db::Database::setThreadStatementTimeout(db::Database::kQueueStatementTimeoutMs); // short statements
    std::unique_lock lock(m_mutex);
    while (!m_quit && !m_lost.load()) {
        if (m_wake.wait_for(lock, m_interval, [this] { return m_quit; }))
            break;
        lock.unlock();
        beat();
        lock.lock();
    }
    lock.unlock();
    db::Database::closeThreadConnection();
}

void JobHeartbeat::beat() {
    QString error;
    if (!db::Database::open(&error)) {
        logging::LogEvent(logging::Level::Warning, "heartbeat: database unreachable")
            .tenant(m_tenantId)
            .job(m_jobId)
            .error(error)
            .write();
        return;
    }
    QSqlDatabase conn = db::Database::connection();
    db::JobRepository jobs(conn);
    db::TenantRepository tenants(conn);
    QString fenced;
    if (!jobs.heartbeat(m_jobId, m_workerId)) {
        bool owned = true;
        if (jobs.stillOwned(m_jobId, m_workerId, &owned) && !owned)
            fenced = jobs.errorString().isEmpty()
                         ? QStringLiteral("job %1 is no longer held by this worker").arg(m_jobId)
                         : jobs.errorString();
    } else if (!tenants.heartbeatLease(m_tenantId, m_workerId)) {
        const auto tenant = tenants.find(m_tenantId);
        if (tenant && tenant->syncLockedBy != m_workerId)
            fenced = QStringLiteral("the sync lease of tenant %1 was taken over or unlocked").arg(m_tenantId);
    }
    if (fenced.isEmpty())
        return;
    {
        std::lock_guard lock(m_mutex);
        m_lostReason = fenced;
    }
    m_lost = true;
}

} // namespace syncengine
