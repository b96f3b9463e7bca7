#pragma once

#include <QString>

namespace testsupport {

// Makes `url` the process default (db::Database), opens this thread's connection and migrates it.
bool openMigratedDefault(const QString &url, QString *error);

// A database of its own for one test, created on the shared test cluster (the `pg_cluster` CTest
// fixture, URL in GSA_TEST_DATABASE_URL) and dropped again when this object goes away.
class TestDatabase final {
public:
    TestDatabase();
    ~TestDatabase();
    TestDatabase(const TestDatabase &) = delete;
    TestDatabase &operator=(const TestDatabase &) = delete;

    bool isValid() const { return m_error.isEmpty(); }
    QString errorString() const { return m_error; }
    // postgresql://postgres@/<name>?host=<socket dir>: what the product takes as --database.
    QString url() const { return m_url; }
    QString name() const { return m_name; }

    // Makes this database the process's default (db::Database), opens the calling thread's connection
    // and applies every migration: what most tests need first.
    Q_REQUIRED_RESULT bool openMigrated(QString *error) const;

    // The cluster's maintenance URL (database `postgres`).
    static QString clusterUrl();

private:
    bool exec(const QString &sql);

    QString m_name;
    QString m_url;
    QString m_error;
};

} // namespace testsupport
