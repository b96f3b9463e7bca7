#include "TenantRepository.h"

#include "db/SqlValues.h"

#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QVariant>

namespace db {

namespace {

const QString kColumns = QStringLiteral(
    "t.id, t.display_name, t.gmail_address, t.gmail_history_id, t.sync_locked_by, t.sync_locked_at, "
    "t.sync_heartbeat_at, t.last_sync_at, t.watch_topic, t.watch_expires_at, t.created_at, t.updated_at");
constexpr int kColumnCount = 12;

// Reads kColumns starting at `first`.
Tenant readTenant(const QSqlQuery &q, int first = 0) {
    Tenant t;
    t.id = q.value(first + 0).toString();
    t.displayName = q.value(first + 1).toString();
    t.gmailAddress = q.value(first + 2).toString();
    t.historyId = sql::optionalInt(q.value(first + 3));
    t.syncLockedBy = q.value(first + 4).toString();
    t.syncLockedAt = sql::dateTime(q.value(first + 5));
    t.syncHeartbeatAt = sql::dateTime(q.value(first + 6));
    t.lastSyncAt = sql::dateTime(q.value(first + 7));
    t.watchTopic = q.value(first + 8).toString();
    t.watchExpiresAt = sql::dateTime(q.value(first + 9));
    t.createdAt = sql::dateTime(q.value(first + 10));
    t.updatedAt = sql::dateTime(q.value(first + 11));
    return t;
}

// The tenant overview: kColumns, then what readOverview() reads after them. Each LATERAL picks one job
// through sync_jobs_tenant_idx / sync_jobs_running_idx; the email count comes from
// tenant_email_counts (migration 0005), never from count(*) over emails; the failed items from
// message_failures through its primary key (tenant_id first).
const QString kOverviewExtras = QStringLiteral(
    ", i.status, i.status_reason, i.auth_type, coalesce(c.email_count, 0),"
    " t.sync_locked_by IS NOT NULL AND t.sync_heartbeat_at >= now() - "
    "   make_interval(secs => CAST(:stale AS double precision)),"
    " CAST(extract(epoch FROM now() - t.sync_locked_at) AS bigint), f.total, f.permanent,"
    " r.id, r.phase, r.processed_count, r.progress_total, r.messages_per_second,"
    " (SELECT count(*) FROM sync_jobs qj WHERE qj.tenant_id = t.id AND qj.status = 'queued'),"
    " l.status, l.error_message, l.finished_at, now()"
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
    " ORDER BY t.id");

TenantOverview readOverview(const QSqlQuery &q) {
    TenantOverview o;
    static_cast<Tenant &>(o) = readTenant(q);
    constexpr int n = kColumnCount;
    o.integrationStatus = q.value(n).toString();
    o.integrationReason = q.value(n + 1).toString();
    o.authType = q.value(n + 2).toString();
    o.emailCount = q.value(n + 3).toLongLong();
    o.syncInProgress = q.value(n + 4).toBool();
    o.lockAgeSeconds = sql::optionalInt(q.value(n + 5)).value_or(-1);
    o.failedItems = q.value(n + 6).toLongLong();
    o.failedPermanent = q.value(n + 7).toLongLong();
    o.runningJobId = q.value(n + 8).toLongLong();
    o.runningPhase = q.value(n + 9).toString();
    o.processed = q.value(n + 10).toLongLong();
    o.total = sql::optionalInt(q.value(n + 11));
    o.rate = q.value(n + 12).toDouble();
    o.queuedJobs = q.value(n + 13).toInt();
    o.lastJobStatus = q.value(n + 14).toString();
    o.lastJobError = q.value(n + 15).toString();
    o.lastJobFinishedAt = sql::dateTime(q.value(n + 16));
    o.serverNow = sql::dateTime(q.value(n + 17));
    return o;
}

} // namespace

TenantRepository::TenantRepository(QSqlDatabase db)
    : m_db(std::move(db)) {}

bool TenantRepository::isValidId(const QString &id) {
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"));
    return pattern.match(id).hasMatch();
}

bool TenantRepository::isValidAddress(const QString &address) {
    static const QRegularExpression pattern(QStringLiteral("^[^@\\s]+@[^@\\s]+$"));
    return address.size() <= 320 && pattern.match(address).hasMatch();
}

bool TenantRepository::validate(const Tenant &tenant, QString *error) {
    if (!isValidId(tenant.id)) {
        *error = QStringLiteral("invalid tenant id \"%1\": use 1-64 letters, digits, '.', '_' or '-', "
                                "starting with a letter or digit")
                     .arg(tenant.id);
        return false;
    }
    if (!isValidAddress(tenant.gmailAddress.trimmed())) {
        *error = QStringLiteral("invalid Gmail address \"%1\": expected name@domain")
                     .arg(tenant.gmailAddress.trimmed());
        return false;
    }
    return true;
}

bool TenantRepository::exec(QSqlQuery &query, const QString &what) {
    if (query.exec())
        return true;
    return m_status.sqlFailed(what, query.lastError());
}

bool TenantRepository::add(const Tenant &tenant) {
    m_status.clear();
    QString invalid;
    if (!validate(tenant, &invalid))
        return m_status.failed(invalid);
    const QString address = tenant.gmailAddress.trimmed();

    QSqlQuery q(m_db);
    q.prepare(QStringLiteral(
        "INSERT INTO tenants (id, display_name, gmail_address) VALUES (:id, coalesce(:name, ''), :address)"));
    q.bindValue(QStringLiteral(":id"), tenant.id);
    q.bindValue(QStringLiteral(":name"), tenant.displayName.trimmed());
    q.bindValue(QStringLiteral(":address"), address);
    if (q.exec())
        return true;

    // 23505 unique_violation (PostgreSQL Appendix A); the constraint name tells which key.
    const QSqlError error = q.lastError();
    if (error.nativeErrorCode() == QLatin1String("23505")) {
        if (error.databaseText().contains(QLatin1String("tenants_pkey")))
            return m_status.failed(QStringLiteral("tenant \"%1\" already exists").arg(tenant.id));
        if (error.databaseText().contains(QLatin1String("tenants_gmail_address_lower_key"))) {
            const std::optional<Tenant> owner = findByAddress(address);
            return m_status.failed(
                owner ? QStringLiteral("address %1 is already used by tenant \"%2\"").arg(address, owner->id)
                      : QStringLiteral("address %1 is already used by another tenant").arg(address));
        }
    }
    return m_status.sqlFailed(QStringLiteral("adding tenant \"%1\"").arg(tenant.id), error);
}

bool TenantRepository::remove(const QString &tenantId) {
    return updateOne(QStringLiteral("DELETE FROM tenants WHERE id = :id"), tenantId, {},
                     QStringLiteral("removing tenant \"%1\"").arg(tenantId));
}

std::optional<QList<Tenant>> TenantRepository::list() {
    m_status.clear();
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM tenants t ORDER BY t.id"));
    if (!exec(q, QStringLiteral("listing tenants")))
        return std::nullopt;
    QList<Tenant> result;
    while (q.next())
        result.append(readTenant(q));
    return result;
}

std::optional<Tenant> TenantRepository::findBy(const QString &condition, const QString &value,
                                               const QString &missing) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM tenants t WHERE ") + condition);
    q.bindValue(QStringLiteral(":value"), value);
    if (!exec(q, QStringLiteral("reading tenant")))
        return std::nullopt;
    if (!q.next()) {
        m_status.notFound(missing);
        return std::nullopt;
    }
    return readTenant(q);
}

