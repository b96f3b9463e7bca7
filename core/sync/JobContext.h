#pragma once

#include "db/EmailRepository.h"
#include "db/JobRepository.h"
#include "db/MessageFailureRepository.h"
#include "db/SyncJob.h"
#include "db/TenantRepository.h"
#include "gmail/MessageParser.h"
#include "sync/JobHeartbeat.h"
#include "sync/MailSource.h"
#include "sync/MessageMapper.h"
#include "sync/PipelineStage.h"
#include "sync/ProgressUpdate.h"
#include "sync/StepOutcome.h"
#include "sync/SyncOptions.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QSet>

#include <atomic>
#include <functional>
#include <memory>

namespace syncengine {

using ProgressCallback = std::function<void(const ProgressUpdate &)>;

// What one step writes; committed in one transaction together with the job's checkpoint, so a stop or a
// crash leaves either the whole step or none of it.
struct StepWrite {
    QList<db::EmailRecord> records;
    QStringList deletes;
    QList<db::LabelChange> labelChanges;
    qint64 processed = 0; // messages/changes handled by the step
    qint64 skipped = 0;   // vanished between list and get
    // Messages that could not be stored: recorded in message_failures in the step's transaction, so the
    // checkpoint (and the history cursor) may move past them. `quarantined`: ids not fetched because they
    // failed permanently before (already recorded; counted failed again).
    QList<db::FailedMessage> failures;
    QList<db::FailedMessage> parseFailures; // written by the parse stage only; fetch() merges them
    qint64 quarantined = 0;
    QStringList goneIds;    // 404 now: a recorded failure of these is resolved
    QStringList fetchedIds; // fetched and parsed (stored, or outside the window): resolved too
    // Full (re)sync of a window: the ids this step listed are recorded for the job (sync_job_seen_ids;
    // resetSeen first drops what an earlier attempt recorded); the sweep removes rows in [sweepFrom, ∞)
    // the job did not list (counted as deleted) and then forgets the recorded ids.
    QStringList seenIds;
    bool resetSeen = false;
    bool sweep = false;
    QDateTime sweepFrom;
};

// The state and services of one running job on one worker thread: the job row, this thread's
// repositories, the Gmail source, the parser, heartbeats and progress. The sync kinds work through it.
class JobContext final {
public:
    JobContext(db::SyncJob job, QString workerId, const SyncOptions &options, MailSource &source,
               const gmail::MessageParser &parser, const std::atomic_bool &stop, ProgressCallback progress);

    const db::SyncJob &job() const { return m_job; }
    const QJsonObject &checkpoint() const { return m_job.checkpoint; }
    const SyncOptions &options() const { return m_options; }
    MailSource &source() { return m_source; }
    db::TenantRepository &tenants() { return m_tenants; }
    bool stopRequested() const { return m_stop.load(); }
    const QString &workerId() const { return m_workerId; }

    // One users.messages.list page, after checking stop and keeping the leases alive; on failure
    // *failure says why (stopped, lost, or `what` plus Gmail's error).
    std::optional<MessageIdPage> listPage(const QString &query, const QString &pageToken, const QString &what,
                                          StepOutcome *failure);
    using Accept = std::function<bool(const db::EmailRecord &)>;
    // Fetches ids in chunks (checking stop and keeping the leases alive between chunks) and maps them
    // to rows in write->records; gone ids are counted in write->skipped, messages that still fail after
    // the client's retries go to write->failures. `accept` filters rows (exact date windows); rejected
    // rows are dropped silently. Ids that failed permanently are not fetched (write->quarantined) unless
    // retryQuarantined; crash suspects are fetched one at a time, so a second crash names the message.
    StepOutcome fetch(const QStringList &ids, StepWrite *write, const Accept &accept = {},
                      bool retryQuarantined = false);
    // Messages of the tenant recorded as failed, to retry first (RetryFailures).
    db::MessageFailureRepository &failures() { return m_failures; }
    // Hands the step and its new checkpoint to the step writer (one transaction, on its own thread and
    // connection) and returns at once; waits first for the step before it, whose failure it returns.
    StepOutcome commitStep(StepWrite write, const QJsonObject &checkpoint);
    // Waits for the last step to land; the kind's outcome, or the failure of that step. JobRunner calls
    // it before settling the job.
    StepOutcome finish(const StepOutcome &outcome);
    // Lost when the job or the tenant lease is gone (JobHeartbeat keeps both alive on its own thread).
    StepOutcome keepAlive();
    void setPhase(const QString &phase, qint64 estimatedTotal = -1);
    void addEstimated(qint64 n) { m_estimatedTotal = qMax<qint64>(m_estimatedTotal, 0) + n; }
    void note(const QString &line); // error_detail annotation (e.g. why a resync ran)
    void setHistoryIds(std::optional<qint64> start, std::optional<qint64> end);
    StepOutcome sourceFailure(const QString &what, const SourceError &error);

