#pragma once

#include <QString>

namespace testsupport {

// A PostgreSQL cluster of one test's own (tests/support/pg-test-cluster.sh on a fresh directory under
// /tmp), for tests that stop or restart the server: the shared `pg_cluster` fixture serves other tests
// at the same time and must never go down. Unix socket only, trust auth; removed when destroyed.
class PrivateCluster final {
public:
    PrivateCluster();
    ~PrivateCluster();
    PrivateCluster(const PrivateCluster &) = delete;
    PrivateCluster &operator=(const PrivateCluster &) = delete;

    bool isValid() const { return m_error.isEmpty(); }
    QString errorString() const { return m_error; }
    // postgresql://postgres@/postgres?host=<socket dir> (the cluster's own database `postgres`).
    QString url() const;
    // url() as the process default, this thread's connection opened and migrated.
    Q_REQUIRED_RESULT bool openMigrated(QString *error) const;

    // pg_ctl restart -m fast / stop -m fast / start; each waits until done. False (errorString) on failure.
    Q_REQUIRED_RESULT bool restart();
    Q_REQUIRED_RESULT bool stop();
    Q_REQUIRED_RESULT bool start();

private:
    bool run(const QString &action, int timeoutMs);

    QString m_dir;
    QString m_error;
};

} // namespace testsupport
