#include "PrivateCluster.h"
#include "SandboxProcess.h"

#include "auth/StaticTokenProvider.h"
#include "db/Database.h"
#include "db/EmailRepository.h"
#include "db/JobRepository.h"
#include "db/Migrator.h"
#include "db/TenantRepository.h"
#include "sync/SyncEngine.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QSet>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTest>

// Database faults (issue 10 §3): PostgreSQL restarted (pg_ctl restart -m fast) in the middle of an initial
// sync, and stopped for a while under an idle engine. On a private cluster: the shared test cluster serves
// other tests at the same time. The job must end `succeeded` with the table equal to the mailbox
// (GET /_sandbox/users/{email}/state): nothing lost, nothing doubled.
class TestDatabaseRestart final : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<testsupport::PrivateCluster> m_cluster;
    std::unique_ptr<testsupport::SandboxProcess> m_sandbox;
    QHash<QString, QString> m_tokens;

    // The test thread's reads survive the restarts too.
    static std::optional<db::SyncJob> findJob(qint64 id) {
        std::optional<db::SyncJob> row;
        const bool ok = db::Database::runWithReconnect([&] {
            db::JobRepository jobs(db::Database::connection());
            row = jobs.find(id);
            return row.has_value();
        });
        return ok ? row : std::nullopt;
    }

    // Test-only SQL: how many sessions sit in the slow step trigger (a step transaction in flight).
    static int stepsInFlight() {
        int n = -1;
        const bool ok = db::Database::runWithReconnect([&] {
            QSqlQuery q(db::Database::connection());
            if (!q.exec(
                    QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'")) ||
                !q.next())
                return false;
            n = q.value(0).toInt();
            return true;
        });
        return ok ? n : -1;
    }

    bool addMailbox(const QString &tenantId, const QString &email, int generate) {
        int status = 0;
        m_sandbox->control("POST", QStringLiteral("/_sandbox/users"),
                           {{QStringLiteral("email"), email},
                            {QStringLiteral("generate"), generate},
                            {QStringLiteral("seed"), 11},
                            {QStringLiteral("days"), 20}},
                           &status);
        if (status != 201 && status != 200)
            return false;
        m_tokens.insert(tenantId, m_sandbox->accessToken(email));
        db::TenantRepository tenants(db::Database::connection());
        db::Tenant t;
        t.id = tenantId;
        t.gmailAddress = email;
        return tenants.add(t);
    }

    syncengine::SyncOptions options() const {
        syncengine::SyncOptions o;
        o.gmailApiUrl = m_sandbox->url();
        o.tokenProviderFactory =
            [this](const QString &tenantId) -> std::shared_ptr<common::AccessTokenProvider> {
            return std::make_shared<auth::StaticTokenProvider>(m_tokens.value(tenantId));
        };
        o.retryBackoffBaseSeconds = 0;
        o.heartbeatIntervalSeconds = 1;
        o.pollIntervalMs = 200;
        o.concurrency = 2;
        o.listPageSize = 100; // many steps, so the restart falls between and into them
        // ~50 messages/s (legacy: 250 units/s, messages.get 5): the sync runs for a while
        o.quotaProfile = *gmail::QuotaProfile::fromName(gmail::QuotaProfile::Legacy);
        return o;
    }

    // Empty when the tenant's rows are exactly the mailbox's ids (each once).
    QString diff(const QString &tenantId, const QString &email) {
        const QJsonObject state =
            m_sandbox->control("GET", QStringLiteral("/_sandbox/users/%1/state").arg(email)).object();
        QSet<QString> box;
        for (const QJsonValue &v : state.value(QStringLiteral("messages")).toArray())
            box.insert(v.toObject().value(QStringLiteral("id")).toString());
        db::EmailRepository emails(db::Database::connection());
        const auto table = emails.labelsById(tenantId);
        const auto count = emails.count(tenantId);
        if (!table || !count)
            return QStringLiteral("cannot read the table: ") + emails.errorString();
        QSet<QString> rows;
        for (auto it = table->cbegin(); it != table->cend(); ++it)
            rows.insert(it.key());
        if (rows == box && *count == box.size())
            return {};
        return QStringLiteral("mailbox %1 ids, table %2 ids in %3 rows; missing %4, extra %5")
            .arg(box.size())
            .arg(rows.size())
            .arg(*count)
            .arg((box - rows).size())
            .arg((rows - box).size());
    }

private Q_SLOTS:
    void initTestCase() {
        qRegisterMetaType<qint64>("qint64");
        m_cluster = std::make_unique<testsupport::PrivateCluster>();
        QVERIFY2(m_cluster->isValid(), qPrintable(m_cluster->errorString()));
        m_sandbox = std::make_unique<testsupport::SandboxProcess>(
            QStringList{QStringLiteral("--user"), QStringLiteral("seed@example.com")});
        QVERIFY2(m_sandbox->isRunning(), qPrintable(m_sandbox->errorString()));
        QString error;
        QVERIFY2(m_cluster->openMigrated(&error), qPrintable(error));
    }

    void cleanupTestCase() {
        db::Database::closeThreadConnection();
        m_sandbox.reset();
        m_cluster.reset();
    }

    void restartInTheMiddleOfAnInitialSync() {
        const QString tenant = QStringLiteral("restart");
        const QString email = QStringLiteral("restart@example.com");
        QVERIFY(addMailbox(tenant, email, 1200));
        db::JobRepository jobs(db::Database::connection());
        const qint64 id = jobs.enqueue(tenant, ::jobs::InitialParams{}, true).value_or(0);
        QVERIFY(id > 0);

        // Test-only: every statement that stores rows takes 0.5 s more, so a step transaction is in flight
        // for a good part of the sync and the restarts below can hit one for sure.
        {
            QSqlQuery q(db::Database::connection());
            QVERIFY(
                q.exec(QStringLiteral("CREATE FUNCTION test_slow_step() RETURNS trigger LANGUAGE plpgsql AS "
                                      "$$ BEGIN PERFORM pg_sleep(0.5); RETURN NULL; END $$")));
            QVERIFY(q.exec(QStringLiteral("CREATE TRIGGER test_slow_step AFTER INSERT ON emails FOR EACH "
                                          "STATEMENT EXECUTE FUNCTION test_slow_step()")));
        }

        syncengine::SyncEngine engine(options());
        QSignalSpy finished(&engine, &syncengine::SyncEngine::jobFinished);
        engine.start();
        // Three restarts well into the sync (steps have landed), far from its end, each while a step's
        // transaction is in flight: the writer must write that step again on a new connection.
        QStringList figures;
        for (const qint64 mark : {300, 550, 800}) {
            QTRY_VERIFY_WITH_TIMEOUT(findJob(id).value_or(db::SyncJob{}).processed >= mark, 60000);
            const qint64 before = findJob(id)->processed;
            QVERIFY2(before < 1100, "the sync ended before the restart: make it slower");
            // Into a step's transaction: the writer's session waits in the trigger.
            QTRY_VERIFY_WITH_TIMEOUT(stepsInFlight() > 0, 30000);
            QElapsedTimer sinceRestart;
            sinceRestart.start();
            QVERIFY2(m_cluster->restart(), qPrintable(m_cluster->errorString()));
            const qint64 restartMs = sinceRestart.elapsed();
            // Resumed: a step committed after the restart (the row's figures move on).
            qint64 resumedMs = -1;
            while (sinceRestart.elapsed() < 60000) {
                const auto row = findJob(id);
                if (row && (row->processed > before || row->isFinished())) {
                    resumedMs = sinceRestart.elapsed();
                    break;
                }
                QTest::qWait(50);
            }
            QVERIFY2(resumedMs >= 0, "the job did not move on within 60 s of the restart");
            figures << QStringLiteral("at %1 processed: restart %2 ms, next step landed %3 ms after it began")
                           .arg(before)
                           .arg(restartMs)
                           .arg(resumedMs);
        }

        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 120000);
        engine.stop();
        const auto row = findJob(id);
        QVERIFY(row);
        QVERIFY2(row->status == QLatin1String("succeeded"),
                 qPrintable(row->status + QLatin1Char(' ') + row->errorMessage));
        QCOMPARE(finished.first().at(2).toString(), QStringLiteral("succeeded"));
        // No step failed: the writer wrote the interrupted steps again itself, the job never retried.
        QCOMPARE(row->attempts, 0);
        QVERIFY2(diff(tenant, email).isEmpty(), qPrintable(diff(tenant, email)));
        qInfo("FIGURE pg_ctl restart -m fast ×3 during an initial sync of 1200 (~50 messages/s): %s",
              qPrintable(figures.join(QStringLiteral("; "))));
    }

    void idleWorkersSurviveAnOutage() {
        const QString tenant = QStringLiteral("outage");
        const QString email = QStringLiteral("outage@example.com");
        QVERIFY(addMailbox(tenant, email, 150));
        syncengine::SyncEngine engine(options());
        QSignalSpy finished(&engine, &syncengine::SyncEngine::jobFinished);
        engine.start();
        QTest::qWait(500);
        QVERIFY2(m_cluster->stop(), qPrintable(m_cluster->errorString()));
        QTest::qWait(4000); // the workers poll a dead server meanwhile
        QVERIFY2(m_cluster->start(), qPrintable(m_cluster->errorString()));
        qint64 id = 0;
        QVERIFY(db::Database::runWithReconnect([&] {
            db::JobRepository jobs(db::Database::connection());
            id = jobs.enqueue(tenant, ::jobs::InitialParams{}, true).value_or(0);
            return id > 0;
        }));
        engine.wakeWorkers();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
        engine.stop();
        QCOMPARE(findJob(id)->status, QStringLiteral("succeeded"));
        QVERIFY2(diff(tenant, email).isEmpty(), qPrintable(diff(tenant, email)));
    }
};

QTEST_GUILESS_MAIN(TestDatabaseRestart)
#include "TestDatabaseRestart.moc"
