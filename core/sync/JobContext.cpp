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
    , m_failures(m_db)
    , m_heartbeat(m_job.id, m_job.tenantId, m_workerId,
                  std::chrono::milliseconds(qint64(options.heartbeatIntervalSeconds) * 1000))
    , m_writer([] { db::Database::closeThreadConnection(); }) {
    m_started.start();
    loadQuarantine();
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

void JobContext::loadQuarantine() {
    QStringList permanent, suspects;
    if (!m_failures.quarantine(m_job.tenantId, &permanent, &suspects)) {
        // Not fatal: without the list the job fetches those ids like any other.
        logging::LogEvent(logging::Level::Warning, "cannot read quarantined messages")
            .tenant(m_job.tenantId)
            .job(m_job.id)
            .error(m_failures.errorString())
            .write();
        return;
    }
    m_permanentFailures = QSet<QString>(permanent.cbegin(), permanent.cend());
    m_crashSuspects = QSet<QString>(suspects.cbegin(), suspects.cend());
    qint64 total = 0, permanentCount = 0;
    m_resolveFailures = !m_failures.count(m_job.tenantId, &total, &permanentCount) || total > 0;
}

StepOutcome JobContext::fetch(const QStringList &ids, StepWrite *write, const Accept &accept,
                              bool retryQuarantined) {
    const StepOutcome fetched = fetchChunks(ids, write, accept, retryQuarantined);
    // `write` and `accept` belong to the caller: the parse stage is done with them before we return.
    const StepOutcome parsed = m_parseStage.wait();
    m_timings.parseNs += std::exchange(m_parseNs, 0);
    // Messages the parser refused: failures of the message, not stored, not resolved.
    for (const db::FailedMessage &f : std::as_const(write->parseFailures)) {
        write->fetchedIds.removeOne(f.gmailMessageId);
        m_failedThisJob.insert(f.gmailMessageId);
        m_resolveFailures = true;
    }
    write->failures += std::exchange(write->parseFailures, {});
    return fetched.ok() ? parsed : fetched;
}

StepOutcome JobContext::fetchChunks(const QStringList &ids, StepWrite *write, const Accept &accept,
                                    bool retryQuarantined) {
    // Chunk k is parsed on the parse stage while chunk k+1 is fetched here. Crash suspects go alone.
    QStringList regular;
    QList<QStringList> chunks;
    regular.reserve(ids.size());
    for (const QString &id : ids) {
        if (m_failedThisJob.contains(id))
            continue; // failed once in this job already (and recorded); counted then
        if (!retryQuarantined && m_permanentFailures.contains(id)) {
            ++write->quarantined;
            continue;
        }
        if (m_crashSuspects.contains(id))
            chunks.append(QStringList{id});
        else
            regular.append(id);
    }
    const int size = qMax(1, m_options.fetchChunk);
    for (qsizetype i = 0; i < regular.size(); i += size)
        chunks.append(regular.mid(i, size));
    for (const QStringList &chunk : std::as_const(chunks)) {
        if (StepOutcome o = fetchChunk(chunk, write, accept); !o.ok())
            return o;
    }
    return StepOutcome::success();
}

StepOutcome JobContext::markInFlight(const QStringList &chunk) {
    if (stopRequested())
        return StepOutcome::stopped();
    if (StepOutcome alive = keepAlive(); !alive.ok())
        return alive;
    // What this worker holds uncommitted, written before the work: if it dies now, the job's next
    // claimer records these as crash suspects (and a second crash quarantines the one message).
    QStringList inFlight = m_stepInFlight ? m_stepInFlight->ids : QStringList();
    inFlight += m_pendingIds;
    inFlight += chunk;
    if (!m_jobs.setInFlight(m_job.id, m_workerId, inFlight))
        return StepOutcome::lost(m_jobs.errorString());
    return StepOutcome::success();
}

StepOutcome JobContext::fetchChunk(const QStringList &chunk, StepWrite *write, const Accept &accept) {
    if (StepOutcome o = markInFlight(chunk); !o.ok())
        return o;
    SourceError error;
    QElapsedTimer timer;
    timer.start();
    auto result = m_source.fetchRaw(chunk, &error);
    m_timings.fetchNs += timer.nsecsElapsed();
    if (!result) {
        if (stopRequested())
            return StepOutcome::stopped();
        return sourceFailure(QStringLiteral("fetching messages failed"), error);
    }
    // Most of a chunk failing is the source failing, not its messages: the step is retried instead.
    if (chunk.size() >= 10 && result->failed.size() * 2 >= chunk.size())
        return sourceFailure(QStringLiteral("fetching messages failed"),
                             SourceError{QStringLiteral("%1 of %2 messages failed, e.g. %3")
                                             .arg(result->failed.size())
                                             .arg(chunk.size())
                                             .arg(result->failed.first().error),
                                         false});
    m_pendingIds += chunk;
    takeFetched(*result, write);
    if (StepOutcome o = submitParse(std::move(result->messages), write, accept); !o.ok())
        return o;
    report(false);
    return StepOutcome::success();
}

// Books what a fetch answered into the step: gone ids, failures, fetched ids, and the counts in flight.
void JobContext::takeFetched(const SourceFetch &result, StepWrite *write) {
    write->skipped += result.notFound.size();
    write->goneIds += result.notFound;
    for (const UndeliveredMessage &f : result.failed) {
        write->failures.append(
            {f.id, f.tooLarge ? db::MessageFailure::Kind::TooLarge : db::MessageFailure::Kind::Fetch,
             f.error});
        m_failedThisJob.insert(f.id);
    }
    for (const gmail::RawMessage &m : result.messages) {
        write->fetchedIds.append(m.id);
        m_permanentFailures.remove(m.id); // fetched after all (--retry-failed): an ordinary message again
        m_crashSuspects.remove(m.id);
    }
    if (!result.failed.isEmpty())
        m_resolveFailures = true;
    m_inFlight += result.messages.size() + result.notFound.size() + result.failed.size();
}

// Parses on the parse stage's thread; the records (or the parser's refusals) land in the step.
StepOutcome JobContext::submitParse(QList<gmail::RawMessage> messages, StepWrite *write,
                                    const Accept &accept) {
    auto parse = [this, messages = std::move(messages), records = &write->records,
                  refused = &write->parseFailures, &accept] {
        QElapsedTimer parseTimer;
        parseTimer.start();
        for (const gmail::RawMessage &m : messages) {
            db::FailedMessage failure;
            std::optional<db::EmailRecord> r = m_mapper.map(m, &failure);
            if (!r)
                refused->append(std::move(failure));
            else if (!accept || accept(*r))
                records->append(std::move(*r));
        }
        m_parseNs += parseTimer.nsecsElapsed(); // read by this thread after wait()
        return StepOutcome::success();
    };
    return m_parseStage.submit(std::move(parse));
}

namespace {

struct StepPolicy {
    bool resolveFailures = false;
    int maxMessageAttempts = db::MessageFailureRepository::kDefaultMaxAttempts;
};

// The step's rows: upserts, deletions and label changes. Empty on success, else the error.
QString writeRows(db::EmailRepository &emails, const StepWrite &w, const QString &tenantId,
                  db::JobCounts *counts) {
    if (!w.records.isEmpty()) {
        const auto up = emails.upsert(tenantId, w.records);
        if (!up)
            return emails.errorString();
        counts->inserted = up->inserted;
        counts->updated = up->updated;
    }
    if (!w.deletes.isEmpty()) {
        const auto removed = emails.remove(tenantId, w.deletes);
        if (!removed)
            return emails.errorString();
        counts->deleted += *removed;
    }
    if (!w.labelChanges.isEmpty()) {
        const auto changed = emails.applyLabelChanges(tenantId, w.labelChanges);
        if (!changed)
            return emails.errorString();
        counts->updated += *changed;
    }
    return {};
}

// The step's failure records: resolved (stored now, deleted for good, gone from Gmail) and new ones.
QString writeFailures(QSqlDatabase &db, const StepWrite &w, qint64 jobId, const QString &tenantId,
                      const StepPolicy &policy) {
    db::MessageFailureRepository failures(db);
    if (policy.resolveFailures && !failures.resolve(tenantId, w.goneIds + w.deletes + w.fetchedIds))
        return failures.errorString();
    if (!w.failures.isEmpty() && !failures.record(tenantId, jobId, w.failures, policy.maxMessageAttempts))
        return failures.errorString();
    return {};
}

// The listed ids a window sync keeps for its sweep, and the sweep itself.
QString writeSeenAndSweep(db::EmailRepository &emails, db::JobRepository &jobs, const StepWrite &w,
                          qint64 jobId, const QString &tenantId, db::JobCounts *counts) {
    if (w.resetSeen && !jobs.forgetSeenIds(jobId))
        return jobs.errorString();
    if (!jobs.recordSeenIds(jobId, w.seenIds))
        return jobs.errorString();
    if (w.sweep) {
        const auto removed = emails.removeNotSeenInWindow(tenantId, w.sweepFrom, jobId);
        if (!removed)
            return emails.errorString();
        counts->deleted += *removed;
        if (!jobs.forgetSeenIds(jobId))
            return jobs.errorString();
    }
    return {};
}

// The body of one step's transaction, run on the step writer's thread with its connection: rows,
// deletions, label changes, the window sweep and the fenced checkpoint land together or not at all.
StepOutcome writeStep(QSqlDatabase &db, const StepWrite &w, qint64 jobId, const QString &tenantId,
                      const QString &workerId, const QJsonObject &checkpoint, const StepPolicy &policy,
                      db::JobCounts *counts) {
    if (!db.transaction())
        return StepOutcome::failed(QStringLiteral("cannot start a transaction: ") +
                                   db::Database::describeError(db.lastError()));
    db::EmailRepository emails(db);
    db::JobRepository jobs(db);
    counts->processed = w.processed;
    counts->skipped = w.skipped;
    counts->failed = w.failures.size() + w.quarantined;
    QString error = writeRows(emails, w, tenantId, counts);
    if (error.isEmpty())
        error = writeFailures(db, w, jobId, tenantId, policy);
    if (error.isEmpty())
        error = writeSeenAndSweep(emails, jobs, w, jobId, tenantId, counts);
    if (!error.isEmpty()) {
        db.rollback();
        return StepOutcome::failed(error);
    }
    if (!jobs.checkpoint(jobId, workerId, checkpoint, *counts)) {
        db.rollback();
        // Fenced: the row says the job is no longer ours — nothing of this step may land.
        return StepOutcome::lost(jobs.errorString());
    }
    if (!db.commit()) {
        const QString commitError = db::Database::describeError(db.lastError());
        db.rollback();
        return StepOutcome::failed(QStringLiteral("cannot commit the step: ") + commitError);
    }
    return StepOutcome::success();
}

} // namespace

StepOutcome JobContext::commitStep(StepWrite write, const QJsonObject &checkpoint) {
    auto step = std::make_shared<CommittedStep>();
    step->checkpoint = checkpoint;
    step->fetched = m_inFlight;
    step->ids = std::exchange(m_pendingIds, {});
    const qint64 jobId = m_job.id;
    StepPolicy policy;
    policy.resolveFailures = m_resolveFailures;
    policy.maxMessageAttempts = m_options.maxMessageAttempts;
    PipelineStage::Task work = [write = std::move(write), jobId, tenantId = m_job.tenantId,
                                workerId = m_workerId, step, policy, stop = &m_stop] {
        QElapsedTimer timer;
        timer.start();
        // The writer stage's own connection, opened on first use. A step whose connection was lost
        // (server restart, network) is written again on a fresh one: rows are upserts and the checkpoint
        // is fenced, so a step that did land before the connection broke lands the same way again.
        db::Database::setThreadStatementTimeout(db::Database::kWriterStatementTimeoutMs);
        StepOutcome o;
        const bool written = db::Database::runWithReconnect(
            [&] {
                QString error;
                if (!db::Database::open(&error)) {
                    o = StepOutcome::failed(QStringLiteral("cannot open the step writer's connection: ") +
                                            error);
                    return false;
                }
                QSqlDatabase db = db::Database::connection();
                step->counts = {};
                o = writeStep(db, write, jobId, tenantId, workerId, step->checkpoint, policy, &step->counts);
                return o.ok();
            },
            {.stop = stop});
        Q_UNUSED(written) // o says what happened
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
    m_job.failed += s.counts.failed;
    m_timings.commitNs += s.commitNs;
    m_processedThisRun += s.counts.processed;
    logging::LogEvent(logging::Level::Debug, "step committed")
        .tenant(m_job.tenantId)
        .job(m_job.id)
        .step(m_phase)
        .count("inserted", s.counts.inserted)
        .count("updated", s.counts.updated)
        .count("deleted", s.counts.deleted)
        .count("skipped", s.counts.skipped)
        .count("failed", s.counts.failed)
        .duration("commitMs", double(s.commitNs) / 1e6)
        .write();
    m_stepInFlight.reset();
    report(true);
}

StepOutcome JobContext::keepAlive() {
    // The heartbeat thread keeps the job and the lease alive; here we only learn whether they are gone.
    if (m_heartbeat.lost())
        return StepOutcome::lost(m_heartbeat.lostReason());
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
    if (m_estimatedTotal >= 0)
        u.total = m_estimatedTotal;
    u.rate = double(m_processedThisRun + submitted + m_inFlight) / seconds;
    if (m_progress)
        m_progress(u);
    if (!force && m_lastReport.isValid() && m_lastReport.elapsed() < 1000)
        return;
    m_lastReport.restart();
    // Outside a transaction here (steps commit before reporting), so NOTIFY is delivered at once.
    // A lost connection (server restart) is reopened here: nothing else uses this thread's connection
    // regularly while the job runs (heartbeats have a thread and connection of their own).
    if (!db::Database::runWithReconnect(
            [&] { return m_jobs.progress(m_job.id, m_job.tenantId, m_phase, u.processed, u.total, u.rate); },
            {.stop = &m_stop})) {
        logging::LogEvent(logging::Level::Warning, "cannot record progress")
            .job(m_job.id)
            .error(m_jobs.errorString())
            .write();
    }
}

} // namespace syncengine
