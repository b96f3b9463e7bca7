#include "sync/SyncWorker.h"

#include "db/Database.h"
#include "db/JobRepository.h"
#include "log/LogEvent.h"
#include "sync/JobRunner.h"
#include "sync/SyncEngine.h"

#include <QElapsedTimer>
#include <QMutexLocker>

namespace syncengine {

SyncWorker::SyncWorker(const SyncOptions &options, QString workerId, SyncEngine *engine)
    : m_options(options)
    , m_workerId(std::move(workerId))
    , m_engine(engine) {}

SyncWorker::~SyncWorker() {
    requestStop();
    wait();
}

void SyncWorker::requestStop() {
    m_stop = true;
    wake();
}

void SyncWorker::wake() {
    QMutexLocker lock(&m_mutex);
    m_woken = true;
    m_wake.wakeAll();
}

void SyncWorker::idle(int ms) {
    QMutexLocker lock(&m_mutex);
    if (!m_woken && !m_stop)
        m_wake.wait(&m_mutex, QDeadlineTimer(ms));
    m_woken = false;
}

void SyncWorker::run() {
    logging::LogEvent(logging::Level::Info, "worker started").worker(m_workerId).write();
    // Claims, progress and settling are short statements on this thread's connection.
    db::Database::setThreadStatementTimeout(db::Database::kQueueStatementTimeoutMs);
    JobRunner runner(m_options, m_workerId, m_stop,
                     [this](const ProgressUpdate &u) { m_engine->reportProgress(u); });
    while (!m_stop) {
        bool claimed = false;
        const std::optional<db::SyncJob> job = claimNext(&claimed);
        if (!claimed)
            continue; // the database failed: claimNext waited already
        reachedDatabase();
        if (!job) {
            idle(m_options.pollIntervalMs);
            continue;
        }
        const JobRunner::Report report = runner.run(*job);
        m_engine->reportFinished(job->id, job->tenantId, JobRunner::resultName(report.result), report.error);
    }
    db::Database::closeThreadConnection();
    logging::LogEvent(logging::Level::Info, "worker stopped").worker(m_workerId).write();
}

std::optional<db::SyncJob> SyncWorker::claimNext(bool *claimed) {
    *claimed = false;
    QString error;
    if (!db::Database::open(&error)) {
        unreachable(error);
        return std::nullopt;
    }
    db::ClaimOptions claim;
    claim.workerId = m_workerId;
    claim.jobStaleAfterSeconds = m_options.jobStaleAfterSeconds;
    claim.startLimitPerMinute = m_options.startLimitPerMinute;
    db::JobRepository queue(db::Database::connection());
    std::optional<db::SyncJob> job;
    if (queue.claimNext(claim, &job)) {
        *claimed = true;
        return job;
    }
    if (db::Database::isConnectionLost()) {
        unreachable(queue.errorString()); // Database::open reconnects on the next round
        return std::nullopt;
    }
    // The server answered with an error: not an outage, say it every time.
    logging::LogEvent(logging::Level::Error, "claiming a job failed")
        .worker(m_workerId)
        .error(queue.errorString())
        .write();
    db::Database::closeThreadConnection(); // a fresh session on the next round
    idle(qMax(m_options.pollIntervalMs, 2000));
    return std::nullopt;
}

// While the database is unreachable the worker waits with backoff (1 s doubling to 10 s) and logs the
// outage once when it starts and once when it ends, not at every poll.
void SyncWorker::unreachable(const QString &error) {
    if (m_outageBackoffMs == 0) {
        m_outage.start();
        m_outageBackoffMs = qMax(m_options.pollIntervalMs, 1000);
        logging::LogEvent(logging::Level::Error, "worker cannot reach the database; retrying")
            .worker(m_workerId)
            .error(error)
            .write();
    } else {
        m_outageBackoffMs = qMin(m_outageBackoffMs * 2, qMax(m_options.pollIntervalMs, 10000));
    }
    idle(m_outageBackoffMs);
}

void SyncWorker::reachedDatabase() {
    if (m_outageBackoffMs == 0)
        return;
    logging::LogEvent(logging::Level::Info, "worker reached the database again")
        .worker(m_workerId)
        .duration("outageMs", double(m_outage.elapsed()))
        .write();
    m_outageBackoffMs = 0;
}

} // namespace syncengine
