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
    , m_tenants(m_db)
    , m_writer([] { db::Database::closeThreadConnection(); }) {
    m_started.start();
    m_lastHeartbeat.start();
}

StepOutcome JobContext::sourceFailure(const QString &what, const SourceError &error) {
    return StepOutcome::failed(what + QStringLiteral(": ") + error.message, error.permanent);
}

std::optional<MessageIdPage> JobContext::listPage(const QString &query, const QString &pageToken,
                                                  const QString &what, StepOutcome *failure) {
    if (stopRequested()) {
        *failure = StepOutcome::stopped();
        return std::nullopt;
    }
    if (StepOutcome alive = keepAlive(); !alive.ok()) {
        *failure = alive;
        return std::nullopt;
    }
    SourceError error;
    auto page = m_source.listMessages(query, pageToken, m_options.listPageSize, &error);
    if (!page)
        *failure = stopRequested() ? StepOutcome::stopped() : sourceFailure(what, error);
    return page;
}

StepOutcome JobContext::fetch(const QStringList &ids, QList<db::EmailRecord> *records, qint64 *skipped,
                              const std::function<bool(const db::EmailRecord &)> &accept) {
    const StepOutcome fetched = fetchChunks(ids, records, skipped, accept);
    // `records` and `accept` belong to the caller: the parse stage is done with them before we return.
    const StepOutcome parsed = m_parseStage.wait();
    m_timings.parseNs += std::exchange(m_parseNs, 0);
    return fetched.ok() ? parsed : fetched;
}

StepOutcome JobContext::fetchChunks(const QStringList &ids, QList<db::EmailRecord> *records, qint64 *skipped,
                                    const std::function<bool(const db::EmailRecord &)> &accept) {
    // Chunk k is parsed on the parse stage while chunk k+1 is fetched here.
    const int chunk = qMax(1, m_options.fetchChunk);
    for (qsizetype i = 0; i < ids.size(); i += chunk) {
        if (stopRequested())
            return StepOutcome::stopped();
        if (StepOutcome alive = keepAlive(); !alive.ok())
            return alive;
        SourceError error;
        QElapsedTimer timer;
        timer.start();
        auto result = m_source.fetchRaw(ids.mid(i, chunk), &error);
        m_timings.fetchNs += timer.nsecsElapsed();
        if (!result) {
            if (stopRequested())
                return StepOutcome::stopped();
            return sourceFailure(QStringLiteral("fetching messages failed"), error);
        }
        *skipped += result->notFound.size();
        m_inFlight += result->messages.size() + result->notFound.size();
        auto parse = [this, messages = std::move(result->messages), records, &accept] {
            QElapsedTimer parseTimer;
            parseTimer.start();
            for (const FetchedMessage &m : messages) {
                db::EmailRecord r = m_mapper.map(m);
                if (!accept || accept(r))
                    records->append(std::move(r));
            }
            m_parseNs += parseTimer.nsecsElapsed(); // read by this thread after wait()
            return StepOutcome::success();
        };
        if (StepOutcome o = m_parseStage.submit(std::move(parse)); !o.ok())
            return o;
        report(false);
    }
    return StepOutcome::success();
}

namespace {

// The body of one step's transaction, run on the step writer's thread with its connection: rows,
// deletions, label changes, the window sweep and the fenced checkpoint land together or not at all.
StepOutcome writeStep(QSqlDatabase &db, const StepWrite &w, qint64 jobId, const QString &tenantId,
                      const QString &workerId, const QJsonObject &checkpoint, db::JobCounts *counts) {
    if (!db.transaction())
        return StepOutcome::failed(QStringLiteral("cannot start a transaction: ") +
                                   db::Database::describeError(db.lastError()));
    auto rollback = [&db](const QString &error) {
        db.rollback();
        return StepOutcome::failed(error);
    };
    db::EmailRepository emails(db);
    db::JobRepository jobs(db);
    counts->processed = w.processed;
    counts->skipped = w.skipped;
    if (!w.records.isEmpty()) {
        const auto up = emails.upsert(tenantId, w.records);
        if (!up)
            return rollback(emails.errorString());
        counts->inserted = up->inserted;
        counts->updated = up->updated;
    }
    if (!w.deletes.isEmpty()) {
        const auto removed = emails.remove(tenantId, w.deletes);
        if (!removed)
            return rollback(emails.errorString());
        counts->deleted += *removed;
    }
    if (!w.labelChanges.isEmpty()) {
        const auto changed = emails.applyLabelChanges(tenantId, w.labelChanges);
        if (!changed)
            return rollback(emails.errorString());
        counts->updated += *changed;
    }
    if (w.resetSeen && !jobs.forgetSeenIds(jobId))
        return rollback(jobs.errorString());
    if (!jobs.recordSeenIds(jobId, w.seenIds))
        return rollback(jobs.errorString());
    if (w.sweep) {
        const auto removed = emails.removeNotSeenInWindow(tenantId, w.sweepFrom, jobId);
        if (!removed)
            return rollback(emails.errorString());
        counts->deleted += *removed;
        if (!jobs.forgetSeenIds(jobId))
            return rollback(jobs.errorString());
    }
    if (!jobs.checkpoint(jobId, workerId, checkpoint, *counts)) {
        db.rollback();
        // Fenced: the row says the job is no longer ours — nothing of this step may land.
        return StepOutcome::lost(jobs.errorString());
    }
    if (!db.commit())
        return rollback(QStringLiteral("cannot commit the step: ") +
                        db::Database::describeError(db.lastError()));
    return StepOutcome::success();
}

} // namespace