    // Where this run's time went (logged when the job settles; the benchmark reads it).
    struct Timings {
        qint64 fetchNs = 0;      // Gmail requests (batch gets)
        qint64 parseNs = 0;      // MIME parsing and mapping
        qint64 commitNs = 0;     // step transactions (COPY + merge + checkpoint), on the step writer
        qint64 commitWaitNs = 0; // the job's thread waiting for the step writer
    };
    const Timings &timings() const { return m_timings; }

private:
    // A step handed to the writer: what it carries and, once landed, what it counted.
    struct CommittedStep {
        QJsonObject checkpoint;
        qint64 fetched = 0; // messages fetched for it (progress while it is being written)
        QStringList ids;    // the ids fetched for it: in flight until it lands
        db::JobCounts counts;
        qint64 commitNs = 0;
    };

    StepOutcome fetchChunks(const QStringList &ids, StepWrite *write, const Accept &accept,
                            bool retryQuarantined);
    StepOutcome fetchChunk(const QStringList &chunk, StepWrite *write, const Accept &accept);
    StepOutcome markInFlight(const QStringList &chunk); // before fetching: what a crash would leave suspect
    void takeFetched(const SourceFetch &result, StepWrite *write);
    StepOutcome submitParse(QList<gmail::RawMessage> messages, StepWrite *write, const Accept &accept);
    void loadQuarantine();
    void report(bool force);
    void landed(); // takes over the counts and checkpoint of the step that just landed

    db::SyncJob m_job;
    QString m_workerId;
    const SyncOptions &m_options;
    MailSource &m_source;
    MessageMapper m_mapper;
    const std::atomic_bool &m_stop;
    ProgressCallback m_progress;
    QSqlDatabase m_db;
    db::JobRepository m_jobs;
    db::TenantRepository m_tenants;
    db::MessageFailureRepository m_failures;
    JobHeartbeat m_heartbeat;
    QSet<QString> m_permanentFailures; // not fetched again by this job (unless retrying them)
    QSet<QString> m_crashSuspects;     // fetched one at a time
    QSet<QString> m_failedThisJob;     // failed once in this job: not fetched again by it
    bool m_resolveFailures = false;    // the tenant has recorded failures: clear them as messages land
    QStringList m_pendingIds;          // fetched since the last step was handed to the writer
    QElapsedTimer m_started;
    QElapsedTimer m_lastReport;
    QString m_phase;
    qint64 m_processedThisRun = 0; // committed by this run
    Timings m_timings;
    qint64 m_inFlight = 0; // fetched, not yet committed
    qint64 m_estimatedTotal = -1;
    std::shared_ptr<CommittedStep> m_stepInFlight;
    qint64 m_parseNs = 0; // written by the parse stage, read after its wait()
    // Last: their threads are joined before anything they use goes.
    PipelineStage m_parseStage;
    PipelineStage m_writer;
};

} // namespace syncengine
