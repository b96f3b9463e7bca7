#include "db/JobRepository.h"

#include "db/SqlValues.h"

#include "db/Database.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QVariant>

namespace db {

namespace {

// Same order as readJob().
#define GSA_JOB_COLUMNS                                                                                      \
    "j.id, j.tenant_id, j.kind, j.status, j.params::text, j.checkpoint::text, j.force, j.attempts, "         \
    "j.run_after,"                                                                                           \
    " j.worker_id, j.heartbeat_at, j.phase, j.progress_total, j.messages_per_second, j.processed_count,"     \
    " j.inserted_count, j.updated_count, j.deleted_count, j.skipped_count, j.start_history_id,"              \
    " j.end_history_id, j.error_message, j.error_detail, j.created_at, j.started_at, j.finished_at,"         \
    " j.failed_count, to_json(j.in_flight_ids)::text"
constexpr int kJobColumnCount = 28;

SyncJob readJob(const QSqlQuery &q) {
    SyncJob j;
    j.id = q.value(0).toLongLong();
    j.tenantId = q.value(1).toString();
    // The CHECK constraint of sync_jobs.kind admits only the names parseKind knows.
    j.kind = jobs::parseKind(q.value(2).toString()).value_or(jobs::JobKind::Incremental);
    j.status = q.value(3).toString();
    j.params = sql::jsonObject(q.value(4));
    j.checkpoint = sql::jsonObject(q.value(5));
    j.force = q.value(6).toBool();
    j.attempts = q.value(7).toInt();
    j.runAfter = sql::dateTime(q.value(8));
    j.workerId = q.value(9).toString();
    j.heartbeatAt = sql::dateTime(q.value(10));
    j.phase = q.value(11).toString();
    j.progressTotal = sql::optionalInt(q.value(12));
    j.messagesPerSecond = q.value(13).toDouble();
    j.processed = q.value(14).toLongLong();
    j.inserted = q.value(15).toLongLong();
    j.updated = q.value(16).toLongLong();
    j.deleted = q.value(17).toLongLong();
    j.skipped = q.value(18).toLongLong();
    j.startHistoryId = sql::optionalInt(q.value(19));
    j.endHistoryId = sql::optionalInt(q.value(20));
    j.errorMessage = q.value(21).toString();
    j.errorDetail = q.value(22).toString();
    j.createdAt = sql::dateTime(q.value(23));
    j.startedAt = sql::dateTime(q.value(24));
    j.finishedAt = sql::dateTime(q.value(25));
    j.failed = q.value(26).toLongLong();
    j.inFlightIds = sql::stringArray(q.value(27));
    return j;
}

} // namespace

JobRepository::JobRepository(QSqlDatabase db)
    : m_db(std::move(db)) {}

bool JobRepository::fail(const QString &what, const QSqlQuery &q) {
    return m_status.sqlFailed(what, q.lastError());
}

std::optional<qint64> JobRepository::enqueue(const QString &tenantId, const jobs::JobParams &params,
                                             bool force) {
    m_status.clear();
    const QString kind = jobs::kindName(jobs::kindOf(params));
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("INSERT INTO sync_jobs (tenant_id, kind, params, force)"
                             " VALUES (:tenant, :kind, CAST(:params AS jsonb), :force) RETURNING id"));
    q.bindValue(QStringLiteral(":tenant"), tenantId);
    q.bindValue(QStringLiteral(":kind"), kind);
    q.bindValue(QStringLiteral(":params"), sql::jsonText(jobs::paramsToJson(params)));
    q.bindValue(QStringLiteral(":force"), force);
    if (!q.exec() || !q.next()) {
        fail(QStringLiteral("queuing a %1 sync for tenant %2").arg(kind, tenantId), q);
        return std::nullopt;
    }
    return q.value(0).toLongLong();
}

