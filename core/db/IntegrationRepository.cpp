#include "db/IntegrationRepository.h"

#include "db/SqlValues.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace db {

namespace {

const QString Columns =
    QStringLiteral("id, tenant_id, source, auth_type, encrypted_keys, key_id, status, "
                   "status_reason, token_expires_at, last_used_at, created_at, updated_at");

Integration readRow(const QSqlQuery &q) {
    Integration row;
    row.id = q.value(0).toLongLong();
    row.tenantId = q.value(1).toString();
    row.source = q.value(2).toString();
    row.authType = q.value(3).toString();
    row.encryptedKeys = q.value(4).toByteArray();
    row.keyId = q.value(5).toString();
    row.status = q.value(6).toString();
    row.statusReason = q.value(7).toString();
    row.tokenExpiresAt = sql::dateTime(q.value(8));
    row.lastUsedAt = sql::dateTime(q.value(9));
    row.createdAt = sql::dateTime(q.value(10));
    row.updatedAt = sql::dateTime(q.value(11));
    return row;
}

} // namespace

IntegrationRepository::IntegrationRepository(QSqlDatabase db)
    : m_db(std::move(db)) {}

bool IntegrationRepository::isValidAuthType(const QString &authType) {
    return authType == QLatin1String("oauth") || authType == QLatin1String("service_account");
}

bool IntegrationRepository::isValidStatus(const QString &status) {
    return status == QLatin1String("active") || status == QLatin1String("needs_reauth") ||
           status == QLatin1String("inactive");
}

bool IntegrationRepository::exec(QSqlQuery &query, const QString &what) {
    m_status.clear();
    if (query.exec())
        return true;
    return m_status.sqlFailed(what, query.lastError());
}

bool IntegrationRepository::updateOne(QSqlQuery &query, const QString &tenantId, const QString &source,
                                      const QString &what) {
    if (!exec(query, what))
        return false;
    if (query.numRowsAffected() == 0)
        return m_status.notFound(QStringLiteral("tenant \"%1\" has no %2 integration").arg(tenantId, source));
    return true;
}

bool IntegrationRepository::upsert(const QString &tenantId, const QString &source, const QString &authType,
                                   const QByteArray &encryptedKeys, const QString &keyId) {
    if (!isValidAuthType(authType))
        return m_status.failed(
            QStringLiteral("unknown auth type \"%1\" (expected oauth or service_account)").arg(authType));
    if (encryptedKeys.isEmpty() || keyId.isEmpty())
        return m_status.failed(QStringLiteral("refusing to store an integration without sealed keys"));
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral(
        "INSERT INTO integrations (tenant_id, source, auth_type, encrypted_keys, key_id, status) "
        "VALUES (:tenant, :source, :auth, :keys, :key_id, 'active') "
        "ON CONFLICT (tenant_id, source) DO UPDATE SET auth_type = EXCLUDED.auth_type, "
        "encrypted_keys = EXCLUDED.encrypted_keys, key_id = EXCLUDED.key_id, status = 'active', "
        "status_reason = NULL, token_expires_at = NULL"));
    q.bindValue(QStringLiteral(":tenant"), tenantId);
    q.bindValue(QStringLiteral(":source"), source);
    q.bindValue(QStringLiteral(":auth"), authType);
    q.bindValue(QStringLiteral(":keys"), encryptedKeys);
    q.bindValue(QStringLiteral(":key_id"), keyId);
    m_status.clear();
    if (q.exec())
        return true;
    // 23503 foreign_key_violation (PostgreSQL Appendix A): no such tenant.
    if (q.lastError().nativeErrorCode() == QLatin1String("23503"))
        return m_status.notFound(
            QStringLiteral("unknown tenant \"%1\": add it first (tenant add)").arg(tenantId));
    return m_status.sqlFailed(QStringLiteral("storing the integration of tenant \"%1\"").arg(tenantId),
                              q.lastError());
}

bool IntegrationRepository::updateKeys(const QString &tenantId, const QString &source,
                                       const QByteArray &encryptedKeys, const QString &keyId,
                                       const QByteArray &expected) {
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("UPDATE integrations SET encrypted_keys = :keys, key_id = :key_id "
                             "WHERE tenant_id = :tenant AND source = :source") +
              (expected.isEmpty() ? QString() : QStringLiteral(" AND encrypted_keys = :expected")));
    q.bindValue(QStringLiteral(":keys"), encryptedKeys);
    q.bindValue(QStringLiteral(":key_id"), keyId);
    q.bindValue(QStringLiteral(":tenant"), tenantId);
    q.bindValue(QStringLiteral(":source"), source);
    if (!expected.isEmpty())
        q.bindValue(QStringLiteral(":expected"), expected);
    return updateOne(q, tenantId, source, QStringLiteral("updating the keys of tenant \"%1\"").arg(tenantId));
}

std::optional<Integration> IntegrationRepository::find(const QString &tenantId, const QString &source) {
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT ") + Columns +
              QStringLiteral(" FROM integrations WHERE tenant_id = :tenant AND source = :source"));
    q.bindValue(QStringLiteral(":tenant"), tenantId);
    q.bindValue(QStringLiteral(":source"), source);
    if (!exec(q, QStringLiteral("reading the integration of tenant \"%1\"").arg(tenantId)))
        return std::nullopt;
    if (!q.next()) {
        m_status.notFound(QStringLiteral("tenant \"%1\" has no %2 integration").arg(tenantId, source));
        return std::nullopt;
    }
    return readRow(q);
}

