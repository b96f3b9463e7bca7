#pragma once

#include "db/Database.h"
#include "db/RepositoryError.h"
#include "db/Tenant.h"

#include <QList>
#include <QSqlDatabase>
#include <QString>

#include <optional>

class QSqlQuery;

namespace db {

// All SQL on `tenants`: the tenant register, Gmail history position and the per-tenant sync lease
// (one running sync per tenant; a lease whose heartbeat is older than the staleness may be overridden).
class TenantRepository final {
public:
    static constexpr int kDefaultStaleAfterSeconds = 30 * 60;

    explicit TenantRepository(QSqlDatabase db = Database::connection());

    // Validation shared with the CLI/UI (mirrors the CHECK constraints of migration 0001).
    static bool isValidId(const QString &id);
    static bool isValidAddress(const QString &address);
    // Both of the above, with the message add() would give.
    static bool validate(const Tenant &tenant, QString *error);

    // Adds id/displayName/gmailAddress of `tenant`. Refuses an invalid id or address, an existing id and
    // an address already used by another tenant (compared case-insensitively, as Gmail does).
    Q_REQUIRED_RESULT bool add(const Tenant &tenant);
    // Removes the tenant and (ON DELETE CASCADE) its integration, emails and jobs.
    Q_REQUIRED_RESULT bool remove(const QString &tenantId);
    std::optional<QList<Tenant>> list();
    // nullopt when missing (isNotFound()) or on error.
    std::optional<Tenant> find(const QString &tenantId);
    std::optional<Tenant> findByAddress(const QString &gmailAddress); // case-insensitive
    // Every tenant with its integration, email count, sync lease and jobs (the tenant table, `tenant
    // list`); syncInProgress: locked with a heartbeat fresher than staleAfterSeconds.
    std::optional<QList<TenantOverview>> overviews(int staleAfterSeconds = kDefaultStaleAfterSeconds);

    Q_REQUIRED_RESULT bool setHistoryId(const QString &tenantId, qint64 historyId);
    // After a successful sync: history position and last_sync_at = now().
    Q_REQUIRED_RESULT bool recordSuccessfulSync(const QString &tenantId, qint64 historyId);
    // users.watch state; an empty topic clears it.
    Q_REQUIRED_RESULT bool setWatch(const QString &tenantId, const QString &topic,
                                    const QDateTime &expiresAt);

    // Takes the lease when it is free, already ours (re-entrant, keeps heldSince), or stale (heartbeat
    // older than staleAfterSeconds). Atomic: one UPDATE ... WHERE over the row lock. nullopt on error or
    // unknown tenant; otherwise acquired or who holds it.
    std::optional<LeaseResult> tryAcquireLease(const QString &tenantId, const QString &holder,
                                               int staleAfterSeconds = kDefaultStaleAfterSeconds);
    // Refreshes the heartbeat; false (with errorString) when `holder` no longer holds the lease, which
    // tells a running sync to stop.
    Q_REQUIRED_RESULT bool heartbeatLease(const QString &tenantId, const QString &holder);
    // Releases our lease; false when it was not ours (any more).
    Q_REQUIRED_RESULT bool releaseLease(const QString &tenantId, const QString &holder);
    // Clears any lease (the admin's "unlock"); reports whose it was.
    std::optional<UnlockResult> forceUnlock(const QString &tenantId);
    // Clears the lease only if `holder` still holds it (the GUI's unlock of the lock it showed the
    // operator: a lock taken over since then stays). True when it was cleared.
    std::optional<bool> unlockIfHeldBy(const QString &tenantId, const QString &holder);

    QString errorString() const { return m_status.message(); }
    bool isNotFound() const { return m_status.isNotFound(); }

private:
    bool exec(QSqlQuery &query, const QString &what);
    std::optional<Tenant> findBy(const QString &column, const QString &value, const QString &missing);
    bool updateOne(const QString &sql, const QString &tenantId, const QList<QPair<QString, QVariant>> &values,
                   const QString &what);

    QSqlDatabase m_db;
    RepositoryError m_status;
};

} // namespace db
