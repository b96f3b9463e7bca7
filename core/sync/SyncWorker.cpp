#include "sync/SyncWorker.h"

#include "db/Database.h"
#include "db/JobRepository.h"
#include "log/LogEvent.h"
#include "sync/JobRunner.h"
#include "sync/SyncEngine.h"

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
    JobRunner runner(m_options, m_workerId, m_stop,
                     [this](const ProgressUpdate &u) { m_engine->reportProgress(u); });
    db::ClaimOptions claim;
    claim.workerId = m_workerId;
    claim.jobStaleAfterSeconds = m_options.jobStaleAfterSeconds;
    claim.startLimitPerMinute = m_options.startLimitPerMinute;
    while (!m_stop) {
        QString error;
        if (!db::Database::open(&error)) {
            logging::LogEvent(logging::Level::Error, "worker cannot reach the database")
                .worker(m_workerId)
                .error(error)
                .write();
            idle(qMax(m_options.pollIntervalMs, 2000));
            continue;
        }
        db::JobRepository jobs(db::Database::connection());
        std::optional<db::SyncJob> job;
        if (!jobs.claimNext(claim, &job)) {
            logging::LogEvent(logging::Level::Error, "claiming a job failed")
                .worker(m_workerId)
                .error(jobs.errorString())
                .write();
            db::Database::closeThreadConnection(); // reconnect on the next round
            idle(qMax(m_options.pollIntervalMs, 2000));
            continue;
        }
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

} // namespace syncengine