std::optional<JobRepository::Enqueued>
JobRepository::enqueueUnlessQueued(const QString &tenantId, const jobs::JobParams &params,
                                   const QList<jobs::JobKind> &coveredBy) {
    m_status.clear();
    const QString kind = jobs::kindName(jobs::kindOf(params));
    QStringList kinds;
    for (jobs::JobKind k : coveredBy)
        kinds.append(jobs::kindName(k));
    if (!m_db.transaction()) {
        m_status.sqlFailed(QStringLiteral("queuing a %1 sync for tenant %2").arg(kind, tenantId),
                           m_db.lastError());
        return std::nullopt;
    }
    const auto abort = [this](const QString &what, const QSqlQuery &q) {
        fail(what, q);
        m_db.rollback();
        return std::nullopt;
    };
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"));
    q.bindValue(QStringLiteral(":key"), QString(QStringLiteral("gsa.enqueue/") + tenantId));
    if (!q.exec())
        return abort(QStringLiteral("locking the job queue of tenant %1").arg(tenantId), q);
    q.prepare(QStringLiteral("SELECT id FROM sync_jobs WHERE tenant_id = :tenant AND status = 'queued'"
                             " AND kind = ANY (string_to_array(:kinds, ',')) ORDER BY id LIMIT 1"));
    q.bindValue(QStringLiteral(":tenant"), tenantId);
    q.bindValue(QStringLiteral(":kinds"), kinds.join(QLatin1Char(',')));
    if (!q.exec())
        return abort(QStringLiteral("reading the job queue of tenant %1").arg(tenantId), q);
    Enqueued result;
    if (q.next()) {
        result.jobId = q.value(0).toLongLong();
        result.coalesced = true;
    } else {
        const auto id = enqueue(tenantId, params, false);
        if (!id) {
            m_db.rollback();
            return std::nullopt;
        }
        result.jobId = *id;
    }
    if (!m_db.commit()) {
        m_status.sqlFailed(QStringLiteral("queuing a %1 sync for tenant %2").arg(kind, tenantId),
                           m_db.lastError());
        m_db.rollback();
        return std::nullopt;
    }
    return result;
}

bool JobRepository::recordSeenIds(qint64 jobId, const QStringList &gmailMessageIds) {
    m_status.clear();
    if (gmailMessageIds.isEmpty())
        return true;
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("INSERT INTO sync_job_seen_ids (job_id, gmail_message_id)"
                             " SELECT :job, unnest(CAST(:ids AS text[])) ON CONFLICT DO NOTHING"));
    q.bindValue(QStringLiteral(":job"), jobId);
    q.bindValue(QStringLiteral(":ids"), sql::arrayLiteral(gmailMessageIds));
    if (!q.exec())
        return fail(QStringLiteral("recording the listed messages of job %1").arg(jobId), q);
    return true;
}

bool JobRepository::forgetSeenIds(qint64 jobId) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("DELETE FROM sync_job_seen_ids WHERE job_id = :job"));
    q.bindValue(QStringLiteral(":job"), jobId);
    if (!q.exec())
        return fail(QStringLiteral("forgetting the listed messages of job %1").arg(jobId), q);
    return true;
}