StepOutcome JobContext::commitStep(StepWrite write, const QJsonObject &checkpoint) {
    auto step = std::make_shared<CommittedStep>();
    step->checkpoint = checkpoint;
    step->fetched = m_inFlight;
    const qint64 jobId = m_job.id;
    PipelineStage::Task work = [write = std::move(write), jobId, tenantId = m_job.tenantId,
                                workerId = m_workerId, step] {
        QElapsedTimer timer;
        timer.start();
        QString error;
        if (!db::Database::open(&error)) // the writer stage's own connection, opened on first use
            return StepOutcome::failed(QStringLiteral("cannot open the step writer's connection: ") + error);
        QSqlDatabase db = db::Database::connection();
        StepOutcome o = writeStep(db, write, jobId, tenantId, workerId, step->checkpoint, &step->counts);
        step->commitNs = timer.nsecsElapsed();
        return o;
    };
    QElapsedTimer waited;
    waited.start();
    const StepOutcome previous = m_writer.submit(std::move(work));
    m_timings.commitWaitNs += waited.nsecsElapsed();
    if (!previous.ok()) {
        m_stepInFlight.reset();
        return previous;
    }
    landed();
    m_stepInFlight = std::move(step);
    m_inFlight = 0;
    return StepOutcome::success();
}

StepOutcome JobContext::finish(const StepOutcome &outcome) {
    QElapsedTimer waited;
    waited.start();
    const StepOutcome last = m_writer.wait();
    m_timings.commitWaitNs += waited.nsecsElapsed();
    if (!last.ok()) {
        m_stepInFlight.reset();
        // A step that did not land outweighs a clean end or a stop; a failure of the kind itself
        // (which may have come after) is reported as it is.
        if (outcome.ok() || outcome.status == StepOutcome::Status::Stopped)
            return last;
        return outcome;
    }
    landed();
    return outcome;
}

void JobContext::landed() {
    if (!m_stepInFlight)
        return;
    const CommittedStep &s = *m_stepInFlight;
    m_job.checkpoint = s.checkpoint;
    m_job.processed += s.counts.processed;
    m_job.inserted += s.counts.inserted;
    m_job.updated += s.counts.updated;
    m_job.deleted += s.counts.deleted;
    m_job.skipped += s.counts.skipped;
    m_timings.commitNs += s.commitNs;
    m_processedThisRun += s.counts.processed;
    m_lastHeartbeat.restart(); // the checkpoint refreshed the job's heartbeat
    logging::LogEvent(logging::Level::Debug, "step committed")
        .tenant(m_job.tenantId)
        .job(m_job.id)
        .step(m_phase)
        .count("inserted", s.counts.inserted)
        .count("updated", s.counts.updated)
        .count("deleted", s.counts.deleted)
        .count("skipped", s.counts.skipped)
        .duration("commitMs", double(s.commitNs) / 1e6)
        .write();
    m_stepInFlight.reset();
    report(true);
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
    const qint64 submitted = m_stepInFlight ? m_stepInFlight->fetched : 0; // fetched, being committed
    u.processed = m_job.processed + submitted + m_inFlight;
    u.estimatedTotal = m_estimatedTotal;
    u.messagesPerSecond = double(m_processedThisRun + submitted + m_inFlight) / seconds;
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
