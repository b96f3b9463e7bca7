#include "AdminQueries.h"

#include "db/Database.h"

#include <QAtomicInt>
#include <QSqlError>
#include <QSqlQuery>

namespace db {

namespace {

std::optional<qint64> optionalInt(const QVariant &v) {
    if (v.isNull())
        return std::nullopt;
    return v.toLongLong();
}

} // namespace

AdminQueries::AdminQueries(QSqlDatabase db)
    : m_db(std::move(db)) {}

bool AdminQueries::fail(const QString &what, const QString &detail) {
    m_error = QStringLiteral("%1 failed: %2").arg(what, detail);
    return false;
}

std::optional<QList<TenantOverview>> AdminQueries::tenants() {
    m_error.clear();
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    // Each LATERAL picks one job through sync_jobs_tenant_idx / sync_jobs_running_idx; the email count
    // comes from tenant_email_counts (migration 0005), never from count(*) over emails; the failed items
    // from message_failures through its primary key (tenant_id first).
    q.prepare(QStringLiteral(
        "SELECT t.id, t.display_name, t.gmail_address, t.sync_locked_by, t.sync_locked_at, "
        "t.sync_heartbeat_at,"
        " t.last_sync_at, t.watch_expires_at, i.status, i.status_reason, i.auth_type,"
        " coalesce(c.email_count, 0), r.id, r.phase, r.processed_count, r.progress_total, "
        "r.messages_per_second,"
        " (SELECT count(*) FROM sync_jobs qj WHERE qj.tenant_id = t.id AND qj.status = 'queued'),"
        " l.status, l.error_message, l.finished_at, now(), f.total, f.permanent"
        " FROM tenants t"
        " LEFT JOIN integrations i ON i.tenant_id = t.id AND i.source = 'gmail'"
        " LEFT JOIN tenant_email_counts c ON c.tenant_id = t.id"
        " LEFT JOIN LATERAL (SELECT j.id, j.phase, j.processed_count, j.progress_total, j.messages_per_second"
        "   FROM sync_jobs j WHERE j.tenant_id = t.id AND j.status = 'running'"
        "   ORDER BY j.started_at DESC NULLS LAST, j.id DESC LIMIT 1) r ON true"
        " LEFT JOIN LATERAL (SELECT j.status, j.error_message, j.finished_at"
        "   FROM sync_jobs j WHERE j.tenant_id = t.id AND j.status IN ('succeeded', 'failed', 'cancelled')"
        "   ORDER BY j.finished_at DESC NULLS LAST, j.id DESC LIMIT 1) l ON true"
        " LEFT JOIN LATERAL (SELECT count(*) AS total, count(*) FILTER (WHERE mf.permanent) AS permanent"
        "   FROM message_failures mf WHERE mf.tenant_id = t.id) f ON true"
        " ORDER BY t.id"));
    if (!q.exec()) {
        fail(QStringLiteral("loading tenants"), Database::describeError(q.lastError()));
        return std::nullopt;
    }
    QList<TenantOverview> out;
    while (q.next()) {
        TenantOverview t;
        t.id = q.value(0).toString();
        t.displayName = q.value(1).toString();
        t.gmailAddress = q.value(2).toString();
        t.lockedBy = q.value(3).toString();
        t.lockedAt = q.value(4).toDateTime();
        t.heartbeatAt = q.value(5).toDateTime();
        t.lastSyncAt = q.value(6).toDateTime();
        t.watchExpiresAt = q.value(7).toDateTime();
        t.integrationStatus = q.value(8).toString();
        t.integrationReason = q.value(9).toString();
        t.authType = q.value(10).toString();
        t.emailCount = q.value(11).toLongLong();
        t.runningJobId = q.value(12).toLongLong();
        t.runningPhase = q.value(13).toString();
        t.processed = q.value(14).toLongLong();
        t.total = optionalInt(q.value(15));
        t.rate = q.value(16).toDouble();
        t.queuedJobs = q.value(17).toInt();
        t.lastJobStatus = q.value(18).toString();
        t.lastJobError = q.value(19).toString();
        t.lastJobFinishedAt = q.value(20).toDateTime();
        t.serverNow = q.value(21).toDateTime();
        t.failedItems = q.value(22).toLongLong();
        t.failedPermanent = q.value(23).toLongLong();
        out.append(t);
    }
    return out;
}

std::optional<QList<JobRecord>> AdminQueries::jobs(const JobFilter &filter) {
    m_error.clear();
    QString sql = QStringLiteral(
        "SELECT id, tenant_id, kind, status, phase, force, attempts, worker_id, created_at, started_at,"
        " finished_at, heartbeat_at, processed_count, inserted_count, updated_count, deleted_count,"
        " skipped_count, progress_total, messages_per_second, start_history_id, end_history_id, "
        "error_message,"
        " error_detail, params::text, checkpoint::text, now(), failed_count FROM sync_jobs WHERE true");
    if (!filter.tenantId.isEmpty())
        sql += QStringLiteral(" AND tenant_id = :tenant");
    if (!filter.status.isEmpty())
        sql += QStringLiteral(" AND status = :status");
    sql += QStringLiteral(" ORDER BY created_at DESC, id DESC LIMIT :limit");
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(sql);
    if (!filter.tenantId.isEmpty())
        q.bindValue(QStringLiteral(":tenant"), filter.tenantId);
    if (!filter.status.isEmpty())
        q.bindValue(QStringLiteral(":status"), filter.status);
    q.bindValue(QStringLiteral(":limit"), filter.limit);
    if (!q.exec()) {
        fail(QStringLiteral("loading sync jobs"), Database::describeError(q.lastError()));
        return std::nullopt;
    }
    QList<JobRecord> out;
    while (q.next()) {
        JobRecord j;
        j.id = q.value(0).toLongLong();
        j.tenantId = q.value(1).toString();
        j.kind = q.value(2).toString();
        j.status = q.value(3).toString();
        j.phase = q.value(4).toString();
        j.force = q.value(5).toBool();
        j.attempts = q.value(6).toInt();
        j.workerId = q.value(7).toString();
        j.createdAt = q.value(8).toDateTime();
        j.startedAt = q.value(9).toDateTime();
        j.finishedAt = q.value(10).toDateTime();
        j.heartbeatAt = q.value(11).toDateTime();
        j.processed = q.value(12).toLongLong();
        j.inserted = q.value(13).toLongLong();
        j.updated = q.value(14).toLongLong();
        j.deleted = q.value(15).toLongLong();
        j.skipped = q.value(16).toLongLong();
        j.total = optionalInt(q.value(17));
        j.rate = q.value(18).toDouble();
        j.startHistoryId = optionalInt(q.value(19));
        j.endHistoryId = optionalInt(q.value(20));
        j.errorMessage = q.value(21).toString();
        j.errorDetail = q.value(22).toString();
        j.paramsJson = q.value(23).toString().toUtf8();
        j.checkpointJson = q.value(24).toString().toUtf8();
        j.serverNow = q.value(25).toDateTime();
        j.failed = q.value(26).toLongLong();
        out.append(j);
    }
    return out;
}

std::optional<QList<DailySyncCount>> AdminQueries::dailyCounts(const QString &tenantId, int days) {
    m_error.clear();
    QString sql = QStringLiteral(
        "SELECT (date_trunc('day', finished_at))::date, sum(processed_count), count(*) FROM sync_jobs"
        " WHERE finished_at >= now() - :days * interval '1 day' AND status IN ('succeeded', 'failed')");
    if (!tenantId.isEmpty())
        sql += QStringLiteral(" AND tenant_id = :tenant");
    sql += QStringLiteral(" GROUP BY 1 ORDER BY 1");
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(sql);
    q.bindValue(QStringLiteral(":days"), days);
    if (!tenantId.isEmpty())
        q.bindValue(QStringLiteral(":tenant"), tenantId);
    if (!q.exec()) {
        fail(QStringLiteral("loading the daily sync counts"), Database::describeError(q.lastError()));
        return std::nullopt;
    }
    QList<DailySyncCount> out;
    while (q.next())
        out.append({q.value(0).toDate(), q.value(1).toLongLong(), q.value(2).toInt()});
    return out;
}

std::optional<QList<JobDuration>> AdminQueries::recentDurations(const QString &tenantId, int limit) {
    m_error.clear();
    QString sql = QStringLiteral(
        "SELECT id, kind, finished_at, extract(epoch FROM finished_at - started_at)::double precision"
        " FROM sync_jobs WHERE finished_at IS NOT NULL AND started_at IS NOT NULL");
    if (!tenantId.isEmpty())
        sql += QStringLiteral(" AND tenant_id = :tenant");
    sql += QStringLiteral(" ORDER BY finished_at DESC, id DESC LIMIT :limit");
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(sql);
    if (!tenantId.isEmpty())
        q.bindValue(QStringLiteral(":tenant"), tenantId);
    q.bindValue(QStringLiteral(":limit"), limit);
    if (!q.exec()) {
        fail(QStringLiteral("loading job durations"), Database::describeError(q.lastError()));
        return std::nullopt;
    }
    QList<JobDuration> out;
    while (q.next())
        out.prepend(
            {q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toDateTime(), q.value(3).toDouble()});
    return out;
}

std::optional<QString> AdminQueries::probe(const ConnectionSettings &settings, QString *error) {
    static QAtomicInt counter;
    const QString name = QStringLiteral("gsa-probe-%1").arg(counter.fetchAndAddRelaxed(1));
    std::optional<QString> version;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setHostName(settings.host);
        db.setPort(settings.port);
        db.setUserName(settings.user);
        db.setPassword(settings.password);
        db.setDatabaseName(settings.database);
        // A dialog waits for the answer: the defaults give up after 5 s unless the URL says otherwise.
        db.setConnectOptions(settings.connectOptions());
        if (!db.open()) {
            if (error)
                *error = QStringLiteral("cannot connect to %1: %2")
                             .arg(settings.redactedUrl(), Database::describeError(db.lastError()));
        } else {
            QSqlQuery q(db);
            if (q.exec(QStringLiteral("SELECT current_setting('server_version')")) && q.next())
                version = q.value(0).toString();
            else if (error)
                *error = QStringLiteral("connected to %1, but asking the server version failed: %2")
                             .arg(settings.redactedUrl(), Database::describeError(q.lastError()));
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return version;
}

} // namespace db
