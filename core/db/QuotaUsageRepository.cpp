#include "db/QuotaUsageRepository.h"

#include "db/SqlValues.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>

namespace db {

QuotaUsageRepository::QuotaUsageRepository(QSqlDatabase db)
    : m_db(std::move(db)) {}

std::optional<QuotaUsageRepository::Grant> QuotaUsageRepository::take(const QString &project, qint64 block,
                                                                      qint64 limitPerMinute) {
    QSqlQuery q(m_db);
    // The returned total minus our block is what others had reserved before us (the row lock orders
    // the updates), so our share under the limit is exact without a second statement.
    q.prepare(QStringLiteral(
        "INSERT INTO quota_usage AS q (project, minute, units) "
        "VALUES (:project, date_trunc('minute', now()), :block) "
        "ON CONFLICT (project, minute) DO UPDATE SET units = q.units + excluded.units "
        "RETURNING q.units, q.minute, "
        "(extract(epoch FROM q.minute + interval '1 minute' - clock_timestamp()) * 1000)::bigint"));
    q.bindValue(QStringLiteral(":project"), project);
    q.bindValue(QStringLiteral(":block"), block);
    if (!q.exec() || !q.next()) {
        m_status.sqlFailed(QStringLiteral("reserving project quota"), q.lastError());
        return std::nullopt;
    }
    const qint64 total = q.value(0).toLongLong();
    Grant g;
    g.granted = std::clamp(limitPerMinute - (total - block), qint64(0), block);
    g.minute = sql::dateTime(q.value(1));
    g.msUntilNextMinute = std::max<qint64>(0, q.value(2).toLongLong());
    return g;
}

std::optional<qint64> QuotaUsageRepository::reservedThisMinute(const QString &project) {
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT coalesce(sum(units), 0) FROM quota_usage "
                             "WHERE project = :project AND minute = date_trunc('minute', now())"));
    q.bindValue(QStringLiteral(":project"), project);
    if (!q.exec() || !q.next()) {
        m_status.sqlFailed(QStringLiteral("reading project quota"), q.lastError());
        return std::nullopt;
    }
    return q.value(0).toLongLong();
}

std::optional<int> QuotaUsageRepository::prune() {
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("DELETE FROM quota_usage WHERE minute < now() - interval '1 hour'"))) {
        m_status.sqlFailed(QStringLiteral("pruning project quota"), q.lastError());
        return std::nullopt;
    }
    return q.numRowsAffected();
}

} // namespace db
