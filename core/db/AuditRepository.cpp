#include "db/AuditRepository.h"

#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace db {

AuditRepository::AuditRepository(QSqlDatabase db)
    : m_db(std::move(db)) {}

bool AuditRepository::fail(const QString &what, const QSqlQuery &q) {
    m_error = what + QStringLiteral(": ") + Database::describeError(q.lastError());
    return false;
}

std::optional<qint64> AuditRepository::append(const AuditEntry &entry) {
    m_error.clear();
    QSqlQuery q(m_db);
    q.prepare(
        QStringLiteral("INSERT INTO audit_log (actor, action, tenant_id, details, outcome)"
                       " VALUES (:actor, :action, NULLIF(:tenant, ''), CAST(:details AS jsonb), :outcome)"
                       " RETURNING id"));
    q.bindValue(QStringLiteral(":actor"), entry.actor.isEmpty() ? QStringLiteral("unknown") : entry.actor);
    q.bindValue(QStringLiteral(":action"), entry.action);
    q.bindValue(QStringLiteral(":tenant"), entry.tenantId.isNull() ? QStringLiteral("") : entry.tenantId);
    q.bindValue(QStringLiteral(":details"),
                QString::fromUtf8(QJsonDocument(entry.details).toJson(QJsonDocument::Compact)));
    q.bindValue(QStringLiteral(":outcome"), entry.outcome.isEmpty() ? QStringLiteral("ok") : entry.outcome);
    if (!q.exec() || !q.next()) {
        fail(QStringLiteral("cannot record the action %1 in the audit trail").arg(entry.action), q);
        return std::nullopt;
    }
    return q.value(0).toLongLong();
}

std::optional<QList<AuditEntry>> AuditRepository::list(const QString &tenantId, int limit) {
    m_error.clear();
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT id, at, actor, action, coalesce(tenant_id, ''), details::text, outcome"
                             " FROM audit_log WHERE (:tenant = '' OR tenant_id = :tenant)"
                             " ORDER BY at DESC, id DESC LIMIT :limit"));
    q.bindValue(QStringLiteral(":tenant"), tenantId.isNull() ? QStringLiteral("") : tenantId);
    q.bindValue(QStringLiteral(":limit"), qMax(1, limit));
    if (!q.exec()) {
        fail(QStringLiteral("cannot read the audit trail"), q);
        return std::nullopt;
    }
    QList<AuditEntry> out;
    while (q.next()) {
        AuditEntry e;
        e.id = q.value(0).toLongLong();
        e.at = q.value(1).toDateTime().toUTC();
        e.actor = q.value(2).toString();
        e.action = q.value(3).toString();
        e.tenantId = q.value(4).toString();
        e.details = QJsonDocument::fromJson(q.value(5).toString().toUtf8()).object();
        e.outcome = q.value(6).toString();
        out.append(e);
    }
    return out;
}

} // namespace db