bool IntegrationRepository::setStatus(const QString &tenantId, const QString &source, const QString &status,
                                      const QString &reason) {
    if (!isValidStatus(status))
        return m_status.failed(QStringLiteral("unknown integration status \"%1\"").arg(status));
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("UPDATE integrations SET status = :status, status_reason = :reason "
                             "WHERE tenant_id = :tenant AND source = :source"));
    q.bindValue(QStringLiteral(":status"), status);
    q.bindValue(QStringLiteral(":reason"), status == QLatin1String("active") || reason.isEmpty()
                                               ? QVariant(QMetaType::fromType<QString>())
                                               : QVariant(reason));
    q.bindValue(QStringLiteral(":tenant"), tenantId);
    q.bindValue(QStringLiteral(":source"), source);
    return updateOne(q, tenantId, source,
                     QStringLiteral("setting the integration status of tenant \"%1\"").arg(tenantId));
}

bool IntegrationRepository::touchLastUsed(const QString &tenantId, const QString &source) {
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral(
        "UPDATE integrations SET last_used_at = now() WHERE tenant_id = :tenant AND source = :source"));
    q.bindValue(QStringLiteral(":tenant"), tenantId);
    q.bindValue(QStringLiteral(":source"), source);
    return updateOne(q, tenantId, source, QStringLiteral("recording use of tenant \"%1\"").arg(tenantId));
}

bool IntegrationRepository::setTokenExpiry(const QString &tenantId, const QString &source,
                                           const QDateTime &expiresAt) {
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("UPDATE integrations SET token_expires_at = :expires "
                             "WHERE tenant_id = :tenant AND source = :source"));
    q.bindValue(QStringLiteral(":expires"), expiresAt.isValid() ? QVariant(expiresAt.toUTC())
                                                                : QVariant(QMetaType::fromType<QDateTime>()));
    q.bindValue(QStringLiteral(":tenant"), tenantId);
    q.bindValue(QStringLiteral(":source"), source);
    return updateOne(q, tenantId, source,
                     QStringLiteral("recording the token expiry of tenant \"%1\"").arg(tenantId));
}

std::optional<QList<Integration>> IntegrationRepository::listAll() {
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT ") + Columns +
              QStringLiteral(" FROM integrations ORDER BY tenant_id, source"));
    if (!exec(q, QStringLiteral("listing integrations")))
        return std::nullopt;
    QList<Integration> rows;
    while (q.next())
        rows.append(readRow(q));
    return rows;
}

std::optional<int> IntegrationRepository::resealAll(const Resealer &reseal) {
    m_status.clear();
    if (!m_db.transaction()) {
        m_status.sqlFailed(QStringLiteral("starting the rotation transaction"), m_db.lastError());
        return std::nullopt;
    }
    auto rollback = [&](const QString &message) -> std::optional<int> {
        m_db.rollback();
        m_status.failed(message);
        return std::nullopt;
    };
    QList<Integration> rows;
    {
        // FOR UPDATE: a concurrent `integration set` waits instead of being overwritten by a stale row.
        QSqlQuery q(m_db);
        q.prepare(QStringLiteral("SELECT ") + Columns +
                  QStringLiteral(" FROM integrations ORDER BY id FOR UPDATE"));
        if (!q.exec())
            return rollback(QStringLiteral("locking integrations failed: %1")
                                .arg(RepositoryError::describe(q.lastError())));
        while (q.next())
            rows.append(readRow(q));
    }
    QSqlQuery update(m_db);
    update.prepare(
        QStringLiteral("UPDATE integrations SET encrypted_keys = :keys, key_id = :key_id WHERE id = :id"));
    for (const Integration &row : rows) {
        QString error;
        const std::optional<Resealed> resealed = reseal(row, &error);
        if (!resealed)
            return rollback(QStringLiteral("tenant \"%1\" (%2): %3; nothing was changed")
                                .arg(row.tenantId, row.source, error));
        update.bindValue(QStringLiteral(":keys"), resealed->encryptedKeys);
        update.bindValue(QStringLiteral(":key_id"), resealed->keyId);
        update.bindValue(QStringLiteral(":id"), row.id);
        if (!update.exec())
            return rollback(QStringLiteral("re-sealing tenant \"%1\" failed: %2; nothing was changed")
                                .arg(row.tenantId, RepositoryError::describe(update.lastError())));
    }
    if (!m_db.commit())
        return rollback(QStringLiteral("committing the rotation failed: %1")
                            .arg(RepositoryError::describe(m_db.lastError())));
    return int(rows.size());
}

std::optional<QList<QPair<QString, int>>> IntegrationRepository::countByKeyId() {
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT key_id, count(*) FROM integrations GROUP BY key_id ORDER BY key_id"));
    if (!exec(q, QStringLiteral("counting integrations by key")))
        return std::nullopt;
    QList<QPair<QString, int>> counts;
    while (q.next())
        counts.append({q.value(0).toString(), q.value(1).toInt()});
    return counts;
}

} // namespace db
