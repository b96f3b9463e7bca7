#include "SyncTestEnv.h"

#include "sync/SyncEngine.h"

#include <QSignalSpy>
#include <QTest>

using synctest::Env;

// The engine's threads, leases and queue against the real sandbox and PostgreSQL.
class TestSyncEngine final : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<Env> m_env;

    bool waitFinished(const QList<qint64> &ids, int timeoutMs) {
        db::JobRepository jobs(db::Database::connection());
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < timeoutMs) {
            bool all = true;
            for (qint64 id : ids)
                all = all && jobs.find(id).value_or(db::SyncJob{}).isFinished();
            if (all)
                return true;
            QTest::qWait(100);
        }
        return false;
    }

private Q_SLOTS:
    void initTestCase() {
        qRegisterMetaType<qint64>("qint64");
        m_env = std::make_unique<Env>();
        QVERIFY(m_env->init());
        m_env->options.pollIntervalMs = 100;
    }
    void cleanupTestCase() { m_env.reset(); }

    void workersRunJobsAndReportProgress() {
        Env &env = *m_env;
        QVERIFY(env.addMailbox(QStringLiteral("e1"), QStringLiteral("e1@example.com"), 120, 10));
        QVERIFY(env.addMailbox(QStringLiteral("e2"), QStringLiteral("e2@example.com"), 80, 10));
        syncengine::SyncOptions options = env.options;
        options.concurrency = 2;
        syncengine::SyncEngine engine(options);
        QSignalSpy progress(&engine, &syncengine::SyncEngine::progress);
        QSignalSpy finished(&engine, &syncengine::SyncEngine::jobFinished);
        const qint64 j1 = env.enqueue(QStringLiteral("e1"), QStringLiteral("initial"));
        const qint64 j2 = env.enqueue(QStringLiteral("e2"), QStringLiteral("initial"));
        engine.start();
        QCOMPARE(engine.workerIds().size(), 2);
        QVERIFY(engine.workerIds().first().endsWith(QStringLiteral(":w1")));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 60000);
        engine.stop();
        db::JobRepository jobs(db::Database::connection());
        QCOMPARE(jobs.find(j1)->status, QStringLiteral("succeeded"));
        QCOMPARE(jobs.find(j2)->status, QStringLiteral("succeeded"));
        QVERIFY2(env.diff(QStringLiteral("e1")).isEmpty(), qPrintable(env.diff(QStringLiteral("e1"))));
        QVERIFY2(env.diff(QStringLiteral("e2")).isEmpty(), qPrintable(env.diff(QStringLiteral("e2"))));
        // Queued signals reached this thread with the job's figures.
        QVERIFY(progress.size() >= 2);
        bool sawJob1 = false;
        for (const QList<QVariant> &args : progress) {
            if (args.at(0).toLongLong() == j1 && args.at(3).toLongLong() > 0) {
                sawJob1 = true;
                QCOMPARE(args.at(1).toString(), QStringLiteral("e1"));
            }
        }
        QVERIFY(sawJob1);
        QCOMPARE(finished.first().at(2).toString(), QStringLiteral("succeeded"));
    }

    void twoEnginesNeverRunOneTenantTwice() {
        Env &env = *m_env;
        const QString t = QStringLiteral("race");
        QVERIFY(env.addMailbox(t, QStringLiteral("race@example.com"), 150, 10));
        QList<qint64> ids;
        ids << env.enqueue(t, QStringLiteral("initial")) << env.enqueue(t, QStringLiteral("initial"))
            << env.enqueue(t, QStringLiteral("incremental"));
        syncengine::SyncOptions options = env.options;
        options.concurrency = 2;
        options.busyTenantDelaySeconds = 0;
        syncengine::SyncEngine a(options);
        syncengine::SyncEngine b(options);
        a.start();
        b.start();
        QVERIFY(waitFinished(ids, 90000));
        a.stop();
        b.stop();
        db::JobRepository jobs(db::Database::connection());
        QList<db::SyncJob> rows;
        for (qint64 id : ids) {
            rows << *jobs.find(id);
            QVERIFY2(rows.last().status == QLatin1String("succeeded"), qPrintable(rows.last().errorMessage));
        }
        // Exactly one at a time: the run intervals never overlap.
        for (int i = 0; i < rows.size(); ++i)
            for (int k = i + 1; k < rows.size(); ++k) {
                const bool disjoint =
                    rows[i].finishedAt <= rows[k].startedAt || rows[k].finishedAt <= rows[i].startedAt;
                QVERIFY2(
                    disjoint,
                    qPrintable(QStringLiteral("jobs %1 and %2 overlapped").arg(rows[i].id).arg(rows[k].id)));
            }
        // Every message inserted exactly once, by whichever job ran first (the incremental falls back to
        // an initial sync when it wins the lease before both initials, the tenant having no history id).
        QCOMPARE(rows.at(0).inserted + rows.at(1).inserted + rows.at(2).inserted, 150);
        QVERIFY2(env.diff(t).isEmpty(), qPrintable(env.diff(t)));
    }

    void liveLeaseBlocksAndStaleLeaseIsOverridden() {
        Env &env = *m_env;
        const QString t = QStringLiteral("leased");
        QVERIFY(env.addMailbox(t, QStringLiteral("leased@example.com"), 40, 10));
        db::TenantRepository tenants(db::Database::connection());
        // Another process holds a live lease: the job is given back, not run, not failed.
        const auto held = tenants.tryAcquireLease(t, QStringLiteral("otherhost:4242:w1"), 1800);
        QVERIFY(held && held->acquired);
        const qint64 id = env.enqueue(t, QStringLiteral("initial"));
        syncengine::SyncOptions options = env.options;
        options.busyTenantDelaySeconds = 60;
        std::atomic_bool stop{false};
        syncengine::JobRunner runner(options, QStringLiteral("test:1:w1"), stop, {});
        db::JobRepository jobs(db::Database::connection());
        db::ClaimOptions claim;
        claim.workerId = QStringLiteral("test:1:w1");
        claim.onlyJobId = id;
        std::optional<db::SyncJob> job;
        QVERIFY(jobs.claimNext(claim, &job) && job);
        const auto busy = runner.run(*job);
        QCOMPARE(busy.result, syncengine::JobRunner::Result::TenantBusy);
        QCOMPARE(busy.heldBy, QStringLiteral("otherhost:4242:w1"));
        auto row = jobs.find(id);
        QCOMPARE(row->status, QStringLiteral("queued"));
        QCOMPARE(row->attempts, 0);
        QVERIFY(row->runAfter > QDateTime::currentDateTimeUtc().addSecs(30));
        QCOMPARE(env.tableState(t).size(), 0);

        // The holder dies: its heartbeat ages past the staleness; the next run overrides the lease.
        QSqlQuery age(db::Database::connection());
        QVERIFY(age.exec(QStringLiteral(
            "UPDATE tenants SET sync_heartbeat_at = now() - interval '2 hours' WHERE id = 'leased'")));
        QVERIFY(age.exec(QStringLiteral("UPDATE sync_jobs SET run_after = now() WHERE id = %1").arg(id)));
        const db::SyncJob done = env.runToEnd(id);
        QVERIFY2(done.status == QLatin1String("succeeded"), qPrintable(done.errorMessage));
        QVERIFY2(done.errorDetail.contains(QStringLiteral("otherhost:4242:w1")),
                 qPrintable(done.errorDetail));
        QVERIFY2(env.diff(t).isEmpty(), qPrintable(env.diff(t)));
        QVERIFY(tenants.find(t)->syncLockedBy.isEmpty());
    }

    void gracefulStopLeavesAResumableJob() {
        Env &env = *m_env;
        const QString t = QStringLiteral("stopper");
        QVERIFY(env.addMailbox(t, QStringLiteral("stopper@example.com"), 1500, 10));
        // Slow the sandbox down so the stop lands mid-sync.
        env.sandbox.control("PUT", QStringLiteral("/_sandbox/faults"), {{QStringLiteral("latencyMs"), 30}});
        syncengine::SyncOptions options = env.options;
        options.concurrency = 1;
        options.listPageSize = 200;
        options.fetchChunk = 50;
        const qint64 id = env.enqueue(t, QStringLiteral("initial"));
        {
            syncengine::SyncEngine engine(options);
            engine.start();
            db::JobRepository jobs(db::Database::connection());
            QTRY_VERIFY_WITH_TIMEOUT(jobs.find(id)->processed >= 200, 60000);
            engine.stop();
        }
        env.sandbox.control("DELETE", QStringLiteral("/_sandbox/faults"));
        db::JobRepository jobs(db::Database::connection());
        const db::SyncJob stopped = *jobs.find(id);
        QCOMPARE(stopped.status, QStringLiteral("queued")); // given back, not failed
        QCOMPARE(stopped.attempts, 0);
        QVERIFY(!stopped.checkpoint.value(QStringLiteral("pageToken")).toString().isEmpty());
        const qint64 storedAtStop = env.tableState(t).size();
        QCOMPARE(storedAtStop, stopped.inserted); // committed rows and counts agree: nothing half-written
        db::TenantRepository tenants(db::Database::connection());
        QVERIFY(tenants.find(t)->syncLockedBy.isEmpty());
        const db::SyncJob resumed = env.runToEnd(id);
        QVERIFY2(resumed.status == QLatin1String("succeeded"), qPrintable(resumed.errorMessage));
        QCOMPARE(resumed.inserted, 1500);
        QVERIFY2(env.diff(t).isEmpty(), qPrintable(env.diff(t)));
    }
};

QTEST_GUILESS_MAIN(TestSyncEngine)
#include "TestSyncEngine.moc"