bool JobRepository::claimNext(const ClaimOptions &options, std::optional<SyncJob> *job) {
    m_status.clear();
    job->reset();
    QSqlQuery q(m_db);
    // Runnable: queued and due, or running under a dead worker (stale heartbeat: resumed from its
    // checkpoint). Never a second job of a tenant whose sync is alive. The start limit counts job starts
    // of the tenant in the last minute; force jobs and resumptions ignore it; a limited job simply
    // stays queued. SKIP LOCKED: concurrent claimers pass over each other's candidate rows.
    q.prepare(QStringLiteral(
        "WITH c AS ("
        "  SELECT j.id, j.status = 'running' AS reclaimed FROM sync_jobs j"
        "  WHERE ((j.status = 'queued' AND j.run_after <= now())"
        "      OR (j.status = 'running' AND j.heartbeat_at < now() - make_interval(secs => :stale)))"
        "    AND (:anyJob OR j.id = :onlyJob)"
        "    AND NOT EXISTS (SELECT 1 FROM sync_jobs r WHERE r.tenant_id = j.tenant_id AND r.id <> j.id"
        "                    AND r.status = 'running' AND r.heartbeat_at >= now() - make_interval(secs => "
        ":stale2))"
        "    AND (j.force OR j.status = 'running' OR (SELECT count(*) FROM sync_jobs s WHERE s.tenant_id = "
        "j.tenant_id"
        "         AND s.started_at > now() - interval '1 minute') < :limit)"
        "  ORDER BY j.run_after, j.id"
        "  LIMIT 1 FOR UPDATE OF j SKIP LOCKED"
        ") UPDATE sync_jobs j SET status = 'running', worker_id = :worker, heartbeat_at = now(),"
        "    started_at = now(), finished_at = NULL,"
        // A job taken over from a dead worker counts an attempt: a job that kills its workers ends.
        "    attempts = j.attempts + CASE WHEN c.reclaimed THEN 1 ELSE 0 END"
        "  FROM c WHERE j.id = c.id RETURNING " GSA_JOB_COLUMNS ", c.reclaimed"));
    q.bindValue(QStringLiteral(":stale"), options.jobStaleAfterSeconds);
    q.bindValue(QStringLiteral(":stale2"), options.jobStaleAfterSeconds);
    q.bindValue(QStringLiteral(":anyJob"), !options.onlyJobId.has_value());
    q.bindValue(QStringLiteral(":onlyJob"), options.onlyJobId.value_or(0));
    q.bindValue(QStringLiteral(":limit"), options.startLimitPerMinute);
    q.bindValue(QStringLiteral(":worker"), options.workerId);
    if (!q.exec())
        return fail(QStringLiteral("claiming a sync job"), q);
    if (q.next()) {
        *job = readJob(q);
        (*job)->reclaimed = q.value(28).toBool();
    }
    return true;
}

bool JobRepository::release(qint64 jobId, const QString &workerId, int delaySeconds) {
    m_status.clear();
    QSqlQuery q(m_db);
    // started_at cleared: a start that did not happen does not count against the start limit.
    q.prepare(QStringLiteral("UPDATE sync_jobs SET status = 'queued', worker_id = NULL, heartbeat_at = NULL,"
                             " started_at = NULL, run_after = now() + make_interval(secs => :delay),"
                             " in_flight_ids = '{}'"
                             " WHERE id = :id AND worker_id = :worker AND status = 'running'"));
    q.bindValue(QStringLiteral(":delay"), delaySeconds);
    q.bindValue(QStringLiteral(":id"), jobId);
    q.bindValue(QStringLiteral(":worker"), workerId);
    if (!q.exec())
        return fail(QStringLiteral("releasing job %1").arg(jobId), q);
    return true;
}

bool JobRepository::heartbeat(qint64 jobId, const QString &workerId) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("UPDATE sync_jobs SET heartbeat_at = now()"
                             " WHERE id = :id AND worker_id = :worker AND status = 'running'"));
    q.bindValue(QStringLiteral(":id"), jobId);
    q.bindValue(QStringLiteral(":worker"), workerId);
    if (!q.exec())
        return fail(QStringLiteral("recording the heartbeat of job %1").arg(jobId), q);
    if (q.numRowsAffected() != 1) {
        return m_status.failed(
            QStringLiteral("job %1 is no longer held by this worker (cancelled or taken over)").arg(jobId));
    }
    return true;
}

bool JobRepository::progress(qint64 jobId, const QString &tenantId, const QString &phase, qint64 processed,
                             std::optional<qint64> total, double rate) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("UPDATE sync_jobs SET phase = :phase, progress_total = :total,"
                             " messages_per_second = :rate WHERE id = :id"));
    q.bindValue(QStringLiteral(":phase"), phase);
    q.bindValue(QStringLiteral(":total"), total ? QVariant(*total) : QVariant(QMetaType::fromType<qint64>()));
    q.bindValue(QStringLiteral(":rate"), rate);
    q.bindValue(QStringLiteral(":id"), jobId);
    if (!q.exec())
        return fail(QStringLiteral("recording progress of job %1").arg(jobId), q);
    const QJsonObject payload{{QStringLiteral("jobId"), jobId},
                              {QStringLiteral("tenantId"), tenantId},
                              {QStringLiteral("phase"), phase},
                              {QStringLiteral("processed"), processed},
                              {QStringLiteral("total"), total ? QJsonValue(*total) : QJsonValue()},
                              {QStringLiteral("rate"), qRound64(rate * 10) / 10.0}};
    QSqlQuery n(m_db);
    n.prepare(QStringLiteral("SELECT pg_notify('gsa_sync_progress', :payload)"));
    n.bindValue(QStringLiteral(":payload"), sql::jsonText(payload));
    if (!n.exec())
        return fail(QStringLiteral("notifying progress of job %1").arg(jobId), n);
    return true;
}

