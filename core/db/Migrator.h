#pragma once

#include <QList>
#include <QSet>
#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace db {

// Brings a database up to this program's schema: the numbered files :/migrations/NNNN_name.sql
// (core/db/migrations, compiled in as Qt resources), each applied in its own transaction and recorded
// in schema_migrations. Several processes may migrate at once: a transaction-level advisory lock
// serialises them. A database newer than this program is refused rather than touched.
class Migrator final {
public:
    struct Migration {
        int version = 0;
        QString name; // file name without .sql, e.g. "0001_initial"
        QString sql;
    };

    explicit Migrator(QSqlDatabase db);
    // With a given set of migrations instead of the compiled-in ones (tests).
    Migrator(QSqlDatabase db, QList<Migration> migrations);

    Q_REQUIRED_RESULT bool migrate();
    // Highest applied version; 0 for an empty database, -1 on error (see errorString()).
    int currentVersion();
    static int latestVersion();
    // The compiled-in migrations in version order.
    static QList<Migration> migrations();

    QString errorString() const { return m_error; }

private:
    bool exec(const QString &sql, const QString &what);
    bool execScript(const Migration &migration);
    bool lockAndEnsureTable();
    int readVersion();
    std::optional<QSet<int>> appliedVersions();
    bool fail(const QString &message);
    bool checkNumbering();
    bool nextPending(const Migration **next);
    bool apply(const Migration &migration);

    QSqlDatabase m_db;
    QList<Migration> m_migrations; // sorted by version
    QString m_error;
};

} // namespace db
