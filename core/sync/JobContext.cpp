#include "sync/JobContext.h"

#include "db/Database.h"
#include "log/LogEvent.h"

namespace syncengine {

JobContext::JobContext(db::SyncJob job, QString workerId, const SyncOptions &options, MailSource &source,
                       const gmail::MessageParser &parser, const std::atomic_bool &stop,
                       ProgressCallback progress)
    : m_job(std::move(job))
    , m_workerId(std::move(workerId))
    , m_options(options)
    , m_source(source)
    , m_mapper(parser)
    , m_stop(stop)
    , m_progress(std::move(progress))
    , m_db(db::Database::connection())
    , m_jobs(m_db)
    , m_emails(m_db)
    , m_tenants(m_db) {
    m_started.start();
    m_lastHeartbeat.start();
}

StepOutcome JobContext::sourceFailure(const QString &what, const SourceError &error) {
    return StepOutcome::failed(what + QStringLiteral(": ") + error.message, error.permanent);
}

StepOutcome JobContext::fetch(const QStringList &ids, QList<db::EmailRecord> *records, qint64 *skipped,
                              const std::function<bool(const db::EmailRecord &)> &accept) {
    // Sequential: the engine's parallelism is one job per worker thread. Parsing chunk k on a helper
    // thread while chunk k+1 is fetched was tried and measured no gain on the 2-core build machine.
    const int chunk = qMax(1, m_options.fetchChunk);
    for (qsizetype i = 0; i < ids.size(); i += chunk) {
        if (stopRequested())
            return StepOutcome::stopped();
        if (StepOutcome alive = keepAlive(); !alive.ok())
            return alive;
        SourceError error;
        QElapsedTimer timer;
        timer.start();
        const auto result = m_source.fetchRaw(ids.mid(i, chunk), &error);
        m_timings.fetchNs += timer.nsecsElapsed();
        if (!result) {
            if (stopRequested())
                return StepOutcome::stopped();
            return sourceFailure(QStringLiteral("fetching messages failed"), error);
        }
        *skipped += result->notFound.size();
        timer.restart();
        for (const FetchedMessage &m : result->messages) {
            db::EmailRecord r = m_mapper.map(m);
            if (!accept || accept(r))
                records->append(std::move(r));
        }
        m_timings.parseNs += timer.nsecsElapsed();
        m_inFlight += result->messages.size() + result->notFound.size();
        report(false);
    }
    return StepOutcome::success();
}

StepOutcome JobContext::commitStep(const StepWrite &w, const QJsonObject &checkpoint) {
    QElapsedTimer timer;
    timer.start();
    if (!m_db.transaction())
        return StepOutcome::failed(QStringLiteral("cannot start a transaction: ") +
                                   db::Database::describeError(m_db.lastError()));
    auto rollback = [this](const QString &error) {
        m_db.rollback();
        return StepOutcome::failed(error);
    };
    db::JobCounts counts;
    counts.processed = w.processed;
    counts.skipped = w.skipped;
    if (!w.records.isEmpty()) {
        const auto up = m_emails.upsert(m_job.tenantId, w.records);
        if (!up)
            return rollback(m_emails.errorString());
        counts.inserted = up->inserted;
        counts.updated = up->updated;
    }
    if (!w.deletes.isEmpty()) {
        const auto removed = m_emails.remove(m_job.tenantId, w.deletes);
        if (!removed)
            return rollback(m_emails.errorString());
        counts.deleted += *removed;
    }
    if (!w.labelChanges.isEmpty()) {
        const auto changed = m_emails.applyLabelChanges(m_job.tenantId, w.labelChanges);
        if (!changed)
            return rollback(m_emails.errorString());
        counts.updated += *changed;
    }
    if (w.sweep) {
        const auto removed = m_emails.removeMissingInWindow(
            m_job.tenantId, w.sweepFrom, QDateTime::currentDateTimeUtc().addYears(100), w.sweepKeep);
        if (!removed)
            return rollback(m_emails.errorString());
        counts.deleted += *removed;
    }
    if (!m_jobs.checkpoint(m_job.id, m_workerId, checkpoint, counts)) {
        m_db.rollback();
        // Fenced: the row says the job is no longer ours — nothing of this step may land.
        return StepOutcome::lost(m_jobs.errorString());
    }
    if (!m_db.commit())
        return rollback(QStringLiteral("cannot commit the step: ") +
                        db::Database::describeError(m_db.lastError()));
    m_lastHeartbeat.restart();
    m_job.checkpoint = checkpoint;
    m_job.processed += counts.processed;
    m_job.inserted += counts.inserted;
    m_job.updated += counts.updated;
    m_job.deleted += counts.deleted;
    m_job.skipped += counts.skipped;
    m_timings.commitNs += timer.nsecsElapsed();
    m_processedThisRun += counts.processed;
    m_inFlight = 0;
    logging::LogEvent(logging::Level::Debug, "step committed")
        .tenant(m_job.tenantId)
        .job(m_job.id)
        .step(m_phase)
        .count("inserted", counts.inserted)
        .count("updated", counts.updated)
        .count("deleted", counts.deleted)
        .count("skipped", counts.skipped)
        .duration("commitMs", double(timer.nsecsElapsed()) / 1e6)
        .write();
    report(true);
    return StepOutcome::success();
}

StepOutcome JobContext::keepAlive(bool force) {
    if (!force && m_lastHeartbeat.elapsed() < qint64(m_options.heartbeatIntervalSeconds) * 1000)
        return StepOutcome::success();
    m_lastHeartbeat.restart();
    if (!m_jobs.heartbeat(m_job.id, m_workerId))
        return StepOutcome::lost(m_jobs.errorString());
    if (!m_tenants.heartbeatLease(m_job.tenantId, m_workerId))
        return StepOutcome::lost(
            QStringLiteral("the sync lease of tenant %1 was taken over or unlocked").arg(m_job.tenantId));
    return StepOutcome::success();
}

void JobContext::setPhase(const QString &phase, qint64 estimatedTotal) {
    m_phase = phase;
    if (estimatedTotal >= 0)
        m_estimatedTotal = estimatedTotal;
    report(true);
}

void JobContext::note(const QString &line) {
    if (!m_jobs.note(m_job.id, line)) {
        logging::LogEvent(logging::Level::Warning, "cannot annotate job")
            .job(m_job.id)
            .error(m_jobs.errorString())
            .write();
    }
    logging::LogEvent(logging::Level::Info, "job note")
        .tenant(m_job.tenantId)
        .job(m_job.id)
        .step(line)
        .write();
}

void JobContext::setHistoryIds(std::optional<qint64> start, std::optional<qint64> end) {
    if (!m_jobs.setHistoryIds(m_job.id, start, end)) {
        logging::LogEvent(logging::Level::Warning, "cannot record history ids")
            .job(m_job.id)
            .error(m_jobs.errorString())
            .write();
    }
}

void JobContext::report(bool force) {
    // Rows and NOTIFY at most about once a second; the callback (signals) as often as asked.
    const double seconds = qMax(0.001, double(m_started.nsecsElapsed()) / 1e9);
    ProgressUpdate u;
    u.jobId = m_job.id;
    u.tenantId = m_job.tenantId;
    u.phase = m_phase;
    u.processed = m_job.processed + m_inFlight;
    u.estimatedTotal = m_estimatedTotal;
    u.messagesPerSecond = double(m_processedThisRun + m_inFlight) / seconds;
    if (m_progress)
        m_progress(u);
    if (!force && m_lastReport.isValid() && m_lastReport.elapsed() < 1000)
        return;
    m_lastReport.restart();
    // Outside a transaction here (steps commit before reporting), so NOTIFY is delivered at once.
    if (!m_jobs.progress(m_job.id, m_job.tenantId, m_phase, u.processed,
                         u.estimatedTotal >= 0 ? std::optional<qint64>(u.estimatedTotal) : std::nullopt,
                         u.messagesPerSecond)) {
        logging::LogEvent(logging::Level::Warning, "cannot record progress")
            .job(m_job.id)
            .error(m_jobs.errorString())
            .write();
    }
}

} // namespace syncengine