bool JobRepository::checkpoint(qint64 jobId, const QString &workerId, const QJsonObject &checkpoint,
                               const JobCounts &counts) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("UPDATE sync_jobs SET checkpoint = CAST(:cp AS jsonb), heartbeat_at = now(),"
                             " processed_count = processed_count + :p, inserted_count = inserted_count + :i,"
                             " updated_count = updated_count + :u, deleted_count = deleted_count + :d, "
                             "skipped_count = skipped_count + :s, failed_count = failed_count + :f"
                             " WHERE id = :id AND worker_id = :worker AND status = 'running'"));
    q.bindValue(QStringLiteral(":cp"), sql::jsonText(checkpoint));
    q.bindValue(QStringLiteral(":p"), counts.processed);
    q.bindValue(QStringLiteral(":i"), counts.inserted);
    q.bindValue(QStringLiteral(":u"), counts.updated);
    q.bindValue(QStringLiteral(":d"), counts.deleted);
    q.bindValue(QStringLiteral(":s"), counts.skipped);
    q.bindValue(QStringLiteral(":f"), counts.failed);
    q.bindValue(QStringLiteral(":id"), jobId);
    q.bindValue(QStringLiteral(":worker"), workerId);
    if (!q.exec())
        return fail(QStringLiteral("saving the checkpoint of job %1").arg(jobId), q);
    if (q.numRowsAffected() != 1) {
        return m_status.failed(
            QStringLiteral("job %1 is no longer held by this worker (cancelled or taken over)").arg(jobId));
    }
    return true;
}

bool JobRepository::setInFlight(qint64 jobId, const QString &workerId, const QStringList &gmailMessageIds) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("UPDATE sync_jobs SET in_flight_ids = CAST(:ids AS text[])"
                             " WHERE id = :id AND worker_id = :worker AND status = 'running'"));
    q.bindValue(QStringLiteral(":ids"), sql::arrayLiteral(gmailMessageIds));
    q.bindValue(QStringLiteral(":id"), jobId);
    q.bindValue(QStringLiteral(":worker"), workerId);
    if (!q.exec())
        return fail(QStringLiteral("recording the messages in flight of job %1").arg(jobId), q);
    if (q.numRowsAffected() != 1) {
        return m_status.failed(
            QStringLiteral("job %1 is no longer held by this worker (cancelled or taken over)").arg(jobId));
    }
    return true;
}

bool JobRepository::setHistoryIds(qint64 jobId, std::optional<qint64> start, std::optional<qint64> end) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("UPDATE sync_jobs SET start_history_id = coalesce(:start, start_history_id),"
                             " end_history_id = coalesce(:end, end_history_id) WHERE id = :id"));
    const QVariant nullLong(QMetaType::fromType<qint64>());
    q.bindValue(QStringLiteral(":start"), start ? QVariant(*start) : nullLong);
    q.bindValue(QStringLiteral(":end"), end ? QVariant(*end) : nullLong);
    q.bindValue(QStringLiteral(":id"), jobId);
    if (!q.exec())
        return fail(QStringLiteral("recording history ids of job %1").arg(jobId), q);
    return true;
}

bool JobRepository::note(qint64 jobId, const QString &line) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("UPDATE sync_jobs SET error_detail = concat_ws(chr(10), error_detail, "
                             "CAST(:line AS text)) WHERE id = :id"));
    q.bindValue(QStringLiteral(":line"), line);
    q.bindValue(QStringLiteral(":id"), jobId);
    if (!q.exec())
        return fail(QStringLiteral("annotating job %1").arg(jobId), q);
    return true;
}

