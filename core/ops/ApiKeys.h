#pragma once

#include "db/ApiKey.h"

#include <QDateTime>
#include <QList>
#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace ops {

// The HTTP API's keys: created (shown once), listed, revoked, and checked on every request. A key is
// "gsa_" + 43 base64url characters (32 random bytes from the system's CSPRNG); only its SHA-256 is stored.
// Scopes nest: admin ⊃ sync ⊃ read. A key restricted to a tenant reaches that tenant only.
class ApiKeys final {
public:
    enum class Scope { Read, Sync, Admin };
    struct Created {
        qint64 id = 0;
        QString key; // shown once; never stored, logged or recoverable
    };
    // Who is calling, once the key checked out.
    struct Principal {
        qint64 keyId = 0;
        QString name;
        Scope scope = Scope::Read;
        QString tenantId; // empty: every tenant
    };

    explicit ApiKeys(QSqlDatabase db);

    // `createdBy`: the actor (AuditTrail::osActor(), …), recorded on the key and in the audit trail.
    std::optional<Created> create(const QString &name, Scope scope, const QString &tenantId,
                                  const QDateTime &expiresAt, const QString &createdBy);
    std::optional<QList<db::ApiKey>> list();
    Q_REQUIRED_RESULT bool revoke(qint64 id, const QString &actor);

    // The key's principal when it is known, not revoked and not expired; otherwise nullopt and
    // errorString() says which (never echoing the key). isDatabaseError() tells a failure to check apart.
    std::optional<Principal> authenticate(const QString &presentedKey);
    // Whether `who` may do what needs `required` on `tenantId` (empty: not about one tenant).
    static bool allows(const Principal &who, Scope required, const QString &tenantId, QString *why);

    static QString scopeName(Scope scope);
    static std::optional<Scope> parseScope(const QString &name);

    bool isDatabaseError() const { return m_databaseError; }
    QString errorString() const { return m_error; }

private:
    bool fail(const QString &error, bool database);

    QSqlDatabase m_db;
    QString m_error;
    bool m_databaseError = false;
};

} // namespace ops
