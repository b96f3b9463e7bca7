#pragma once

#include "db/RepositoryError.h"

#include "db/Database.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QSqlDatabase>
#include <QString>

#include <functional>
#include <optional>

class QSqlQuery;

namespace db {

// One row of `integrations`: how we reach a tenant's mailbox. encryptedKeys is a crypto::Vault
// envelope (never plaintext); keyId names the master key that sealed it. Timestamps are invalid
// QDateTimes when NULL.
struct Integration final {
    qint64 id = 0;
    QString tenantId;
    QString source;   // 'gmail' | 'outlook'
    QString authType; // 'oauth' | 'service_account'
    QByteArray encryptedKeys;
    QString keyId;
    QString status; // 'active' | 'needs_reauth' | 'inactive'
    QString statusReason;
    QDateTime tokenExpiresAt;
    QDateTime lastUsedAt;
    QDateTime createdAt;
    QDateTime updatedAt;
};

// All SQL of the `integrations` table.
class IntegrationRepository final {
public:
    static inline const QString Gmail = QStringLiteral("gmail");

    struct Resealed {
        QByteArray encryptedKeys;
        QString keyId;
    };
    // Re-encrypts one row's keys; nullopt with *error aborts the whole rotation.
    using Resealer = std::function<std::optional<Resealed>(const Integration &row, QString *error)>;

    explicit IntegrationRepository(QSqlDatabase db = Database::connection());

    static bool isValidAuthType(const QString &authType);
    static bool isValidStatus(const QString &status);

    // Inserts or replaces the tenant's integration for `source`: new keys, status 'active', the old
    // status reason and token expiry cleared. Fails for an unknown tenant.
    Q_REQUIRED_RESULT bool upsert(const QString &tenantId, const QString &source, const QString &authType,
                                  const QByteArray &encryptedKeys, const QString &keyId);
    // Replaces only the sealed keys (e.g. a refreshed access token was stored), leaving the status.
    // With `expected`, only while the stored envelope is still that one (else false, isNotFound()).
    Q_REQUIRED_RESULT bool updateKeys(const QString &tenantId, const QString &source,
                                      const QByteArray &encryptedKeys, const QString &keyId,
                                      const QByteArray &expected = {});
    // nullopt when missing (isNotFound()) or on error.
    std::optional<Integration> find(const QString &tenantId, const QString &source = Gmail);
    // 'needs_reauth' / 'inactive' with a reason the admin reads, or back to 'active' (reason cleared).
    Q_REQUIRED_RESULT bool setStatus(const QString &tenantId, const QString &source, const QString &status,
                                     const QString &reason);
    Q_REQUIRED_RESULT bool touchLastUsed(const QString &tenantId, const QString &source = Gmail);
    Q_REQUIRED_RESULT bool setTokenExpiry(const QString &tenantId, const QString &source,
                                          const QDateTime &expiresAt);
    // Every integration, ordered by tenant and source.
    std::optional<QList<Integration>> listAll();
    // Key rotation: in one transaction, locks every row (FOR UPDATE), re-seals each through
    // `reseal` and writes it back. All rows or none: any failure rolls everything back. Returns the
    // number of rows re-sealed. Must not be called inside an open transaction.
    std::optional<int> resealAll(const Resealer &reseal);
    // Rows per key id (which master keys are still needed).
    std::optional<QList<QPair<QString, int>>> countByKeyId();

    QString errorString() const { return m_status.message(); }
    bool isNotFound() const { return m_status.isNotFound(); }

private:
    bool exec(QSqlQuery &query, const QString &what);
    bool updateOne(QSqlQuery &query, const QString &tenantId, const QString &source, const QString &what);

    QSqlDatabase m_db;
    RepositoryError m_status;
};

} // namespace db
