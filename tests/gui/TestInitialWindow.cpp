#include "AppSettings.h"
#include "MainWindow.h"
#include "MessageBox.h"
#include "SyncTestEnv.h"
#include "jobs/InitialCheckpoint.h"
#include "jobs/InitialParams.h"

#include <QAction>
#include <QJsonArray>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QtTest>

#include <memory>

// The operator's initial window (Settings, in days) reaches the engine: the GUI queues an initial sync of
// 90 days and the engine lists and stores exactly the mailbox's messages of those 90 days. (Before typed
// jobs the GUI queued {"months": N}, which the engine ignored: it ran 30 days.)
class TestInitialWindow final : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<synctest::Env> m_env;

    static qint64 scalar(const QString &sql) {
        QSqlQuery q(db::Database::connection());
        return q.exec(sql) && q.next() ? q.value(0).toLongLong() : -1;
    }

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true); // QSettings under ~/.qttest, not the user's
        m_env = std::make_unique<synctest::Env>();
        QVERIFY(m_env->init());
        // 400 messages over the last 180 days: some in 30 days, more in 90, the rest older.
        QVERIFY(m_env->addMailbox(QStringLiteral("acme"), QStringLiteral("window@example.com"), 400, 180));
    }

    void cleanupTestCase() { m_env.reset(); }

    void initialSyncFromTheGuiUsesTheConfiguredDays() {
        ui::AppSettings settings = ui::AppSettings::load();
        settings.initialWindowDays = 90;
        settings.save();

        ui::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.start();
        QTRY_VERIFY(window.selectTenant(QStringLiteral("acme")));
        QSignalSpy queued(&window, &ui::MainWindow::jobQueued);
        ui::MessageBox::setNextAnswer(QMessageBox::Yes);
        window.findChild<QAction *>(QStringLiteral("initialSyncAction"))->trigger();
        QTRY_COMPARE(queued.count(), 1);
        const qint64 jobId = queued.at(0).at(0).toLongLong();

        db::JobRepository queue(db::Database::connection());
        const auto queuedJob = queue.find(jobId);
        QVERIFY2(queuedJob, qPrintable(queue.errorString()));
        QCOMPARE(queuedJob->kind, jobs::JobKind::Initial);
        QString error;
        const auto params = jobs::InitialParams::fromJson(queuedJob->params, &error);
        QVERIFY2(params, qPrintable(error));
        QCOMPARE(params->windowDays, 90);

        // The operator's action is in the audit trail, once, under the OS user.
        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'initial-sync' AND "
                                       "tenant_id = 'acme' AND outcome = 'ok'")),
                 1);

        const qint64 before = QDateTime::currentSecsSinceEpoch();
        const db::SyncJob done = m_env->runToEnd(jobId);
        QCOMPARE(done.status, QStringLiteral("succeeded"));
        const auto cp = jobs::InitialCheckpoint::fromJson(done.checkpoint, &error);
        QVERIFY2(cp, qPrintable(error));
        QVERIFY(qAbs(cp->after - (before - 90 * 86400)) < 120); // what the engine listed: after:<now − 90 d>

        // The table holds exactly the mailbox's messages of the window: those of days 31–90 too.
        const QJsonObject state =
            m_env->sandbox.control("GET", QStringLiteral("/_sandbox/users/window@example.com/state"))
                .object();
        qint64 inWindow = 0;
        qint64 olderThan30 = 0;
        for (const QJsonValue &m : state.value(QStringLiteral("messages")).toArray()) {
            const qint64 secs =
                m.toObject().value(QStringLiteral("internalDate")).toString().toLongLong() / 1000;
            inWindow += secs >= cp->after ? 1 : 0;
            olderThan30 += secs >= cp->after && secs < before - 30 * 86400 ? 1 : 0;
        }
        QVERIFY(olderThan30 > 0 && inWindow < state.value(QStringLiteral("messages")).toArray().size());
        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM emails WHERE tenant_id = 'acme'")), inWindow);
        QCOMPARE(
            scalar(QStringLiteral("SELECT count(*) FROM emails WHERE tenant_id = 'acme' AND internal_date "
                                  "< now() - interval '30 days'")),
            olderThan30);
    }
};

QTEST_MAIN(TestInitialWindow)
#include "TestInitialWindow.moc"
