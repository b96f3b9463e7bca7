#pragma once

#include <QString>

class QSqlError;

namespace db {

// The one error style of the repositories: a failed statement reads "<what> failed: <driver text>"
// (Database::describeError: one line, no password), a missing row is a plain message with isNotFound(),
// a refused input is a plain message. Each repository keeps one and forwards errorString()/isNotFound().
class RepositoryError final {
public:
    void clear() {
        m_message.clear();
        m_notFound = false;
    }
    // All return false, so `return m_status.sqlFailed(...)` ends a bool function.
    bool sqlFailed(const QString &what, const QSqlError &error);
    bool failed(const QString &message);
    bool notFound(const QString &message);

    QString message() const { return m_message; }
    bool isNotFound() const { return m_notFound; }

private:
    QString m_message;
    bool m_notFound = false;
};

} // namespace db
