#include "TestDatabase.h"

#include "db/Database.h"

#include <QSqlQuery>
#include <QtTest>

// db::Database's fault handling on a real server: the per-thread statement_timeout, and reopening a
// connection the server dropped (here: the session terminates itself, as a restart would end it).
class TestDatabaseReconnect final : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<testsupport::TestDatabase> m_tdb;

    static QString setting(const QString &name) {
        QSqlQuery q(db::Database::connection());
        q.prepare(QStringLiteral("SELECT current_setting(:name)"));
        q.bindValue(QStringLiteral(":name"), name);
        return q.exec() && q.next() ? q.value(0).toString() : QString();
    }

    static bool terminateOwnSession() {
        QSqlQuery q(db::Database::connection());
        return q.exec(QStringLiteral("SELECT pg_terminate_backend(pg_backend_pid())"));
    }

private Q_SLOTS:
    void initTestCase() {
        m_tdb = std::make_unique<testsupport::TestDatabase>();
        QString error;
        QVERIFY2(m_tdb->openMigrated(&error), qPrintable(error));
    }

    void statementTimeoutPerThread() {
        db::Database::setThreadStatementTimeout(1234);
        QCOMPARE(setting(QStringLiteral("statement_timeout")), QStringLiteral("1234ms"));
        // It holds: a statement longer than that is cancelled by the server.
        QSqlQuery q(db::Database::connection());
        QVERIFY(!q.exec(QStringLiteral("SELECT pg_sleep(3)")));
        QCOMPARE(q.lastError().nativeErrorCode(), QStringLiteral("57014")); // query_canceled
        QVERIFY(!db::Database::isConnectionLost()); // a failed statement is not a lost connection
    }

    void lostConnectionIsReopenedAndTheWorkRunAgain() {
        db::Database::setThreadStatementTimeout(1234);
        QVERIFY(!terminateOwnSession());
        QVERIFY(db::Database::isConnectionLost());
        int runs = 0;
        int reconnects = 0;
        QString pid;
        QVERIFY(db::Database::runWithReconnect(
            [&] {
                ++runs;
                if (runs == 1)
                    return terminateOwnSession(); // fails: the session ends under the work
                QSqlQuery q(db::Database::connection());
                if (!q.exec(QStringLiteral("SELECT pg_backend_pid()")) || !q.next())
                    return false;
                pid = q.value(0).toString();
                return true;
            },
            db::Database::RetryPolicy(), &reconnects));
        QCOMPARE(runs, 2);
        QCOMPARE(reconnects, 1);
        QVERIFY(!pid.isEmpty());
        // The reopened session has this thread's settings again.
        QCOMPARE(setting(QStringLiteral("statement_timeout")), QStringLiteral("1234ms"));
    }

    void sqlErrorsAreNotRetried() {
        int runs = 0;
        QVERIFY(!db::Database::runWithReconnect([&] {
            ++runs;
            QSqlQuery q(db::Database::connection());
            return q.exec(QStringLiteral("SELECT * FROM no_such_table"));
        }));
        QCOMPARE(runs, 1);
    }

    void pingReopensALostConnection() {
        QVERIFY(!terminateOwnSession());
        QString error;
        QVERIFY2(db::Database::ping(&error), qPrintable(error));
        QVERIFY(!db::Database::isConnectionLost());
    }

    void cleanupTestCase() {
        db::Database::closeThreadConnection();
        m_tdb.reset();
    }
};

QTEST_GUILESS_MAIN(TestDatabaseReconnect)
#include "TestDatabaseReconnect.moc"
