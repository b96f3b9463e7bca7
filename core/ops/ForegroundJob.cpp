#include "ops/ForegroundJob.h"

#include "db/Database.h"
#include "db/JobRepository.h"
#include "sync/SyncEngine.h"

#include <QThread>

namespace ops {

using syncengine::JobRunner;

ForegroundJob::ForegroundJob(const syncengine::SyncOptions &options, const std::atomic_bool &stop,
                             syncengine::ProgressCallback progress, Notice notice)
    : m_options(options)
    , m_stop(stop)
    , m_progress(std::move(progress))
    , m_notice(std::move(notice)) {}

ForegroundJob::Result ForegroundJob::finishedRow(qint64 jobId, const db::SyncJob &row) {
    Result r;
    r.row = row;
    r.outcome = row.status == QLatin1String("succeeded") ? Outcome::Succeeded : Outcome::Failed;
    if (r.outcome == Outcome::Failed) {
        r.error = QStringLiteral("job %1 %2%3")
                      .arg(jobId)
                      .arg(row.status,
                           row.errorMessage.isEmpty() ? QString() : QStringLiteral(": ") + row.errorMessage);
    }
    return r;
}

ForegroundJob::Result ForegroundJob::run(qint64 jobId) {
    db::JobRepository jobs(db::Database::connection());
    const QString workerId = syncengine::SyncEngine::makeWorkerId(QStringLiteral("cli"));
    JobRunner runner(m_options, workerId, m_stop, m_progress);
    db::ClaimOptions claim;
    claim.workerId = workerId;
    claim.onlyJobId = jobId;
    claim.startLimitPerMinute = m_options.startLimitPerMinute;
    claim.jobStaleAfterSeconds = m_options.jobStaleAfterSeconds;
    bool saidWaiting = false;
    for (;;) {
        if (m_stop && !jobs.find(jobId).value_or(db::SyncJob{}).isFinished())
            return interrupted(jobId);
        std::optional<db::SyncJob> job;
        if (!jobs.claimNext(claim, &job))
            return {Outcome::DatabaseError, jobs.errorString(), {}, {}, {}};
        if (!job) {
            const auto row = jobs.find(jobId);
            if (!row)
                return {Outcome::DatabaseError, jobs.errorString(), {}, {}, {}};
            if (row->isFinished())
                return finishedRow(jobId, *row);
            if (!saidWaiting && m_notice)
                m_notice(QStringLiteral("job %1 is waiting (per-tenant start limit or a retry backoff)")
                             .arg(jobId));
            saidWaiting = true;
            QThread::msleep(500);
            continue;
        }
        const JobRunner::Report report = runner.run(*job);
        if (std::optional<Result> r = afterRun(jobId, report, jobs))
            return *r;
        saidWaiting = true;
    }
}

std::optional<ForegroundJob::Result> ForegroundJob::afterRun(qint64 jobId, const JobRunner::Report &report,
                                                             db::JobRepository &jobs) {
    switch (report.result) {
    case JobRunner::Result::Succeeded:
    case JobRunner::Result::Failed: {
        const auto row = jobs.find(jobId);
        if (!row)
            return Result{Outcome::DatabaseError, jobs.errorString(), {}, {}, {}};
        Result r = finishedRow(jobId, *row);
        if (report.result == JobRunner::Result::Failed)
            r.error = report.error;
        return r;
    }
    case JobRunner::Result::Retrying:
        if (m_notice)
            m_notice(QStringLiteral("step failed (%1); retrying").arg(report.error));
        return std::nullopt;
    case JobRunner::Result::TenantBusy:
        if (!jobs.cancel(jobId))
            return Result{Outcome::DatabaseError, jobs.errorString(), {}, {}, {}};
        return Result{Outcome::TenantBusy, {}, {}, report.heldBy, report.heldSince};
    case JobRunner::Result::Stopped:
        return interrupted(jobId);
    case JobRunner::Result::Lost:
        return Result{Outcome::Lost,
                      QStringLiteral("job %1 was cancelled or taken over: %2").arg(jobId).arg(report.error),
                      {},
                      {},
                      {}};
    }
    return std::nullopt;
}

ForegroundJob::Result ForegroundJob::interrupted(qint64 jobId) {
    return {Outcome::Interrupted,
            QStringLiteral("interrupted; job %1 stays queued and resumes from its checkpoint").arg(jobId),
            {},
            {},
            {}};
}

} // namespace ops