bool JobRepository::succeed(qint64 jobId, const QString &workerId) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("UPDATE sync_jobs SET status = 'succeeded', phase = 'done', finished_at = now(),"
                             " heartbeat_at = now(), error_message = NULL, in_flight_ids = '{}'"
                             " WHERE id = :id AND worker_id = :worker AND status = 'running'"));
    q.bindValue(QStringLiteral(":id"), jobId);
    q.bindValue(QStringLiteral(":worker"), workerId);
    if (!q.exec())
        return fail(QStringLiteral("marking job %1 succeeded").arg(jobId), q);
    if (q.numRowsAffected() != 1) {
        return m_status.failed(
            QStringLiteral("job %1 is no longer held by this worker (cancelled or taken over)").arg(jobId));
    }
    return true;
}

bool JobRepository::failStep(qint64 jobId, const QString &workerId, const QString &message,
                             const QString &detail, bool permanent, int maxRetries, int backoffBaseSeconds,
                             bool *finalFailure) {
    m_status.clear();
    QSqlQuery q(m_db);
    // In SET, `attempts` is the value before this failure: the n-th retry waits base · 2^(n-1).
    q.prepare(QStringLiteral(
        "UPDATE sync_jobs SET attempts = attempts + 1,"
        " status = CASE WHEN :permanent OR attempts + 1 > :maxRetries THEN 'failed' ELSE 'queued' END,"
        " finished_at = CASE WHEN :permanent2 OR attempts + 1 > :maxRetries2 THEN now() END,"
        " run_after = now() + make_interval(secs => :base * power(2, least(attempts, 16))),"
        " worker_id = NULL, error_message = :message, error_detail = :detail, in_flight_ids = '{}'"
        " WHERE id = :id AND (worker_id = :worker OR worker_id IS NULL) AND status = 'running'"
        " RETURNING status"));
    q.bindValue(QStringLiteral(":permanent"), permanent);
    q.bindValue(QStringLiteral(":permanent2"), permanent);
    q.bindValue(QStringLiteral(":maxRetries"), maxRetries);
    q.bindValue(QStringLiteral(":maxRetries2"), maxRetries);
    q.bindValue(QStringLiteral(":base"), backoffBaseSeconds);
    q.bindValue(QStringLiteral(":message"), message);
    q.bindValue(QStringLiteral(":detail"),
                detail.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : detail);
    q.bindValue(QStringLiteral(":id"), jobId);
    q.bindValue(QStringLiteral(":worker"), workerId);
    if (!q.exec())
        return fail(QStringLiteral("recording the failure of job %1").arg(jobId), q);
    if (finalFailure)
        *finalFailure = q.next() && q.value(0).toString() == QLatin1String("failed");
    return true;
}

bool JobRepository::cancel(qint64 jobId) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("UPDATE sync_jobs SET status = 'cancelled', finished_at = now()"
                             " WHERE id = :id AND status IN ('queued', 'running')"));
    q.bindValue(QStringLiteral(":id"), jobId);
    if (!q.exec())
        return fail(QStringLiteral("cancelling job %1").arg(jobId), q);
    return true;
}

bool JobRepository::stillOwned(qint64 jobId, const QString &workerId, bool *owned) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral(
        "SELECT 1 FROM sync_jobs WHERE id = :id AND worker_id = :worker AND status = 'running'"));
    q.bindValue(QStringLiteral(":id"), jobId);
    q.bindValue(QStringLiteral(":worker"), workerId);
    if (!q.exec())
        return fail(QStringLiteral("reading job %1").arg(jobId), q);
    *owned = q.next();
    return true;
}

std::optional<SyncJob> JobRepository::find(qint64 jobId) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT " GSA_JOB_COLUMNS " FROM sync_jobs j WHERE j.id = :id"));
    q.bindValue(QStringLiteral(":id"), jobId);
    if (!q.exec()) {
        fail(QStringLiteral("reading job %1").arg(jobId), q);
        return std::nullopt;
    }
    if (!q.next()) {
        m_status.notFound(QStringLiteral("job %1 does not exist").arg(jobId));
        return std::nullopt;
    }
    return readJob(q);
}

std::optional<QList<SyncJob>> JobRepository::readJobs(QSqlQuery &q, const QString &what, bool withServerNow) {
    if (!q.exec()) {
        fail(what, q);
        return std::nullopt;
    }
    QList<SyncJob> out;
    while (q.next()) {
        out.append(readJob(q));
        if (withServerNow)
            out.last().serverNow = sql::dateTime(q.value(kJobColumnCount));
    }
    return out;
}

