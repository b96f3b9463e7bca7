#include "DbExecutor.h"
#include "ProgressFeed.h"
#include "SandboxProcess.h"
#include "TenantTableModel.h"
#include "TestDatabase.h"
#include "db/Database.h"
#include "db/JobRepository.h"
#include "db/Migrator.h"
#include "db/TenantRepository.h"

#include <QProcess>
#include <QSignalSpy>
#include <QtTest>

#include <memory>

using ui::SyncStateInfo;
using ui::TenantTableModel;

// The tenant overview: its sync-state rules, and live progress that another connection and another process
// publish with NOTIFY gsa_sync_progress while the model listens on a thread of its own.
class TestTenantTableModel final : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<testsupport::TestDatabase> m_testDb;

private Q_SLOTS:
    void stateOf_data() {
        QTest::addColumn<db::TenantOverview>("tenant");
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("percent");
        const QDateTime now(QDate(2024, 6, 1), QTime(12, 0), Qt::UTC);
        db::TenantOverview idle;
        idle.serverNow = now;
        QTest::newRow("idle") << idle << int(SyncStateInfo::Kind::Idle) << -1;
        db::TenantOverview queued = idle;
        queued.queuedJobs = 2;
        QTest::newRow("queued") << queued << int(SyncStateInfo::Kind::Queued) << -1;
        db::TenantOverview running = idle;
        running.syncLockedBy = QStringLiteral("w1");
        running.syncLockedAt = now.addSecs(-600);
        running.syncHeartbeatAt = now.addSecs(-5);
        running.runningJobId = 7;
        running.processed = 250;
        running.total = 1000;
        QTest::newRow("running with total") << running << int(SyncStateInfo::Kind::Running) << 25;
        db::TenantOverview noTotal = running;
        noTotal.total.reset();
        QTest::newRow("running, total unknown") << noTotal << int(SyncStateInfo::Kind::Running) << -1;
        db::TenantOverview locked = idle;
        locked.syncLockedBy = QStringLiteral("w2");
        locked.syncLockedAt = now.addSecs(-120);
        locked.syncHeartbeatAt = now.addSecs(-30);
        QTest::newRow("locked, no job") << locked << int(SyncStateInfo::Kind::Locked) << -1;
        db::TenantOverview stale = locked;
        stale.syncHeartbeatAt = now.addSecs(-31 * 60);
        QTest::newRow("stale heartbeat") << stale << int(SyncStateInfo::Kind::StaleLock) << -1;
        db::TenantOverview staleNoBeat = locked;
        staleNoBeat.syncHeartbeatAt = {};
        staleNoBeat.syncLockedAt = now.addSecs(-3600);
        QTest::newRow("stale, never beat") << staleNoBeat << int(SyncStateInfo::Kind::StaleLock) << -1;
        db::TenantOverview staleRunning = running;
        staleRunning.syncHeartbeatAt = now.addSecs(-2 * 3600);
        QTest::newRow("running job, dead holder")
            << staleRunning << int(SyncStateInfo::Kind::StaleLock) << -1;
        db::TenantOverview failed = idle;
        failed.lastJobStatus = QStringLiteral("failed");
        QTest::newRow("failed") << failed << int(SyncStateInfo::Kind::Failed) << -1;
        db::TenantOverview retried = failed;
        retried.queuedJobs = 1;
        QTest::newRow("failed, retry queued") << retried << int(SyncStateInfo::Kind::Queued) << -1;
    }
    void stateOf() {
        QFETCH(db::TenantOverview, tenant);
        QFETCH(int, kind);
        QFETCH(int, percent);
        const SyncStateInfo info = TenantTableModel::stateOf(tenant, 30 * 60);
        QCOMPARE(int(info.kind), kind);
        QCOMPARE(info.percent, percent);
    }

    void init() {
        m_testDb = std::make_unique<testsupport::TestDatabase>();
        QVERIFY2(m_testDb->isValid(), qPrintable(m_testDb->errorString()));
        QString error;
        QVERIFY2(m_testDb->openMigrated(&error), qPrintable(error));
    }

    void cleanup() {
        db::Database::closeThreadConnection();
        m_testDb.reset();
    }

    void showsProgressFromNotify() {
        db::TenantRepository tenants(db::Database::connection());
        db::Tenant t;
        t.id = QStringLiteral("acme");
        t.gmailAddress = QStringLiteral("ops@acme.example");
        QVERIFY(tenants.add(t));
        const auto lease = tenants.tryAcquireLease(t.id, QStringLiteral("worker-1"));
        QVERIFY(lease && lease->acquired);
        db::JobRepository jobs(db::Database::connection());
        const auto jobId = jobs.enqueue(t.id, ::jobs::InitialParams{}, false);
        QVERIFY2(jobId, qPrintable(jobs.errorString()));
        std::optional<db::SyncJob> claimed;
        db::ClaimOptions options;
        options.workerId = QStringLiteral("worker-1");
        QVERIFY(jobs.claimNext(options, &claimed));
        QVERIFY(claimed && claimed->id == *jobId);

        ui::DbExecutor executor;
        TenantTableModel model(&executor);
        ui::ProgressFeed feed;
        connect(&feed, &ui::ProgressFeed::progress, &model, &TenantTableModel::applyProgress);
        QSignalSpy listening(&feed, &ui::ProgressFeed::listening);
        QSignalSpy refreshed(&model, &TenantTableModel::refreshed);
        feed.start();
        model.refresh();
        QTRY_COMPARE(refreshed.count(), 1);
        QTRY_COMPARE(listening.count(), 1);
        QCOMPARE(model.rowCount(), 1);
        const QModelIndex state = model.index(0, TenantTableModel::SyncState);
        QCOMPARE(state.data().toString(), QStringLiteral("Running"));
        QCOMPARE(state.data(TenantTableModel::ProgressRole).toInt(), -1);

        // The sync engine's write path, on another connection (this thread's, not the listener's).
        QVERIFY2(jobs.progress(*jobId, t.id, QStringLiteral("fetching"), 40, 100, 12.5),
                 qPrintable(jobs.errorString()));
        QTRY_COMPARE(state.data(TenantTableModel::ProgressRole).toInt(), 40);
        QCOMPARE(state.data().toString(), QStringLiteral("Running 40%"));
        QCOMPARE(state.data(TenantTableModel::RateRole).toDouble(), 12.5);
        QCOMPARE(state.data(TenantTableModel::EtaRole).toLongLong(), qint64(60 / 12.5));

        // Another process: psql sends the NOTIFY.
        const QString payload =
            QStringLiteral(
                R"({"jobId":%1,"tenantId":"acme","phase":"fetching","processed":75,"total":100,"rate":20})")
                .arg(*jobId);
        QProcess psql;
        psql.start(QStringLiteral("psql"),
                   {m_testDb->url(), QStringLiteral("-v"), QStringLiteral("ON_ERROR_STOP=1"),
                    QStringLiteral("-c"),
                    QStringLiteral("SELECT pg_notify('gsa_sync_progress', '%1')").arg(payload)});
        QVERIFY(psql.waitForFinished(30000));
        QVERIFY2(psql.exitCode() == 0, psql.readAllStandardError().constData());
        QTRY_COMPARE(state.data(TenantTableModel::ProgressRole).toInt(), 75);

        // A reload reads processed_count (moved only by checkpoints): the bar must not go back.
        model.refresh();
        QTRY_COMPARE(refreshed.count(), 2);
        QCOMPARE(state.data(TenantTableModel::ProgressRole).toInt(), 75);

        // A malformed payload is ignored.
        QProcess bad;
        bad.start(QStringLiteral("psql"),
                  {m_testDb->url(), QStringLiteral("-c"),
                   QStringLiteral("SELECT pg_notify('gsa_sync_progress', 'not json')")});
        QVERIFY(bad.waitForFinished(30000));
        QVERIFY2(jobs.progress(*jobId, t.id, QStringLiteral("fetching"), 90, 100, 20),
                 qPrintable(jobs.errorString()));
        QTRY_COMPARE(state.data(TenantTableModel::ProgressRole).toInt(), 90);
    }

    // The real thing: a separate `gmail-sync sync` process syncs a sandbox mailbox (paced at Gmail's
    // 250 units/s, so it runs for seconds) and the model shows its progress through LISTEN/NOTIFY alone.
    void showsProgressOfASeparateGmailSyncProcess() {
        testsupport::SandboxProcess sandbox({QStringLiteral("--user"), QStringLiteral("live@example.com"),
                                             QStringLiteral("--generate"), QStringLiteral("400"),
                                             QStringLiteral("--days"), QStringLiteral("20")});
        QVERIFY2(sandbox.isRunning(), qPrintable(sandbox.errorString()));
        db::TenantRepository tenants(db::Database::connection());
        db::Tenant t;
        t.id = QStringLiteral("live");
        t.gmailAddress = QStringLiteral("live@example.com");
        QVERIFY(tenants.add(t));

        ui::DbExecutor executor;
        TenantTableModel model(&executor);
        ui::ProgressFeed feed;
        connect(&feed, &ui::ProgressFeed::progress, &model, &TenantTableModel::applyProgress);
        QSignalSpy listening(&feed, &ui::ProgressFeed::listening);
        QSignalSpy refreshed(&model, &TenantTableModel::refreshed);
        feed.start();
        model.refresh();
        QTRY_COMPARE(refreshed.count(), 1);
        QTRY_COMPARE(listening.count(), 1);
        QCOMPARE(model.rowCount(), 1);
        const QModelIndex state = model.index(0, TenantTableModel::SyncState);
        QCOMPARE(state.data(TenantTableModel::ProgressRole).toInt(), -1);

        QProcess sync;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("GMAIL_SYNC_ACCESS_TOKEN"), sandbox.accessToken(t.gmailAddress));
        sync.setProcessEnvironment(env);
        sync.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        sync.start(qEnvironmentVariable("GSA_BIN_DIR") + QStringLiteral("/gmail-sync"),
                   {QStringLiteral("--database"), m_testDb->url(), QStringLiteral("--gmail-api-url"),
                    sandbox.url().toString(), QStringLiteral("sync"), t.id, QStringLiteral("--initial")});
        QVERIFY(sync.waitForStarted(10000));
        // Progress arrives while the other process is still syncing: a bar between 0 and 100 with a rate.
        QTRY_VERIFY_WITH_TIMEOUT(state.data(TenantTableModel::ProgressRole).toInt() > 0 &&
                                     state.data(TenantTableModel::RateRole).toDouble() > 0,
                                 60000);
        QCOMPARE(sync.state(), QProcess::Running);
        QVERIFY(sync.waitForFinished(120000));
        QCOMPARE(sync.exitCode(), 0);
    }

    void progressEventParsing_data() {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<qint64>("processed");
        QTest::newRow("numbers")
            << QByteArray(R"({"jobId":3,"tenantId":"a","phase":"p","processed":5,"total":9,"rate":1.5})")
            << true << qint64(5);
        QTest::newRow("null total") << QByteArray(R"({"jobId":3,"tenantId":"a","processed":7,"total":null})")
                                    << true << qint64(7);
        QTest::newRow("string id") << QByteArray(R"({"jobId":"12","tenantId":"a","processed":"8"})") << true
                                   << qint64(8);
        QTest::newRow("no job") << QByteArray(R"({"tenantId":"a"})") << false << qint64(0);
        QTest::newRow("not json") << QByteArray("hello") << false << qint64(0);
        QTest::newRow("array") << QByteArray("[1,2]") << false << qint64(0);
    }
    void progressEventParsing() {
        QFETCH(QByteArray, payload);
        QFETCH(bool, valid);
        QFETCH(qint64, processed);
        const auto event = syncengine::ProgressUpdate::fromJson(payload);
        QCOMPARE(event.has_value(), valid);
        if (event)
            QCOMPARE(event->processed, processed);
    }
};

QTEST_MAIN(TestTenantTableModel)
#include "TestTenantTableModel.moc"
