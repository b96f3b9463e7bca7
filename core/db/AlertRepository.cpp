#include "db/AlertRepository.h"

#include "db/SqlValues.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <QVariant>

namespace db {

namespace {

#define GSA_ALERT_COLUMNS                                                                                    \
    "id, tenant_id, condition, message, raised_at, resolved_at, delivered_at, attempts, "                    \
    "coalesce(last_error, '')"

Alert readAlert(const QSqlQuery &q) {
    const auto utc = [](const QVariant &v) {
        const QDateTime dt = v.toDateTime();
        return dt.isValid() ? dt.toUTC() : QDateTime();
    };
    return Alert{q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(),
                 q.value(3).toString(),   utc(q.value(4)),       utc(q.value(5)),
                 utc(q.value(6)),         q.value(7).toInt(),    q.value(8).toString()};
}

} // namespace

AlertRepository::AlertRepository(QSqlDatabase db)
    : m_db(std::move(db)) {}

bool AlertRepository::fail(const QString &what, const QSqlQuery &q) {
    return m_status.sqlFailed(what, q.lastError());
}

std::optional<QHash<QString, QString>>
AlertRepository::tenantMessages(const QString &sql, const QString &what, const QVariant &bound) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(sql);
    if (bound.isValid())
        q.bindValue(QStringLiteral(":n"), bound);
    if (!q.exec()) {
        fail(what, q);
        return std::nullopt;
    }
    QHash<QString, QString> out;
    while (q.next())
        out.insert(q.value(0).toString(), q.value(1).toString());
    return out;
}

std::optional<QHash<QString, QString>> AlertRepository::failedJobs() {
    // A failure alerts until a later job of the tenant succeeds.
    return tenantMessages(
        QStringLiteral(
            "SELECT tenant_id, message FROM (SELECT DISTINCT ON (tenant_id) tenant_id, status,"
            " 'sync job ' || id || ' (' || kind || ') failed: ' || coalesce(error_message, 'no reason"
            " recorded') AS message FROM sync_jobs WHERE status IN ('succeeded', 'failed')"
            " ORDER BY tenant_id, finished_at DESC NULLS LAST, id DESC) newest WHERE status = 'failed'"),
        QStringLiteral("finding failed jobs"));
}

std::optional<QHash<QString, QString>> AlertRepository::needsReauth() {
    return tenantMessages(
        QStringLiteral("SELECT tenant_id, 'the Gmail integration needs to be connected again: '"
                       " || coalesce(status_reason, 'access was refused')"
                       " FROM integrations WHERE status = 'needs_reauth'"),
        QStringLiteral("finding integrations that need re-authorization"));
}

std::optional<QHash<QString, QString>> AlertRepository::lapsedWatches() {
    return tenantMessages(
        QStringLiteral("SELECT id, 'the Gmail push watch lapsed at ' || to_char(watch_expires_at"
                       " AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC: push notifications"
                       " stopped' FROM tenants WHERE watch_topic IS NOT NULL AND"
                       " watch_expires_at < now()"),
        QStringLiteral("finding lapsed watches"));
}

std::optional<QHash<QString, QString>> AlertRepository::failedItems(int over) {
    return tenantMessages(QStringLiteral("SELECT tenant_id, count(*) || ' messages are recorded as failed'"
                                         " FROM message_failures GROUP BY tenant_id HAVING count(*) > :n"),
                          QStringLiteral("counting failed items"), over);
}

std::optional<int> AlertRepository::reconcile(const QString &condition,
                                              const QHash<QString, QString> &holding) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.prepare(
        QStringLiteral("UPDATE alerts SET resolved_at = now() WHERE condition = :c AND resolved_at IS NULL"
                       " AND NOT (tenant_id = ANY (CAST(:tenants AS text[])))"));
    q.bindValue(QStringLiteral(":c"), condition);
    q.bindValue(QStringLiteral(":tenants"), sql::arrayLiteral(holding.keys()));
    if (!q.exec()) {
        fail(QStringLiteral("resolving %1 alerts").arg(condition), q);
        return std::nullopt;
    }
    int raised = 0;
    q.prepare(QStringLiteral("INSERT INTO alerts (tenant_id, condition, message) VALUES (:t, :c, :m)"
                             " ON CONFLICT (tenant_id, condition) WHERE resolved_at IS NULL DO NOTHING"));
    for (auto it = holding.cbegin(); it != holding.cend(); ++it) {
        q.bindValue(QStringLiteral(":t"), it.key());
        q.bindValue(QStringLiteral(":c"), condition);
        q.bindValue(QStringLiteral(":m"), it.value());
        if (!q.exec()) {
            fail(QStringLiteral("raising a %1 alert").arg(condition), q);
            return std::nullopt;
        }
        raised += q.numRowsAffected() > 0 ? 1 : 0;
    }
    return raised;
}

std::optional<QList<Alert>> AlertRepository::claimDue(int limit) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral(
        "UPDATE alerts SET attempts = attempts + 1, next_attempt_at = now() + interval '5 minutes'"
        " WHERE id IN (SELECT id FROM alerts WHERE delivered_at IS NULL AND next_attempt_at <= now()"
        " ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED) RETURNING " GSA_ALERT_COLUMNS));
    q.bindValue(QStringLiteral(":limit"), limit);
    if (!q.exec()) {
        fail(QStringLiteral("claiming alerts to deliver"), q);
        return std::nullopt;
    }
    QList<Alert> out;
    while (q.next())
        out.append(readAlert(q));
    return out;
}

bool AlertRepository::markDelivered(qint64 id) {
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("UPDATE alerts SET delivered_at = now(), last_error = NULL WHERE id = :id"));
    q.bindValue(QStringLiteral(":id"), id);
    return q.exec() || fail(QStringLiteral("marking alert %1 delivered").arg(id), q);
}

bool AlertRepository::markFailed(qint64 id, const QString &error, int retryInSeconds) {
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("UPDATE alerts SET last_error = :e,"
                             " next_attempt_at = now() + make_interval(secs => :s) WHERE id = :id"));
    q.bindValue(QStringLiteral(":e"), error);
    q.bindValue(QStringLiteral(":s"), retryInSeconds);
    q.bindValue(QStringLiteral(":id"), id);
    return q.exec() || fail(QStringLiteral("recording the failed delivery of alert %1").arg(id), q);
}

std::optional<QList<Alert>> AlertRepository::list(bool includeResolved, int limit) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT " GSA_ALERT_COLUMNS " FROM alerts WHERE (:all OR resolved_at IS NULL)"
                             " ORDER BY raised_at DESC, id DESC LIMIT :limit"));
    q.bindValue(QStringLiteral(":all"), includeResolved);
    q.bindValue(QStringLiteral(":limit"), limit);
    if (!q.exec()) {
        fail(QStringLiteral("listing alerts"), q);
        return std::nullopt;
    }
    QList<Alert> out;
    while (q.next())
        out.append(readAlert(q));
    return out;
}

} // namespace db