std::optional<Tenant> TenantRepository::find(const QString &tenantId) {
    return findBy(QStringLiteral("t.id = :value"), tenantId,
                  QStringLiteral("no tenant \"%1\"").arg(tenantId));
}

std::optional<Tenant> TenantRepository::findByAddress(const QString &gmailAddress) {
    // Uses the unique index on lower(gmail_address).
    return findBy(QStringLiteral("lower(t.gmail_address) = lower(:value)"), gmailAddress.trimmed(),
                  QStringLiteral("no tenant with address %1").arg(gmailAddress));
}

std::optional<QList<TenantOverview>> TenantRepository::overviews(int staleAfterSeconds) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT ") + kColumns + kOverviewExtras);
    q.bindValue(QStringLiteral(":stale"), staleAfterSeconds);
    if (!exec(q, QStringLiteral("loading tenants")))
        return std::nullopt;
    QList<TenantOverview> result;
    while (q.next())
        result.append(readOverview(q));
    return result;
}

bool TenantRepository::updateOne(const QString &sql, const QString &tenantId,
                                 const QList<QPair<QString, QVariant>> &values, const QString &what) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.prepare(sql);
    q.bindValue(QStringLiteral(":id"), tenantId);
    for (const auto &[name, value] : values)
        q.bindValue(name, value);
    if (!exec(q, what))
        return false;
    if (q.numRowsAffected() == 0)
        return m_status.notFound(QStringLiteral("no tenant \"%1\"").arg(tenantId));
    return true;
}

