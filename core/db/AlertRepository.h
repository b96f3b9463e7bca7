#pragma once

#include "db/RepositoryError.h"

#include "db/Alert.h"
#include "db/Database.h"

#include <QHash>
#include <QList>
#include <QSqlDatabase>

#include <optional>

class QSqlQuery;

namespace db {

// All SQL of `alerts`, and the queries that find the conditions an alert is about.
class AlertRepository final {
public:
    explicit AlertRepository(QSqlDatabase db = Database::connection());

    // Tenant → message, for each condition that holds now.
    std::optional<QHash<QString, QString>> failedJobs();          // the tenant's newest finished job failed
    std::optional<QHash<QString, QString>> needsReauth();         // integration status needs_reauth
    std::optional<QHash<QString, QString>> lapsedWatches();       // a watch was set and has expired
    std::optional<QHash<QString, QString>> failedItems(int over); // more than `over` recorded failures

    // Raises an alert for each tenant in `holding` without an open one of `condition` and resolves the open
    // ones whose tenant no longer holds. Returns how many were raised.
    std::optional<int> reconcile(const QString &condition, const QHash<QString, QString> &holding);
    // Claims up to `limit` undelivered alerts that are due (FOR UPDATE SKIP LOCKED inside the caller's
    // transaction), counting an attempt on each.
    std::optional<QList<Alert>> claimDue(int limit);
    Q_REQUIRED_RESULT bool markDelivered(qint64 id);
    Q_REQUIRED_RESULT bool markFailed(qint64 id, const QString &error, int retryInSeconds);
    // Open alerts (resolved ones too when `includeResolved`), newest first.
    std::optional<QList<Alert>> list(bool includeResolved, int limit);

    QString errorString() const { return m_status.message(); }

private:
    bool fail(const QString &what, const QSqlQuery &q);
    std::optional<QHash<QString, QString>> tenantMessages(const QString &sql, const QString &what,
                                                          const QVariant &bound = {});

    QSqlDatabase m_db;
    RepositoryError m_status;
};

} // namespace db
