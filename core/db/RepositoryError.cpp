#include "db/RepositoryError.h"

#include "db/Database.h"

#include <QSqlError>

namespace db {

bool RepositoryError::sqlFailed(const QString &what, const QSqlError &error) {
    return failed(QStringLiteral("%1 failed: %2").arg(what, Database::describeError(error)));
}

bool RepositoryError::failed(const QString &message) {
    m_message = message;
    m_notFound = false;
    return false;
}

bool RepositoryError::notFound(const QString &message) {
    m_message = message;
    m_notFound = true;
    return false;
}

} // namespace db