bool TenantRepository::setHistoryId(const QString &tenantId, qint64 historyId) {
    return updateOne(QStringLiteral("UPDATE tenants SET gmail_history_id = :history WHERE id = :id"),
                     tenantId, {{QStringLiteral(":history"), historyId}},
                     QStringLiteral("saving the history id of tenant \"%1\"").arg(tenantId));
}

bool TenantRepository::recordSuccessfulSync(const QString &tenantId, qint64 historyId) {
    return updateOne(
        QStringLiteral("UPDATE tenants SET gmail_history_id = :history, last_sync_at = now() WHERE id = :id"),
        tenantId, {{QStringLiteral(":history"), historyId}},
        QStringLiteral("recording the sync of tenant \"%1\"").arg(tenantId));
}

bool TenantRepository::setWatch(const QString &tenantId, const QString &topic, const QDateTime &expiresAt) {
    return updateOne(
        QStringLiteral("UPDATE tenants SET watch_topic = :topic, watch_expires_at = :expires WHERE id = :id"),
        tenantId,
        {{QStringLiteral(":topic"), sql::nullableText(topic)},
         {QStringLiteral(":expires"),
          topic.isEmpty() ? sql::nullableDateTime({}) : sql::nullableDateTime(expiresAt)}},
        QStringLiteral("saving the watch of tenant \"%1\"").arg(tenantId));
}

std::optional<LeaseResult> TenantRepository::tryAcquireLease(const QString &tenantId, const QString &holder,
                                                             int staleAfterSeconds) {
    m_status.clear();
    if (holder.isEmpty()) {
        m_status.failed(QStringLiteral("a lease holder name is required"));
        return std::nullopt;
    }
    // A lease released between our UPDATE and the SELECT that reports its holder is simply retried.
    for (int attempt = 0; attempt < 3; ++attempt) {
        // The CTE locks the row (FOR UPDATE): a concurrent caller waits, then re-reads the new holder
        // under READ COMMITTED and finds the lease taken (PostgreSQL docs §13.2.1).
        QSqlQuery q(m_db);
        q.prepare(QStringLiteral(
            "WITH args AS (SELECT CAST(:id AS text) AS id, CAST(:holder AS text) AS holder,"
            "                     make_interval(secs => CAST(:stale AS double precision)) AS stale),"
            "     prev AS (SELECT t.id, t.sync_locked_by, t.sync_locked_at, t.sync_heartbeat_at"
            "              FROM tenants t, args WHERE t.id = args.id FOR UPDATE OF t)"
            " UPDATE tenants t SET sync_locked_by = args.holder,"
            "   sync_locked_at = CASE WHEN prev.sync_locked_by = args.holder THEN prev.sync_locked_at ELSE "
            "now() END,"
            "   sync_heartbeat_at = now()"
            " FROM prev, args"
            " WHERE t.id = prev.id AND (prev.sync_locked_by IS NULL OR prev.sync_locked_by = args.holder"
            "   OR prev.sync_heartbeat_at IS NULL OR prev.sync_heartbeat_at < now() - args.stale)"
            " RETURNING t.sync_locked_at, t.sync_heartbeat_at, prev.sync_locked_by, prev.sync_heartbeat_at"));
        q.bindValue(QStringLiteral(":id"), tenantId);
        q.bindValue(QStringLiteral(":holder"), holder);
        q.bindValue(QStringLiteral(":stale"), staleAfterSeconds);
        if (!exec(q, QStringLiteral("taking the sync lease of tenant \"%1\"").arg(tenantId)))
            return std::nullopt;
        if (q.next()) {
            LeaseResult r;
            r.acquired = true;
            r.heldBy = holder;
            r.heldSince = sql::dateTime(q.value(0));
            r.heartbeatAt = sql::dateTime(q.value(1));
            const QString previous = q.value(2).toString();
            if (!previous.isEmpty() && previous != holder) {
                r.previousHolder = previous;
                r.previousHeartbeatAt = sql::dateTime(q.value(3));
            }
            return r;
        }
        const std::optional<Tenant> current = find(tenantId);
        if (!current)
            return std::nullopt;
        if (current->syncLockedBy.isEmpty())
            continue;
        LeaseResult r;
        r.heldBy = current->syncLockedBy;
        r.heldSince = current->syncLockedAt;
        r.heartbeatAt = current->syncHeartbeatAt;
        return r;
    }
    m_status.failed(QStringLiteral("the sync lease of tenant \"%1\" is changing hands too fast; try again")
                        .arg(tenantId));
    return std::nullopt;
}

