#include "PrivateCluster.h"
#include "TestDatabase.h"

#include <QCoreApplication>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRandomGenerator>

namespace testsupport {

bool PrivateCluster::openMigrated(QString *error) const {
    return openMigratedDefault(url(), error);
}

PrivateCluster::PrivateCluster() {
    // Directly under /tmp: the server runs as `postgres` when the test runs as root, and must reach it.
    m_dir = QStringLiteral("/tmp/gsa-pgpriv-%1-%2")
                .arg(QCoreApplication::applicationPid())
                .arg(QRandomGenerator::global()->generate() & 0xffffff, 6, 16, QLatin1Char('0'));
    run(QStringLiteral("start"), 120000);
}

PrivateCluster::~PrivateCluster() {
    QProcess::execute(qEnvironmentVariable("GSA_SOURCE_DIR") +
                          QStringLiteral("/tests/support/pg-test-cluster.sh"),
                      {QStringLiteral("stop"), m_dir});
}

QString PrivateCluster::url() const {
    return QStringLiteral("postgresql://postgres@/postgres?host=%1/socket").arg(m_dir);
}

bool PrivateCluster::restart() {
    return run(QStringLiteral("restart"), 60000);
}

bool PrivateCluster::stop() {
    return run(QStringLiteral("down"), 60000);
}

bool PrivateCluster::start() {
    return run(QStringLiteral("up"), 60000);
}

bool PrivateCluster::run(const QString &action, int timeoutMs) {
    const QString source = qEnvironmentVariable("GSA_SOURCE_DIR");
    if (source.isEmpty()) {
        m_error = QStringLiteral("GSA_SOURCE_DIR is not set: run the test through ctest");
        return false;
    }
    QProcess script;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("GSA_PG_SHARED_BUFFERS"), QStringLiteral("32MB"));
    env.insert(QStringLiteral("GSA_PG_MAX_CONNECTIONS"), QStringLiteral("50"));
    script.setProcessEnvironment(env);
    script.start(source + QStringLiteral("/tests/support/pg-test-cluster.sh"), {action, m_dir});
    if (!script.waitForFinished(timeoutMs) || script.exitStatus() != QProcess::NormalExit ||
        script.exitCode() != 0) {
        m_error = QStringLiteral("pg-test-cluster.sh %1 failed: %2")
                      .arg(action, QString::fromLocal8Bit(script.readAllStandardError()).trimmed());
        return false;
    }
    m_error.clear();
    return true;
}

} // namespace testsupport
