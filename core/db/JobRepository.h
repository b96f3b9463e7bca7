#pragma once

#include "db/RepositoryError.h"
#include "db/SyncJob.h"
#include "jobs/JobParams.h"

#include <QDate>
#include <QDateTime>

#include <QList>
#include <QSqlDatabase>
#include <QString>

#include <optional>

class QSqlQuery;

namespace db {

// Which jobs JobRepository::list returns, newest first.
struct JobFilter {
    QString tenantId; // empty: every tenant
    QString status;   // empty: every status
    int limit = 500;
};

struct DailySyncCount {
    QDate day;
    qint64 messages = 0;
    int jobs = 0;
};

struct JobDuration {
    qint64 jobId = 0;
    QString kind;
    QDateTime finishedAt;
    double seconds = 0;
};

struct ClaimOptions {
    QString workerId;                // host:pid:thread
    int jobStaleAfterSeconds = 120;  // a running job whose heartbeat is older belongs to a dead worker
    int startLimitPerMinute = 10;    // per tenant; force jobs ignore it
    std::optional<qint64> onlyJobId; // claim this job only (the CLI runs the job it enqueued)
};

// All SQL of `sync_jobs`: a durable queue. Claims use SELECT … FOR UPDATE SKIP LOCKED, so any number
// of workers in any number of processes can poll one table without handing a job out twice.
// Mutations of a claimed job are fenced by (id, worker_id, status = 'running'): a worker that lost its
// job (cancelled, or taken over after it stalled) sees `false` and must stop without writing.
class JobRepository final {
public:
    explicit JobRepository(QSqlDatabase db);

    std::optional<qint64> enqueue(const QString &tenantId, const jobs::JobParams &params, bool force);
    // Queues a job unless the tenant already has a queued (not yet running) job of one of the kinds in
    // `coveredBy`, which then answers this request too. Atomic across processes: the check and the insert
    // run in one transaction under an advisory lock on the tenant, so two notifications racing in two
    // workers queue one job. Call outside a transaction.
    struct Enqueued {
        qint64 jobId = 0;
        bool coalesced = false; // jobId is the queued job that was already there
    };
    std::optional<Enqueued> enqueueUnlessQueued(const QString &tenantId, const jobs::JobParams &params,
                                                const QList<jobs::JobKind> &coveredBy);
    // *job stays empty when nothing is runnable now. False only on a database error. A running job with a
    // stale heartbeat is taken over with one more attempt counted (SyncJob::reclaimed).
    Q_REQUIRED_RESULT bool claimNext(const ClaimOptions &options, std::optional<SyncJob> *job);
    // Gives a claimed job back without counting an attempt (its tenant was busy), runnable after delay.
    Q_REQUIRED_RESULT bool release(qint64 jobId, const QString &workerId, int delaySeconds);

    Q_REQUIRED_RESULT bool heartbeat(qint64 jobId, const QString &workerId);
    // Progress figures on the row plus NOTIFY gsa_sync_progress {"jobId","tenantId","phase","processed",
    // "total","rate"} (delivered at commit when called inside a transaction).
    Q_REQUIRED_RESULT bool progress(qint64 jobId, const QString &tenantId, const QString &phase,
                                    qint64 processed, std::optional<qint64> total, double rate);
    // Saves the step's checkpoint and adds its counts; call inside the transaction that stored the step.
    Q_REQUIRED_RESULT bool checkpoint(qint64 jobId, const QString &workerId, const QJsonObject &checkpoint,
                                      const JobCounts &counts);
    // The ids the job has fetched or is fetching and not yet committed (fenced like checkpoint): what a
    // worker was processing if it dies now. Settling the job clears them.
    Q_REQUIRED_RESULT bool setInFlight(qint64 jobId, const QString &workerId,
                                       const QStringList &gmailMessageIds);
    Q_REQUIRED_RESULT bool setHistoryIds(qint64 jobId, std::optional<qint64> start,
                                         std::optional<qint64> end);
    // The ids a full (re)sync of a window listed (sync_job_seen_ids), for its sweep; call inside the
    // step's transaction. forgetSeenIds drops them all (a fresh start, or after the sweep).
    Q_REQUIRED_RESULT bool recordSeenIds(qint64 jobId, const QStringList &gmailMessageIds);
    Q_REQUIRED_RESULT bool forgetSeenIds(qint64 jobId);
    // Appends a line to error_detail without failing the job (e.g. why a full resync ran).
    Q_REQUIRED_RESULT bool note(qint64 jobId, const QString &line);
    Q_REQUIRED_RESULT bool succeed(qint64 jobId, const QString &workerId);
    // A step failed: attempts + 1; requeued with exponential backoff (base · 2^attempts seconds), or
    // 'failed' once more than maxRetries retries were spent, or at once when permanent. *finalFailure
    // tells which.
    Q_REQUIRED_RESULT bool failStep(qint64 jobId, const QString &workerId, const QString &message,
                                    const QString &detail, bool permanent, int maxRetries,
                                    int backoffBaseSeconds, bool *finalFailure);
    Q_REQUIRED_RESULT bool cancel(qint64 jobId);
    // Whether the job is still running for this worker (false: cancelled or taken over).
    Q_REQUIRED_RESULT bool stillOwned(qint64 jobId, const QString &workerId, bool *owned);

    std::optional<SyncJob> find(qint64 jobId);
    std::optional<QList<SyncJob>> listForTenant(const QString &tenantId, int limit); // newest first
    // The admin's job list: newest first, each with SyncJob::serverNow set.
    std::optional<QList<SyncJob>> list(const JobFilter &filter);
    // Messages processed by finished jobs per day over the last `days` days, oldest first; tenantId
    // empty: every tenant.
    std::optional<QList<DailySyncCount>> dailyCounts(const QString &tenantId, int days);
    // The newest finished jobs' durations, oldest first.
    std::optional<QList<JobDuration>> recentDurations(const QString &tenantId, int limit);
    // Job starts of the tenant in the last minute (the start limit's measure).
    std::optional<int> startsLastMinute(const QString &tenantId);

    QString errorString() const { return m_status.message(); }
    bool isNotFound() const { return m_status.isNotFound(); }

private:
    bool fail(const QString &what, const QSqlQuery &q);

    std::optional<QList<SyncJob>> readJobs(QSqlQuery &q, const QString &what, bool withServerNow);

    QSqlDatabase m_db;
    RepositoryError m_status;
};

} // namespace db
