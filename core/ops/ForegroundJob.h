#pragma once

#include "db/JobRepository.h"
#include "db/SyncJob.h"
#include "sync/JobRunner.h"
#include "sync/SyncOptions.h"

#include <atomic>
#include <functional>

namespace ops {

// Runs one queued job on the calling thread and waits for its end: what `gmail-sync sync` (and any caller
// that must answer with the job's outcome) does instead of leaving the job to a worker. Claims only that
// job; waits out the per-tenant start limit and retry backoffs; `stop` (Ctrl-C) abandons the current step
// and leaves the job queued, resumable from its checkpoint.
class ForegroundJob final {
public:
    enum class Outcome { Succeeded, Failed, TenantBusy, Interrupted, Lost, DatabaseError };
    struct Result {
        Outcome outcome = Outcome::DatabaseError;
        QString error;
        std::optional<db::SyncJob> row; // the job's row at its end (Succeeded, Failed)
        QString heldBy;                 // TenantBusy: the live lease
        QDateTime heldSince;
    };
    using Notice = std::function<void(const QString &)>; // "waiting…", "step failed, retrying"

    ForegroundJob(const syncengine::SyncOptions &options, const std::atomic_bool &stop,
                  syncengine::ProgressCallback progress, Notice notice);

    Result run(qint64 jobId);

private:
    static Result finishedRow(qint64 jobId, const db::SyncJob &row);
    static Result interrupted(qint64 jobId);
    // The job's end after one run of the runner, or nullopt when it is to be claimed again (retrying).
    std::optional<Result> afterRun(qint64 jobId, const syncengine::JobRunner::Report &report,
                                   db::JobRepository &jobs);

    syncengine::SyncOptions m_options;
    const std::atomic_bool &m_stop;
    syncengine::ProgressCallback m_progress;
    Notice m_notice;
};

} // namespace ops
