#pragma once

#include "db/RepositoryError.h"

#include "db/Database.h"

#include <QDateTime>
#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace db {

// All SQL of the `quota_usage` table (migration 0008): the per-project Gmail quota of the current
// minute, shared by every worker process of a deployment.
class QuotaUsageRepository final {
public:
    struct Grant {
        qint64 granted = 0; // units of the block that fit under the limit (0..block)
        QDateTime minute;   // the minute they belong to (the server's clock)
        qint64 msUntilNextMinute = 0;
    };

    explicit QuotaUsageRepository(QSqlDatabase db = Database::connection());

    // Reserves `block` units of `project`'s current minute against `limitPerMinute`, in one UPSERT …
    // RETURNING: concurrent callers are serialized by the row, and each gets the part of its block
    // that lies below the limit, so the grants of one minute never add up to more than the limit.
    std::optional<Grant> take(const QString &project, qint64 block, qint64 limitPerMinute);
    // Units reserved (granted or not) in the project's current minute; 0 when none.
    std::optional<qint64> reservedThisMinute(const QString &project);
    // Forgets minutes older than an hour. Returns the rows removed.
    std::optional<int> prune();

    QString errorString() const { return m_status.message(); }

private:
    QSqlDatabase m_db;
    RepositoryError m_status;
};

} // namespace db
