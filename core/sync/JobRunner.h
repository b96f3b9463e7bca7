#pragma once

#include "db/SyncJob.h"
#include "db/Tenant.h"
#include "gmail/MessageParser.h"
#include "sync/JobContext.h"
#include "sync/SyncOptions.h"

#include <atomic>

namespace syncengine {

// Runs one claimed job on the calling thread: takes the tenant lease (one running sync per tenant),
// builds the Gmail source, runs the kind, and settles the job row (succeeded, retry with backoff,
// failed, or given back on a graceful stop). Used by SyncWorker threads and by `gmail-sync sync`.
class JobRunner final {
public:
    enum class Result {
        Succeeded,
        Retrying,   // a step failed; queued again with backoff
        Failed,     // out of retries or a permanent error
        TenantBusy, // another live holder has the tenant lease; the job was given back
        Stopped,    // graceful stop; the job was given back and resumes from its checkpoint
        Lost,       // cancelled or taken over while running
    };
    struct Report {
        Result result = Result::Failed;
        QString error;  // one line for Retrying/Failed/Lost
        QString heldBy; // TenantBusy: the lease holder
        QDateTime heldSince;
    };

    JobRunner(const SyncOptions &options, QString workerId, const std::atomic_bool &stop,
              ProgressCallback progress);
    Report run(const db::SyncJob &job);

    static QString resultName(Result r);

private:
    // A job reclaimed from a dead worker: records its in-flight ids as crash suspects; fails the job when
    // its attempts are spent (a Report), else nullopt: run it.
    std::optional<Report> takeOver(const db::SyncJob &job);
    // Finds the tenant and takes its lease; a Report when the job cannot run now (it is settled or given
    // back).
    std::optional<Report> acquire(const db::SyncJob &job, db::Tenant *tenant, db::LeaseResult *lease);
    // Builds the Gmail source and runs the job's kind, holding the tenant's lease.
    Report runHolding(const db::SyncJob &job, const db::Tenant &tenant, const db::LeaseResult &lease);
    void releaseLease(const db::SyncJob &job);
    Report settle(JobContext *ctx, const db::SyncJob &job, const StepOutcome &outcome, qint64 historyId);
    Report settleSucceeded(JobContext *ctx, const db::SyncJob &job, qint64 historyId);
    void logSettled(const JobContext *ctx, const db::SyncJob &job, const Report &report);

    SyncOptions m_options; // a copy: the default Gmail source factory is bound to m_stop
    QString m_workerId;
    const std::atomic_bool &m_stop;
    ProgressCallback m_progress;
    gmail::MessageParser m_parser;
};

} // namespace syncengine
