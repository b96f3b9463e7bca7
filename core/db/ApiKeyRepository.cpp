#include "db/ApiKeyRepository.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace db {

namespace {

#define GSA_API_KEY_COLUMNS                                                                                  \
    "id, name, key_hash, key_prefix, scope, coalesce(tenant_id, ''), expires_at, created_at, created_by,"    \
    " last_used_at, revoked_at"

QDateTime utc(const QVariant &v) {
    const QDateTime dt = v.toDateTime();
    return dt.isValid() ? dt.toUTC() : QDateTime();
}

ApiKey readKey(const QSqlQuery &q) {
    ApiKey k;
    k.id = q.value(0).toLongLong();
    k.name = q.value(1).toString();
    k.keyHash = q.value(2).toByteArray();
    k.keyPrefix = q.value(3).toString();
    k.scope = q.value(4).toString();
    k.tenantId = q.value(5).toString();
    k.expiresAt = utc(q.value(6));
    k.createdAt = utc(q.value(7));
    k.createdBy = q.value(8).toString();
    k.lastUsedAt = utc(q.value(9));
    k.revokedAt = utc(q.value(10));
    return k;
}

} // namespace

ApiKeyRepository::ApiKeyRepository(QSqlDatabase db)
    : m_db(std::move(db)) {}

bool ApiKeyRepository::fail(const QString &what, const QSqlQuery &q) {
    m_error = what + QStringLiteral(": ") + Database::describeError(q.lastError());
    return false;
}

std::optional<qint64> ApiKeyRepository::add(const ApiKey &key) {
    m_error.clear();
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("INSERT INTO api_keys (name, key_hash, key_prefix, scope, tenant_id, expires_at,"
                             " created_by) VALUES (:name, :hash, :prefix, :scope, NULLIF(:tenant, ''),"
                             " :expires, coalesce(:by, '')) RETURNING id"));
    q.bindValue(QStringLiteral(":name"), key.name);
    q.bindValue(QStringLiteral(":hash"), key.keyHash);
    q.bindValue(QStringLiteral(":prefix"), key.keyPrefix);
    q.bindValue(QStringLiteral(":scope"), key.scope);
    q.bindValue(QStringLiteral(":tenant"), key.tenantId.isNull() ? QStringLiteral("") : key.tenantId);
    q.bindValue(QStringLiteral(":expires"), key.expiresAt.isValid()
                                                ? QVariant(key.expiresAt.toUTC())
                                                : QVariant(QMetaType::fromType<QDateTime>()));
    q.bindValue(QStringLiteral(":by"), key.createdBy);
    if (!q.exec() || !q.next()) {
        fail(QStringLiteral("cannot store the API key \"%1\"").arg(key.name), q);
        return std::nullopt;
    }
    return q.value(0).toLongLong();
}

std::optional<ApiKey> ApiKeyRepository::findByHash(const QByteArray &keyHash) {
    m_error.clear();
    m_notFound = false;
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT " GSA_API_KEY_COLUMNS " FROM api_keys WHERE key_hash = :hash"));
    q.bindValue(QStringLiteral(":hash"), keyHash);
    if (!q.exec()) {
        fail(QStringLiteral("cannot look the API key up"), q);
        return std::nullopt;
    }
    if (!q.next()) {
        m_notFound = true;
        m_error = QStringLiteral("no such API key");
        return std::nullopt;
    }
    return readKey(q);
}

std::optional<QList<ApiKey>> ApiKeyRepository::list() {
    m_error.clear();
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT " GSA_API_KEY_COLUMNS " FROM api_keys ORDER BY id"))) {
        fail(QStringLiteral("cannot list the API keys"), q);
        return std::nullopt;
    }
    QList<ApiKey> out;
    while (q.next())
        out.append(readKey(q));
    return out;
}

bool ApiKeyRepository::revoke(qint64 id) {
    m_error.clear();
    m_notFound = false;
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("UPDATE api_keys SET revoked_at = now() WHERE id = :id AND revoked_at IS NULL"));
    q.bindValue(QStringLiteral(":id"), id);
    if (!q.exec())
        return fail(QStringLiteral("cannot revoke API key %1").arg(id), q);
    if (q.numRowsAffected() == 0) {
        m_notFound = true;
        m_error = QStringLiteral("no API key %1 (or it is revoked already)").arg(id);
        return false;
    }
    return true;
}

bool ApiKeyRepository::touch(qint64 id) {
    m_error.clear();
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("UPDATE api_keys SET last_used_at = now() WHERE id = :id"
                             " AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')"));
    q.bindValue(QStringLiteral(":id"), id);
    if (!q.exec())
        return fail(QStringLiteral("cannot record the use of API key %1").arg(id), q);
    return true;
}

} // namespace db