bool TenantRepository::heartbeatLease(const QString &tenantId, const QString &holder) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral(
        "UPDATE tenants SET sync_heartbeat_at = now() WHERE id = :id AND sync_locked_by = :holder"));
    q.bindValue(QStringLiteral(":id"), tenantId);
    q.bindValue(QStringLiteral(":holder"), holder);
    if (!exec(q, QStringLiteral("renewing the sync lease of tenant \"%1\"").arg(tenantId)))
        return false;
    if (q.numRowsAffected() == 1)
        return true;
    const std::optional<Tenant> current = find(tenantId);
    if (!current)
        return false;
    return m_status.failed(
        current->syncLockedBy.isEmpty()
            ? QStringLiteral("the sync lease of tenant \"%1\" was released (unlocked)").arg(tenantId)
            : QStringLiteral("the sync lease of tenant \"%1\" is now held by %2")
                  .arg(tenantId, current->syncLockedBy));
}

bool TenantRepository::releaseLease(const QString &tenantId, const QString &holder) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral(
        "UPDATE tenants SET sync_locked_by = NULL, sync_locked_at = NULL, sync_heartbeat_at = NULL"
        " WHERE id = :id AND sync_locked_by = :holder"));
    q.bindValue(QStringLiteral(":id"), tenantId);
    q.bindValue(QStringLiteral(":holder"), holder);
    if (!exec(q, QStringLiteral("releasing the sync lease of tenant \"%1\"").arg(tenantId)))
        return false;
    if (q.numRowsAffected() == 1)
        return true;
    const std::optional<Tenant> current = find(tenantId);
    if (!current)
        return false;
    return m_status.failed(
        QStringLiteral("the sync lease of tenant \"%1\" is not held by %2").arg(tenantId, holder));
}

std::optional<UnlockResult> TenantRepository::forceUnlock(const QString &tenantId) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral(
        "WITH prev AS (SELECT id, sync_locked_by, sync_locked_at, sync_heartbeat_at FROM tenants"
        "              WHERE id = :id FOR UPDATE)"
        " UPDATE tenants t SET sync_locked_by = NULL, sync_locked_at = NULL, sync_heartbeat_at = NULL"
        " FROM prev WHERE t.id = prev.id"
        " RETURNING prev.sync_locked_by, prev.sync_locked_at, prev.sync_heartbeat_at"));
    q.bindValue(QStringLiteral(":id"), tenantId);
    if (!exec(q, QStringLiteral("unlocking tenant \"%1\"").arg(tenantId)))
        return std::nullopt;
    if (!q.next()) {
        m_status.notFound(QStringLiteral("no tenant \"%1\"").arg(tenantId));
        return std::nullopt;
    }
    UnlockResult r;
    r.previousHolder = q.value(0).toString();
    r.wasLocked = !r.previousHolder.isEmpty();
    r.lockedSince = sql::dateTime(q.value(1));
    r.heartbeatAt = sql::dateTime(q.value(2));
    return r;
}

std::optional<bool> TenantRepository::unlockIfHeldBy(const QString &tenantId, const QString &holder) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("UPDATE tenants SET sync_locked_by = NULL, sync_locked_at = NULL,"
                             " sync_heartbeat_at = NULL WHERE id = :tenant AND sync_locked_by = :holder"));
    q.bindValue(QStringLiteral(":tenant"), tenantId);
    q.bindValue(QStringLiteral(":holder"), holder);
    if (!exec(q, QStringLiteral("clearing the sync lock of tenant %1").arg(tenantId)))
        return std::nullopt;
    return q.numRowsAffected() > 0;
}

} // namespace db
