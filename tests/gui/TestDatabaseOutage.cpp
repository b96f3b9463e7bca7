#include "MainWindow.h"
#include "PrivateCluster.h"
#include "TenantTableModel.h"
#include "db/Database.h"
#include "db/Migrator.h"
#include "db/TenantRepository.h"

#include <QElapsedTimer>
#include <QLabel>
#include <QSignalSpy>
#include <QtTest>

#include <memory>

// Database faults as the operator sees them (issue 10 §3): the window against a private PostgreSQL cluster
// that is stopped and started under it. The banner "Database unreachable" appears within seconds, the
// window keeps answering, the banner goes when the server is back, and closing the window while the server
// is down does not hang.
class TestDatabaseOutage final : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<testsupport::PrivateCluster> m_cluster;

    // The longest pause of this (GUI) thread's event loop over `ms`: the window stays responsive.
    static qint64 longestStall(int ms) {
        QElapsedTimer total;
        QElapsedTimer sinceTick;
        qint64 longest = 0;
        QTimer tick;
        tick.setInterval(20);
        QObject::connect(&tick, &QTimer::timeout, &tick,
                         [&] { longest = qMax(longest, sinceTick.restart()); });
        total.start();
        sinceTick.start();
        tick.start();
        while (total.elapsed() < ms)
            QTest::qWait(10);
        return longest;
    }

private Q_SLOTS:
    void initTestCase() {
        m_cluster = std::make_unique<testsupport::PrivateCluster>();
        QVERIFY2(m_cluster->isValid(), qPrintable(m_cluster->errorString()));
        QString error;
        QVERIFY2(m_cluster->openMigrated(&error), qPrintable(error));
        {
            db::TenantRepository tenants(db::Database::connection());
            db::Tenant t;
            t.id = QStringLiteral("acme");
            t.gmailAddress = QStringLiteral("ops@acme.example");
            QVERIFY2(tenants.add(t), qPrintable(tenants.errorString()));
        }
        db::Database::closeThreadConnection(); // the test thread stays off the database from here on
    }

    void cleanupTestCase() { m_cluster.reset(); }

    void bannerFollowsTheServerAndClosingDoesNotHang() {
        auto window = std::make_unique<ui::MainWindow>();
        window->show();
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));
        auto *banner = window->findChild<QLabel *>(QStringLiteral("databaseBanner"));
        QVERIFY(banner);
        QSignalSpy reachable(window.get(), &ui::MainWindow::databaseReachableChanged);
        window->start();
        QTRY_COMPARE_WITH_TIMEOUT(window->tenantModel()->rowCount(), 1, 20000);
        QVERIFY(!banner->isVisible());

        // Down: the banner within 10 s; the window answers all along.
        QElapsedTimer down;
        down.start();
        QVERIFY2(m_cluster->stop(), qPrintable(m_cluster->errorString()));
        const qint64 stopMs = down.elapsed();
        QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 10000);
        const qint64 shownMs = down.elapsed();
        QVERIFY(!window->isDatabaseReachable());
        QVERIFY2(banner->text().contains(QStringLiteral("Database unreachable")), qPrintable(banner->text()));
        QCOMPARE(window->tenantModel()->rowCount(), 1); // the last data stays on screen
        const qint64 stall = longestStall(4000);
        QVERIFY2(stall < 500, qPrintable(QStringLiteral("the GUI thread stalled for %1 ms").arg(stall)));

        // Up: the banner goes by itself and the data loads again.
        QElapsedTimer up;
        up.start();
        QVERIFY2(m_cluster->start(), qPrintable(m_cluster->errorString()));
        const qint64 startMs = up.elapsed();
        QTRY_VERIFY_WITH_TIMEOUT(!banner->isVisible(), 15000);
        const qint64 hiddenMs = up.elapsed();
        QVERIFY(window->isDatabaseReachable());
        QCOMPARE(reachable.size(), 2);
        QCOMPARE(reachable.at(0).at(0).toBool(), false);
        QCOMPARE(reachable.at(1).at(0).toBool(), true);
        auto *status = window->findChild<QLabel *>(QStringLiteral("connectionStatus"));
        QVERIFY(status);
        QTRY_VERIFY_WITH_TIMEOUT(status->text().startsWith(QStringLiteral("Connected")), 15000);

        // Down again, then the window closes: its database threads end within a few seconds.
        QVERIFY2(m_cluster->stop(), qPrintable(m_cluster->errorString()));
        QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 10000);
        window->refresh(); // loads queued against the dead server while it closes
        QElapsedTimer closing;
        closing.start();
        window->close();
        window.reset();
        const qint64 closeMs = closing.elapsed();
        QVERIFY2(closeMs < 5000, qPrintable(QStringLiteral("closing took %1 ms").arg(closeMs)));
        QVERIFY2(m_cluster->start(), qPrintable(m_cluster->errorString()));
        qInfo("FIGURE banner shown %lld ms after the stop began (pg_ctl stop took %lld ms); hidden %lld ms "
              "after the start began (pg_ctl start took %lld ms); longest GUI stall while down %lld ms; "
              "closing while down %lld ms",
              shownMs, stopMs, hiddenMs, startMs, stall, closeMs);
    }
};

QTEST_MAIN(TestDatabaseOutage)
#include "TestDatabaseOutage.moc"
