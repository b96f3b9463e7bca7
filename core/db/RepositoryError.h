#pragma once

#include <QString>

class QSqlError;

namespace db {

// The one error style of the repositories: a failed statement reads "<what> failed: <driver text>"
// (describe(): one line, no password, no row values), a missing row is a plain message with isNotFound(),
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

    // The driver's text as one line, without the server's DETAIL: "Failing row contains (...)" would
    // echo the row (sealed keys, message bodies) into errors and logs.
    static QString describe(const QSqlError &error);

    QString message() const { return m_message; }
    bool isNotFound() const { return m_notFound; }

private:
    QString m_message;
    bool m_notFound = false;
};

} // namespace db
