#include "TestDatabase.h"
#include "db/Database.h"
#include "db/Migrator.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QtTest>

#include <atomic>
#include <memory>
#include <vector>

using namespace db;

class TestMigrator final : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<testsupport::TestDatabase> m_testDb;

    static int count(const QString &sql) {
        QSqlQuery q(Database::connection());
        if (!q.exec(sql) || !q.next())
            return -1;
        return q.value(0).toInt();
    }

private Q_SLOTS:
    void init() {
        m_testDb = std::make_unique<testsupport::TestDatabase>();
        QVERIFY2(m_testDb->isValid(), qPrintable(m_testDb->errorString()));
        QString error;
        const auto settings = ConnectionSettings::fromUrl(m_testDb->url(), &error);
        QVERIFY2(settings, qPrintable(error));
        Database::setDefaultSettings(*settings);
        QVERIFY2(Database::open(&error), qPrintable(error));
    }

    void cleanup() {
        Database::closeThreadConnection();
        m_testDb.reset();
    }

    void migrationsAreCompiledIn() {
        const QList<Migrator::Migration> all = Migrator::migrations();
        QVERIFY(!all.isEmpty());
        QCOMPARE(all.first().version, 1);
        QCOMPARE(all.first().name, QStringLiteral("0001_initial"));
        QVERIFY(all.first().sql.contains(QStringLiteral("CREATE TABLE tenants")));
        QCOMPARE(Migrator::latestVersion(), all.last().version);
        for (qsizetype i = 1; i < all.size(); ++i)
            QVERIFY(all.at(i).version > all.at(i - 1).version); // sorted, no duplicates
    }

    void migratesEmptyDatabase() {
        Migrator migrator(Database::connection());
        QCOMPARE(migrator.currentVersion(), 0);
        QVERIFY2(migrator.migrate(), qPrintable(migrator.errorString()));
        QCOMPARE(migrator.currentVersion(), Migrator::latestVersion());
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM schema_migrations")),
                 Migrator::migrations().size());
        for (const char *table : {"tenants", "integrations", "emails", "sync_jobs"})
            QCOMPARE(count(QStringLiteral("SELECT count(*) FROM %1").arg(QLatin1String(table))), 0);
    }

    void reapplyIsNoOp() {
        Migrator migrator(Database::connection());
        QVERIFY2(migrator.migrate(), qPrintable(migrator.errorString()));
        QSqlQuery q(Database::connection());
        QVERIFY(q.exec(
            QStringLiteral("INSERT INTO tenants (id, gmail_address) VALUES ('keep', 'k@example.com')")));
        const int applied = count(QStringLiteral("SELECT count(*) FROM schema_migrations"));
        QVERIFY2(migrator.migrate(), qPrintable(migrator.errorString()));
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM schema_migrations")), applied);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM tenants")), 1);
    }

    void newerSchemaIsRefused() {
        Migrator migrator(Database::connection());
        QVERIFY2(migrator.migrate(), qPrintable(migrator.errorString()));
        const int newer = Migrator::latestVersion() + 5;
        QSqlQuery q(Database::connection());
        QVERIFY(q.exec(QStringLiteral("INSERT INTO schema_migrations (version, name) VALUES (%1, 'future')")
                           .arg(newer)));
        QVERIFY(!migrator.migrate());
        QCOMPARE(
            migrator.errorString(),
            QStringLiteral("database schema version %1 is newer than this program (%2); upgrade gmail-sync")
                .arg(newer)
                .arg(Migrator::latestVersion()));
        QCOMPARE(migrator.currentVersion(), newer);
    }

    void lateLowerNumberedMigrationStillRuns() {
        // 0003 was applied before 0002 landed (parallel branches): 0002 must still run, once.
        const Migrator::Migration m1{1, QStringLiteral("0001_a"), QStringLiteral("CREATE TABLE a (x int);")};
        const Migrator::Migration m2{2, QStringLiteral("0002_b"), QStringLiteral("CREATE TABLE b (x int);")};
        const Migrator::Migration m3{3, QStringLiteral("0003_c"),
                                     QStringLiteral("CREATE TABLE c (x int); INSERT INTO c VALUES (1);")};
        Migrator early(Database::connection(), {m1, m3});
        QVERIFY2(early.migrate(), qPrintable(early.errorString()));
        QCOMPARE(early.currentVersion(), 3);
        Migrator later(Database::connection(), {m3, m2, m1});
        QVERIFY2(later.migrate(), qPrintable(later.errorString()));
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM b")), 0);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM c")), 1);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM schema_migrations")), 3);
        QVERIFY2(later.migrate(), qPrintable(later.errorString()));
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM c")), 1);
    }

    void duplicateNumbersAreRefused() {
        Migrator migrator(Database::connection(),
                          {{1, QStringLiteral("0001_a"), QStringLiteral("CREATE TABLE a (x int);")},
                           {1, QStringLiteral("0001_b"), QStringLiteral("CREATE TABLE b (x int);")}});
        QVERIFY(!migrator.migrate());
        QCOMPARE(migrator.errorString(),
                 QStringLiteral("two migrations share number 1 (0001_a, 0001_b): renumber one"));
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM pg_tables WHERE tablename IN ('a', 'b')")), 0);
    }

    void errorInLaterStatementIsCaught() {
        // QPSQL alone would report success here (it reads only the first result).
        Migrator migrator(Database::connection(),
                          {{1, QStringLiteral("0001_bad"),
                            QStringLiteral("CREATE TABLE ok (x int);\nCREATE TABLE ok (y int);\n")}});
        QVERIFY(!migrator.migrate());
        QVERIFY2(migrator.errorString().contains(QStringLiteral("relation \"ok\" already exists")),
                 qPrintable(migrator.errorString()));
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM pg_tables WHERE tablename = 'ok'")), 0);
    }

    void failedMigrationRollsBack() {
        // A half-applied schema must not remain: pre-create a table that 0001 also creates.
        QSqlQuery q(Database::connection());
        QVERIFY(q.exec(QStringLiteral("CREATE TABLE emails (x int)")));
        Migrator migrator(Database::connection());
        QVERIFY(!migrator.migrate());
        QVERIFY2(migrator.errorString().startsWith(QStringLiteral("migration 0001_initial failed: ")),
                 qPrintable(migrator.errorString()));
        QVERIFY(!migrator.errorString().contains(QLatin1Char('\n')));
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM pg_tables WHERE tablename = 'tenants'")), 0);
        QCOMPARE(migrator.currentVersion(), 0);
    }

    void concurrentMigratorsDoNotCollide() {
        constexpr int kThreads = 4;
        std::atomic<int> succeeded{0};
        QStringList errors;
        QMutex errorsMutex;
        std::vector<std::unique_ptr<QThread>> threads;
        for (int i = 0; i < kThreads; ++i) {
            threads.emplace_back(QThread::create([&] {
                QString error;
                if (!Database::open(&error)) {
                    QMutexLocker lock(&errorsMutex);
                    errors.append(error);
                    return;
                }
                {
                    Migrator migrator(Database::connection());
                    if (migrator.migrate()) {
                        ++succeeded;
                    } else {
                        QMutexLocker lock(&errorsMutex);
                        errors.append(migrator.errorString());
                    }
                }
                Database::closeThreadConnection();
            }));
        }
        for (auto &t : threads)
            t->start();
        for (auto &t : threads)
            QVERIFY(t->wait(60000));
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
        QCOMPARE(succeeded.load(), kThreads);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM schema_migrations")),
                 Migrator::migrations().size());
    }

    void lostConnectionIsReplaced() {
        QSqlQuery pid(Database::connection());
        QVERIFY(pid.exec(QStringLiteral("SELECT pg_backend_pid()")) && pid.next());
        const int backend = pid.value(0).toInt();
        {
            // Kill our backend from a second connection, as a server restart would.
            QSqlDatabase other = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("killer"));
            const ConnectionSettings s = Database::defaultSettings();
            other.setHostName(s.host);
            other.setUserName(s.user);
            other.setDatabaseName(s.database);
            QVERIFY(other.open());
            QSqlQuery kill(other);
            kill.prepare(QStringLiteral("SELECT pg_terminate_backend(:pid)"));
            kill.bindValue(QStringLiteral(":pid"), backend);
            QVERIFY(kill.exec() && kill.next() && kill.value(0).toBool());
        }
        QSqlDatabase::removeDatabase(QStringLiteral("killer"));
        QSqlQuery dead(Database::connection());
        QVERIFY(!dead.exec(QStringLiteral("SELECT 1"))); // this call discovers the loss
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("was lost; reconnecting")));
        QSqlQuery again(Database::connection());
        QVERIFY2(again.exec(QStringLiteral("SELECT pg_backend_pid()")) && again.next(),
                 qPrintable(again.lastError().text()));
        QVERIFY(again.value(0).toInt() != backend);
    }

    void unreachableServerErrorIsOneLine() {
        QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
        ConnectionSettings s;
        s.host = QStringLiteral("127.0.0.1");
        s.port = 1;
        s.user = QStringLiteral("nobody");
        s.password = QStringLiteral("s3cret");
        s.database = QStringLiteral("x");
        Database::setDefaultSettings(s);
        for (int attempt = 0; attempt < 2; ++attempt) {
            QString error;
            QVERIFY(!Database::open(&error));
            QVERIFY2(error.startsWith(QStringLiteral(
                         "cannot connect to database postgresql://nobody:***@127.0.0.1:1/x: ")),
                     qPrintable(error));
            QVERIFY(error.contains(QStringLiteral("Connection refused")));
            QVERIFY(!error.contains(QLatin1Char('\n')));
            QVERIFY(!error.contains(QStringLiteral("s3cret")));
        }
    }

    void threadConnectionsAreRemoved() {
        QString nameInThread;
        std::unique_ptr<QThread> t(QThread::create([&] {
            QString error;
            if (Database::open(&error))
                nameInThread = Database::connection().connectionName();
        }));
        t->start();
        QVERIFY(t->wait(30000));
        QVERIFY(!nameInThread.isEmpty());
        QVERIFY(nameInThread != Database::connection().connectionName());
        // QThreadStorage removed it when the thread finished.
        QVERIFY(!QSqlDatabase::connectionNames().contains(nameInThread));
    }
};

QTEST_GUILESS_MAIN(TestMigrator)
#include "TestMigrator.moc"
