#pragma once

#include "db/ApiKey.h"
#include "db/Database.h"

#include <QList>
#include <QSqlDatabase>

#include <optional>

class QSqlQuery;

namespace db {

// All SQL of `api_keys`.
class ApiKeyRepository final {
public:
    explicit ApiKeyRepository(QSqlDatabase db = Database::connection());

    // The new row's id; fails for an unknown tenant.
    std::optional<qint64> add(const ApiKey &key);
    // By the hash of a presented key; nullopt and isNotFound() when no row has it.
    std::optional<ApiKey> findByHash(const QByteArray &keyHash);
    std::optional<QList<ApiKey>> list();
    // Sets revoked_at; false and isNotFound() for an unknown or already revoked id.
    Q_REQUIRED_RESULT bool revoke(qint64 id);
    // Records a use; at most once a minute per key, so a busy key does not write on every request.
    Q_REQUIRED_RESULT bool touch(qint64 id);

    bool isNotFound() const { return m_notFound; }
    QString errorString() const { return m_error; }

private:
    bool fail(const QString &what, const QSqlQuery &q);

    QSqlDatabase m_db;
    QString m_error;
    bool m_notFound = false;
};

} // namespace db
