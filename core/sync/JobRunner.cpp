#include "sync/JobRunner.h"

#include "db/Database.h"
#include "db/JobRepository.h"
#include "db/TenantRepository.h"
#include "jobs/JobParams.h"
#include "log/LogEvent.h"
#include "sync/GmailMailSource.h"
#include "sync/HistoricalSync.h"
#include "sync/IncrementalSync.h"
#include "sync/InitialSync.h"
#include "sync/RetryFailures.h"

#include <QElapsedTimer>

namespace syncengine {

namespace {

template<class... F>
struct Overloaded : F... {
    using F::operator()...;
};

StepOutcome runKind(JobContext &ctx, const jobs::JobParams &params, qint64 *historyId) {
    return std::visit(
        Overloaded{
            [&](const jobs::InitialParams &p) {
                return InitialSync::run(ctx, InitialSync::Mode::Initial, p.windowDays, historyId);
            },
            [&](const jobs::IncrementalParams &p) {
                return IncrementalSync::run(ctx, p.windowDays, historyId);
            },
            [&](const jobs::PushParams &p) { return IncrementalSync::run(ctx, p.windowDays, historyId); },
            [&](const jobs::HistoricalParams &p) { return HistoricalSync::run(ctx, p); }},
        params);
}

} // namespace

JobRunner::JobRunner(const SyncOptions &options, QString workerId, const std::atomic_bool &stop,
                     ProgressCallback progress)
    : m_options(options)
    , m_workerId(std::move(workerId))
    , m_stop(stop)
    , m_progress(std::move(progress)) {
    if (!m_options.mailSourceFactory) {
        m_options.mailSourceFactory = GmailMailSource::factory(
            m_options.gmailApiUrl, m_options.tokenProviderFactory, m_options.quotaProfile,
            m_options.quotaProject, &m_stop, std::chrono::milliseconds(m_options.requestBackoffBaseMs));
    }
}

QString JobRunner::resultName(Result r) {
    switch (r) {
    case Result::Succeeded:
        return QStringLiteral("succeeded");
    case Result::Retrying:
        return QStringLiteral("retrying");
    case Result::Failed:
        return QStringLiteral("failed");
    case Result::TenantBusy:
        return QStringLiteral("tenant busy");
    case Result::Stopped:
        return QStringLiteral("stopped");
    case Result::Lost:
        return QStringLiteral("lost");
    }
    return {};
}

JobRunner::Report JobRunner::run(const db::SyncJob &job) {
    logging::LogEvent(logging::Level::Info, "job started")
        .tenant(job.tenantId)
        .job(job.id)
        .worker(m_workerId)
        .step(jobs::kindName(job.kind))
        .count("attempts", job.attempts)
        .write();
    db::Tenant tenant;
    db::LeaseResult lease;
    if (std::optional<Report> r = acquire(job, &tenant, &lease))
        return *r;
    if (job.reclaimed) {
        if (std::optional<Report> r = takeOver(job))
            return *r;
    }
    const Report report = runHolding(job, tenant, lease);
    releaseLease(job);
    return report;
}

std::optional<JobRunner::Report> JobRunner::acquire(const db::SyncJob &job, db::Tenant *tenant,
                                                    db::LeaseResult *lease) {
    QSqlDatabase conn = db::Database::connection();
    db::TenantRepository tenants(conn);
    db::JobRepository queue(conn);
    const auto found = tenants.find(job.tenantId);
    if (!found) {
        bool final = true;
        const QString error = tenants.errorString();
        if (!queue.failStep(job.id, m_workerId, error, {}, tenants.isNotFound(), m_options.maxRetries,
                            m_options.retryBackoffBaseSeconds, &final))
            return Report{Result::Lost, queue.errorString(), {}, {}};
        return Report{final ? Result::Failed : Result::Retrying, error, {}, {}};
    }
    const auto acquired = tenants.tryAcquireLease(job.tenantId, m_workerId, m_options.leaseStaleAfterSeconds);
    if (!acquired || !acquired->acquired) {
        // Another live sync holds the tenant: give the job back untouched (no attempt spent).
        if (!queue.release(job.id, m_workerId, m_options.busyTenantDelaySeconds))
            return Report{Result::Lost, queue.errorString(), {}, {}};
        if (!acquired)
            return Report{Result::Retrying, tenants.errorString(), {}, {}};
        return Report{Result::TenantBusy, {}, acquired->heldBy, acquired->heldSince};
    }
    *tenant = *found;
    *lease = *acquired;
    return std::nullopt;
}

JobRunner::Report JobRunner::runHolding(const db::SyncJob &job, const db::Tenant &tenant,
                                        const db::LeaseResult &lease) {
    QString sourceError;
    std::unique_ptr<MailSource> source =
        m_options.mailSourceFactory
            ? m_options.mailSourceFactory(tenant.id, tenant.gmailAddress, &sourceError)
            : nullptr;
    if (!source) {
        if (sourceError.isEmpty())
            sourceError = QStringLiteral("no Gmail access is configured for the sync engine");
        return settle(nullptr, job, StepOutcome::failed(sourceError, true), 0);
    }
    JobContext ctx(job, m_workerId, m_options, *source, m_parser, m_stop, m_progress);
    if (!lease.previousHolder.isEmpty()) {
        ctx.note(QStringLiteral("overrode the stale sync lease of %1 (last heartbeat %2)")
                     .arg(lease.previousHolder, lease.previousHeartbeatAt.toUTC().toString(Qt::ISODate)));
    }
    qint64 historyId = 0;
    QString paramsError;
    const auto params = jobs::paramsFromJson(job.kind, job.params, &paramsError);
    // Recorded failures first: a message that failed before gets its next chance before new work.
    StepOutcome outcome = params ? RetryFailures::run(ctx, jobs::retryFailed(*params))
                                 : StepOutcome::failed(paramsError, /*permanent=*/true);
    if (outcome.ok())
        outcome = runKind(ctx, *params, &historyId);
    return settle(&ctx, job, ctx.finish(outcome), historyId);
}

void JobRunner::releaseLease(const db::SyncJob &job) {
    db::TenantRepository tenants(db::Database::connection());
    if (!tenants.releaseLease(job.tenantId, m_workerId)) {
        logging::LogEvent(logging::Level::Warning, "sync lease was gone at release")
            .tenant(job.tenantId)
            .job(job.id)
            .error(tenants.errorString())
            .write();
    }
}

std::optional<JobRunner::Report> JobRunner::takeOver(const db::SyncJob &job) {
    // The job's last worker died. What it had in flight is suspect: record it (kind crash), so this run
    // fetches those messages one at a time and a message that kills a worker twice is quarantined.
    QSqlDatabase conn = db::Database::connection();
    db::JobRepository jobs(conn);
    db::TenantRepository tenants(conn);
    db::MessageFailureRepository failures(conn);
    logging::LogEvent(logging::Level::Warning, "job taken over from a dead worker")
        .tenant(job.tenantId)
        .job(job.id)
        .worker(m_workerId)
        .count("attempts", job.attempts)
        .count("inFlight", job.inFlightIds.size())
        .write();
    if (!job.inFlightIds.isEmpty()) {
        QList<db::FailedMessage> suspects;
        const QString why = QStringLiteral("the worker processing it died (job %1, attempt %2)")
                                .arg(job.id)
                                .arg(job.attempts);
        for (const QString &id : job.inFlightIds)
            suspects.append({id, db::MessageFailure::Kind::Crash, why});
        const bool ok = conn.transaction() &&
                        failures.record(job.tenantId, job.id, suspects, 0).has_value() &&
                        jobs.setInFlight(job.id, m_workerId, {}) && conn.commit();
        if (!ok) {
            conn.rollback();
            const QString error =
                failures.errorString().isEmpty() ? jobs.errorString() : failures.errorString();
            logging::LogEvent(logging::Level::Warning, "cannot record crash suspects")
                .tenant(job.tenantId)
                .job(job.id)
                .error(error)
                .write();
        }
    }
    if (job.attempts <= m_options.maxRetries)
        return std::nullopt;
    // Out of attempts: its workers kept dying. The job fails; the suspects stay recorded.
    bool final = true;
    const QString error = QStringLiteral("the workers running this job died %1 times").arg(job.attempts);
    if (!jobs.failStep(job.id, m_workerId, error, {}, true, m_options.maxRetries,
                       m_options.retryBackoffBaseSeconds, &final))
        return Report{Result::Lost, jobs.errorString(), {}, {}};
    if (!tenants.releaseLease(job.tenantId, m_workerId)) { /* already gone: nothing to undo */
    }
    return Report{Result::Failed, error, {}, {}};
}

JobRunner::Report JobRunner::settle(JobContext *ctx, const db::SyncJob &job, const StepOutcome &outcome,
                                    qint64 historyId) {
    // The job's connection may have gone while the job waited out a database restart: make sure it
    // works (reopening it, with backoff) before the job's row is settled on it.
    if (!db::Database::runWithReconnect([] { return db::Database::ping(nullptr); }, {.stop = &m_stop}))
        logging::LogEvent(logging::Level::Warning, "database unreachable while settling").job(job.id).write();
    db::JobRepository queue(db::Database::connection());
    Report report;
    switch (outcome.status) {
    case StepOutcome::Status::Ok:
        return settleSucceeded(ctx, job, historyId);
    case StepOutcome::Status::Failed: {
        bool final = false;
        if (!queue.failStep(job.id, m_workerId, outcome.error, outcome.detail, outcome.permanent,
                            m_options.maxRetries, m_options.retryBackoffBaseSeconds, &final))
            return {Result::Lost, queue.errorString(), {}, {}};
        report.result = final ? Result::Failed : Result::Retrying;
        report.error = outcome.error;
        break;
    }
    case StepOutcome::Status::Stopped:
        // Everything committed stays; the checkpoint lets any worker resume at once.
        if (!queue.release(job.id, m_workerId, 0))
            return {Result::Lost, queue.errorString(), {}, {}};
        report.result = Result::Stopped;
        break;
    case StepOutcome::Status::Lost:
        report.result = Result::Lost;
        report.error = outcome.error;
        break;
    }
    logSettled(ctx, job, report);
    return report;
}

JobRunner::Report JobRunner::settleSucceeded(JobContext *ctx, const db::SyncJob &job, qint64 historyId) {
    QSqlDatabase conn = db::Database::connection();
    db::TenantRepository tenants(conn);
    db::JobRepository queue(conn);
    // The tenant's history position moves only after the whole window/history was stored.
    if (historyId > 0 && !tenants.recordSuccessfulSync(job.tenantId, historyId))
        return settle(ctx, job, StepOutcome::failed(tenants.errorString()), 0);
    if (historyId > 0 && ctx)
        ctx->setHistoryIds(std::nullopt, historyId);
    if (!queue.succeed(job.id, m_workerId))
        return {Result::Lost, queue.errorString(), {}, {}};
    if (db::MessageFailureRepository failures(conn); !failures.forgetCrashSuspects(job.tenantId, job.id)) {
        logging::LogEvent(logging::Level::Warning, "cannot clear crash suspects")
            .tenant(job.tenantId)
            .job(job.id)
            .error(failures.errorString())
            .write();
    }
    const Report report{Result::Succeeded, {}, {}, {}};
    logSettled(ctx, job, report);
    return report;
}

void JobRunner::logSettled(const JobContext *ctx, const db::SyncJob &job, const Report &report) {
    db::JobRepository queue(db::Database::connection());
    const auto row = queue.find(job.id);
    const JobContext::Timings t = ctx ? ctx->timings() : JobContext::Timings{};
    logging::LogEvent(report.result == Result::Succeeded || report.result == Result::Stopped
                          ? logging::Level::Info
                          : logging::Level::Warning,
                      "job settled")
        .tenant(job.tenantId)
        .job(job.id)
        .worker(m_workerId)
        .step(resultName(report.result))
        .count("processed", row ? row->processed : 0)
        .count("inserted", row ? row->inserted : 0)
        .count("updated", row ? row->updated : 0)
        .count("deleted", row ? row->deleted : 0)
        .count("skipped", row ? row->skipped : 0)
        .count("failed", row ? row->failed : 0)
        .duration("fetchMs", double(t.fetchNs) / 1e6)
        .duration("parseMs", double(t.parseNs) / 1e6)
        .duration("commitMs", double(t.commitNs) / 1e6)
        .duration("commitWaitMs", double(t.commitWaitNs) / 1e6)
        .error(report.error)
        .write();
}

} // namespace syncengine
