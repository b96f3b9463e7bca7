#include "db/RepositoryError.h"

#include "db/Database.h"

#include <QSqlError>

namespace db {

QString RepositoryError::describe(const QSqlError &error) {
    QString text = Database::describeError(error);
    const qsizetype detail = text.indexOf(QLatin1String("DETAIL:"));
    if (detail > 0)
        text = text.left(detail).trimmed();
    return text;
}

bool RepositoryError::sqlFailed(const QString &what, const QSqlError &error) {
    return failed(QStringLiteral("%1 failed: %2").arg(what, describe(error)));
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
