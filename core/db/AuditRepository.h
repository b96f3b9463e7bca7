#pragma once

#include "db/AuditEntry.h"
#include "db/Database.h"

#include <QList>
#include <QSqlDatabase>

#include <optional>

class QSqlQuery;

namespace db {

// All SQL of `audit_log`: appends and reads (the table itself refuses updates and deletes).
class AuditRepository final {
public:
    explicit AuditRepository(QSqlDatabase db = Database::connection());

    std::optional<qint64> append(const AuditEntry &entry);
    // Newest first; `tenantId` empty: every tenant.
    std::optional<QList<AuditEntry>> list(const QString &tenantId, int limit);

    QString errorString() const { return m_error; }

private:
    bool fail(const QString &what, const QSqlQuery &q);

    QSqlDatabase m_db;
    QString m_error;
};

} // namespace db