std::optional<QList<SyncJob>> JobRepository::listForTenant(const QString &tenantId, int limit) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT " GSA_JOB_COLUMNS " FROM sync_jobs j WHERE j.tenant_id = :tenant"
                             " ORDER BY j.created_at DESC, j.id DESC LIMIT :limit"));
    q.bindValue(QStringLiteral(":tenant"), tenantId);
    q.bindValue(QStringLiteral(":limit"), limit);
    return readJobs(q, QStringLiteral("listing jobs of tenant %1").arg(tenantId), false);
}

std::optional<QList<SyncJob>> JobRepository::list(const JobFilter &filter) {
    m_status.clear();
    QString sql = QStringLiteral("SELECT " GSA_JOB_COLUMNS ", now() FROM sync_jobs j WHERE true");
    if (!filter.tenantId.isEmpty())
        sql += QStringLiteral(" AND j.tenant_id = :tenant");
    if (!filter.status.isEmpty())
        sql += QStringLiteral(" AND j.status = :status");
    sql += QStringLiteral(" ORDER BY j.created_at DESC, j.id DESC LIMIT :limit");
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(sql);
    if (!filter.tenantId.isEmpty())
        q.bindValue(QStringLiteral(":tenant"), filter.tenantId);
    if (!filter.status.isEmpty())
        q.bindValue(QStringLiteral(":status"), filter.status);
    q.bindValue(QStringLiteral(":limit"), filter.limit);
    return readJobs(q, QStringLiteral("loading sync jobs"), true);
}

std::optional<QList<DailySyncCount>> JobRepository::dailyCounts(const QString &tenantId, int days) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(
        QStringLiteral(
            "SELECT (date_trunc('day', finished_at))::date, sum(processed_count), count(*) FROM sync_jobs"
            " WHERE finished_at >= now() - :days * interval '1 day' AND status IN ('succeeded', 'failed')") +
        (tenantId.isEmpty() ? QString() : QStringLiteral(" AND tenant_id = :tenant")) +
        QStringLiteral(" GROUP BY 1 ORDER BY 1"));
    q.bindValue(QStringLiteral(":days"), days);
    if (!tenantId.isEmpty())
        q.bindValue(QStringLiteral(":tenant"), tenantId);
    if (!q.exec()) {
        fail(QStringLiteral("loading the daily sync counts"), q);
        return std::nullopt;
    }
    QList<DailySyncCount> out;
    while (q.next())
        out.append({q.value(0).toDate(), q.value(1).toLongLong(), q.value(2).toInt()});
    return out;
}

std::optional<QList<JobDuration>> JobRepository::recentDurations(const QString &tenantId, int limit) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(
        QStringLiteral("SELECT id, kind, finished_at, extract(epoch FROM finished_at - started_at)::double "
                       "precision FROM sync_jobs WHERE finished_at IS NOT NULL AND started_at IS NOT NULL") +
        (tenantId.isEmpty() ? QString() : QStringLiteral(" AND tenant_id = :tenant")) +
        QStringLiteral(" ORDER BY finished_at DESC, id DESC LIMIT :limit"));
    if (!tenantId.isEmpty())
        q.bindValue(QStringLiteral(":tenant"), tenantId);
    q.bindValue(QStringLiteral(":limit"), limit);
    if (!q.exec()) {
        fail(QStringLiteral("loading job durations"), q);
        return std::nullopt;
    }
    QList<JobDuration> out;
    while (q.next())
        out.prepend({q.value(0).toLongLong(), q.value(1).toString(), sql::dateTime(q.value(2)),
                     q.value(3).toDouble()});
    return out;
}

std::optional<int> JobRepository::startsLastMinute(const QString &tenantId) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT count(*) FROM sync_jobs WHERE tenant_id = :tenant"
                             " AND started_at > now() - interval '1 minute'"));
    q.bindValue(QStringLiteral(":tenant"), tenantId);
    if (!q.exec() || !q.next()) {
        fail(QStringLiteral("counting job starts of tenant %1").arg(tenantId), q);
        return std::nullopt;
    }
    return q.value(0).toInt();
}

} // namespace db
