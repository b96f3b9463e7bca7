#include "ConnectWizard.h"
#include "HistoricalSyncDialog.h"
#include "MainWindow.h"
#include "MessageBox.h"
#include "SafeTextBrowser.h"
#include "TenantTableModel.h"
#include "TestDatabase.h"
#include "ThreadBrowser.h"
#include "ThreadListModel.h"
#include "ThreadView.h"
#include "Translations.h"
#include "db/Database.h"
#include "db/EmailRepository.h"
#include "db/IntegrationRepository.h"
#include "db/JobRepository.h"
#include "db/MessageFailureRepository.h"
#include "db/Migrator.h"
#include "db/TenantRepository.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTableView>
#include <QTextDocument>
#include <QToolBar>
#include <QtTest>

#include <memory>

// The real window, driven by objectName and answered through MessageBox::setNextAnswer (KeePassXC's
// tests/gui style), against a real PostgreSQL.
class TestMainWindow final : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<testsupport::TestDatabase> m_testDb;
    std::unique_ptr<ui::MainWindow> m_window;

    QAction *action(const char *name) const { return m_window->findChild<QAction *>(QLatin1String(name)); }

    static std::optional<db::Tenant> tenant(const QString &id) {
        db::TenantRepository tenants(db::Database::connection());
        return tenants.find(id);
    }

private Q_SLOTS:
    void initTestCase() {
        // As the application does: English plurals ("2 messages") come from the embedded translation.
        QCOMPARE(ui::Translations::install(QStringLiteral("en")), QStringLiteral("en"));
    }

    void init() {
        m_testDb = std::make_unique<testsupport::TestDatabase>();
        QVERIFY2(m_testDb->isValid(), qPrintable(m_testDb->errorString()));
        QString error;
        QVERIFY2(m_testDb->openMigrated(&error), qPrintable(error));

        db::TenantRepository tenants(db::Database::connection());
        for (const char *id : {"acme", "globex"}) {
            db::Tenant t;
            t.id = QLatin1String(id);
            t.gmailAddress = QStringLiteral("ops@%1.example").arg(QLatin1String(id));
            QVERIFY2(tenants.add(t), qPrintable(tenants.errorString()));
        }
        db::EmailRecord e;
        e.gmailMessageId = QStringLiteral("m1");
        e.threadId = QStringLiteral("t1");
        e.subject = QStringLiteral("Hello");
        e.fromAddress = QStringLiteral("alice@example.com");
        e.internalDate = QDateTime::currentDateTimeUtc();
        e.bodyHtml = QStringLiteral("<p>The marmalade recipe</p><script>alert('x')</script>");
        e.bodyText = QStringLiteral("The marmalade recipe");
        db::EmailRepository emails(db::Database::connection());
        QVERIFY(emails.upsert(QStringLiteral("acme"), {e}));
        e.gmailMessageId = QStringLiteral("m2");
        e.threadId = QStringLiteral("t2");
        e.subject = QStringLiteral("Other");
        e.bodyHtml.clear();
        e.bodyText = QStringLiteral("Nothing to see");
        QVERIFY(emails.upsert(QStringLiteral("acme"), {e}));

        m_window = std::make_unique<ui::MainWindow>();
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }

    void cleanup() {
        m_window.reset();
        db::Database::closeThreadConnection();
        m_testDb.reset();
    }

    // Reconnect is offered only for an integration that needs re-authorization, and opens the wizard on
    // the browser sign-in with the tenant fixed.
    void reconnectOnlyForNeedsReauth() {
        db::IntegrationRepository integrations(db::Database::connection());
        for (const char *id : {"acme", "globex"})
            QVERIFY(integrations.upsert(QLatin1String(id), db::IntegrationRepository::Gmail,
                                        QStringLiteral("oauth"), QByteArray("sealed"), QStringLiteral("k1")));
        QVERIFY(integrations.setStatus(QStringLiteral("globex"), db::IntegrationRepository::Gmail,
                                       QStringLiteral("needs_reauth"), QStringLiteral("invalid_grant")));
        m_window->start();
        QTRY_VERIFY(m_window->selectTenant(QStringLiteral("acme")));
        QAction *reconnect = action("reconnectAction");
        QVERIFY(reconnect);
        QTRY_VERIFY(!reconnect->isEnabled());
        QVERIFY(m_window->selectTenant(QStringLiteral("globex")));
        QTRY_VERIFY(reconnect->isEnabled());
        reconnect->trigger();
        auto *wizard = m_window->findChild<ui::ConnectWizard *>(QStringLiteral("connectWizard"));
        QVERIFY(wizard);
        const auto *id = wizard->findChild<QLineEdit *>(QStringLiteral("tenantId"));
        QCOMPARE(id->text(), QStringLiteral("globex"));
        QVERIFY(id->isReadOnly());
        QVERIFY(wizard->findChild<QRadioButton *>(QStringLiteral("authBrowser"))->isChecked());
        wizard->reject();
    }

    // "No" keeps the integration active; "Yes" sets it inactive with the operator's reason, and the view
    // follows.
    void deactivateAsksAndSetsInactive() {
        db::IntegrationRepository integrations(db::Database::connection());
        QVERIFY(integrations.upsert(QStringLiteral("acme"), db::IntegrationRepository::Gmail,
                                    QStringLiteral("oauth"), QByteArray("sealed"), QStringLiteral("k1")));
        m_window->start();
        QTRY_VERIFY(m_window->selectTenant(QStringLiteral("globex")));
        QAction *deactivate = action("deactivateAction");
        QVERIFY(deactivate);
        QTRY_VERIFY(!deactivate->isEnabled()); // globex has no integration
        QVERIFY(m_window->selectTenant(QStringLiteral("acme")));
        QTRY_VERIFY(deactivate->isEnabled());

        ui::MessageBox::setNextAnswer(QMessageBox::No);
        deactivate->trigger();
        QVERIFY2(ui::MessageBox::lastText().contains(QLatin1String("ops@acme.example")),
                 qPrintable(ui::MessageBox::lastText()));
        QCOMPARE(integrations.find(QStringLiteral("acme"))->status, QStringLiteral("active"));

        QSignalSpy finished(m_window.get(), &ui::MainWindow::deactivateFinished);
        ui::MessageBox::setNextAnswer(QMessageBox::Yes);
        deactivate->trigger();
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(finished.at(0).at(0).toBool(), true);
        const auto after = integrations.find(QStringLiteral("acme"));
        QVERIFY2(after, qPrintable(integrations.errorString()));
        QCOMPARE(after->status, QStringLiteral("inactive"));
        QCOMPARE(after->statusReason, QStringLiteral("deactivated by an operator"));
        auto *model = m_window->tenantModel();
        QTRY_COMPARE(model->index(model->rowOf(QStringLiteral("acme")), ui::TenantTableModel::Integration)
                         .data()
                         .toString(),
                     QStringLiteral("Inactive"));
        QTRY_VERIFY(!deactivate->isEnabled());
    }

    void unlockAsksAndClearsTheLease() {
        db::TenantRepository tenants(db::Database::connection());
        const auto lease = tenants.tryAcquireLease(QStringLiteral("acme"), QStringLiteral("host-7:4711:1"));
        QVERIFY(lease && lease->acquired);

        m_window->start();
        QTRY_VERIFY(m_window->selectTenant(QStringLiteral("acme")));
        QAction *unlock = action("unlockAction");
        QVERIFY(unlock);
        QTRY_VERIFY(unlock->isEnabled());
        auto *model = m_window->tenantModel();
        const int row = model->rowOf(QStringLiteral("acme"));
        QVERIFY(model->index(row, ui::TenantTableModel::SyncState)
                    .data()
                    .toString()
                    .contains(QLatin1String("host-7:4711:1")));

        // "No" changes nothing.
        ui::MessageBox::setNextAnswer(QMessageBox::No);
        unlock->trigger();
        QVERIFY2(ui::MessageBox::lastText().contains(QLatin1String("host-7:4711:1")),
                 qPrintable(ui::MessageBox::lastText()));
        QCOMPARE(tenant(QStringLiteral("acme"))->syncLockedBy, QStringLiteral("host-7:4711:1"));

        // "Yes" clears it, and the view follows.
        QSignalSpy finished(m_window.get(), &ui::MainWindow::unlockFinished);
        ui::MessageBox::setNextAnswer(QMessageBox::Yes);
        unlock->trigger();
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(finished.at(0).at(0).toBool(), true);
        const auto after = tenant(QStringLiteral("acme"));
        QVERIFY(after);
        QVERIFY(after->syncLockedBy.isEmpty());
        QVERIFY(!after->syncLockedAt.isValid());
        QTRY_COMPARE(model->index(model->rowOf(QStringLiteral("acme")), ui::TenantTableModel::SyncState)
                         .data()
                         .toString(),
                     QStringLiteral("Idle"));
        QTRY_VERIFY(!unlock->isEnabled());
        // The operator's unlock is in the audit trail once ("No" did nothing, so left nothing).
        QSqlQuery audit(db::Database::connection());
        QVERIFY(audit.exec(
                    QStringLiteral("SELECT count(*), min(actor) FROM audit_log WHERE action = 'unlock' AND "
                                   "tenant_id = 'acme' AND outcome = 'ok'")) &&
                audit.next());
        QCOMPARE(audit.value(0).toInt(), 1);
        QVERIFY(audit.value(1).toString().startsWith(QLatin1String("os:")));
    }

    void unlockLeavesANewHolderAlone() {
        db::TenantRepository tenants(db::Database::connection());
        QVERIFY(tenants.tryAcquireLease(QStringLiteral("acme"), QStringLiteral("old-holder"))->acquired);
        m_window->start();
        QTRY_VERIFY(m_window->selectTenant(QStringLiteral("acme")));
        QTRY_VERIFY(action("unlockAction")->isEnabled());
        // The lease changes hands after the window loaded it: the unlock must not clear the new holder's.
        QVERIFY(tenants.forceUnlock(QStringLiteral("acme")));
        QVERIFY(tenants.tryAcquireLease(QStringLiteral("acme"), QStringLiteral("new-holder"))->acquired);
        QSignalSpy finished(m_window.get(), &ui::MainWindow::unlockFinished);
        ui::MessageBox::setNextAnswer(QMessageBox::Yes); // the confirmation
        action("unlockAction")->trigger();
        ui::MessageBox::setNextAnswer(QMessageBox::Ok); // the "nothing changed" note
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        QCOMPARE(tenant(QStringLiteral("acme"))->syncLockedBy, QStringLiteral("new-holder"));
    }

    void historicalSyncQueuesAJob() {
        m_window->start();
        QTRY_VERIFY(m_window->selectTenant(QStringLiteral("globex")));
        QSignalSpy queued(m_window.get(), &ui::MainWindow::jobQueued);
        action("historicalSyncAction")->trigger();
        auto *dialog = m_window->findChild<ui::HistoricalSyncDialog *>();
        QVERIFY(dialog);
        const QDate to = QDate::currentDate().addDays(-1);
        const QDate from = to.addMonths(-2);
        dialog->setRange(from, to);
        dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
        QTRY_COMPARE(queued.count(), 1);
        db::JobRepository jobs(db::Database::connection());
        const auto job = jobs.find(queued.at(0).at(0).toLongLong());
        QVERIFY2(job, qPrintable(jobs.errorString()));
        QCOMPARE(job->tenantId, QStringLiteral("globex"));
        QCOMPARE(job->kind, jobs::JobKind::Historical);
        QCOMPARE(job->status, QStringLiteral("queued"));
        QCOMPARE(job->params.value(QLatin1String("from")).toString(), from.toString(Qt::ISODate));
        QCOMPARE(job->params.value(QLatin1String("to")).toString(), to.toString(Qt::ISODate));
    }

    // The tenant list counts each tenant's failed messages (the tooltip says how many are permanent);
    // "Retry failed items" is offered only for a tenant that has some, and queues a forced incremental job
    // with {"retryFailed": true}.
    void failedItemsAndRetry() {
        db::MessageFailureRepository failures(db::Database::connection());
        QVERIFY2(failures.record(QStringLiteral("acme"), 0,
                                 {{QStringLiteral("m-500"), db::MessageFailure::Kind::Fetch,
                                   QStringLiteral("Gmail answered 500 backendError")},
                                  {QStringLiteral("m-mime"), db::MessageFailure::Kind::Parse,
                                   QStringLiteral("MIME structure nested deeper than 64 levels")}},
                                 5),
                 qPrintable(failures.errorString()));
        // One of them has failed for the last time: permanent.
        QVERIFY(failures.record(QStringLiteral("acme"), 0,
                                {{QStringLiteral("m-mime"), db::MessageFailure::Kind::Parse,
                                  QStringLiteral("MIME structure nested deeper than 64 levels")}},
                                2));
        m_window->start();
        QTRY_VERIFY(m_window->selectTenant(QStringLiteral("globex")));
        auto *model = m_window->tenantModel();
        auto failedCell = [model](const char *tenant) {
            return model->index(model->rowOf(QLatin1String(tenant)), ui::TenantTableModel::Failed);
        };
        QCOMPARE(failedCell("acme").data().toString(), QStringLiteral("2"));
        QCOMPARE(failedCell("globex").data().toString(), QStringLiteral("0"));
        const QString tip = failedCell("acme").data(Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains(QLatin1String("2 messages")) &&
                     tip.contains(QLatin1String("1 of them failed too often and is retried")),
                 qPrintable(tip));
        QVERIFY(!failedCell("acme").data(Qt::DecorationRole).isNull()); // the warning icon
        QVERIFY(failedCell("globex").data(Qt::DecorationRole).isNull());

        QAction *retry = action("retryFailedAction");
        QVERIFY(retry);
        QVERIFY(m_window->findChild<QToolBar *>(QStringLiteral("mainToolBar"))->actions().contains(retry));
        bool inTenantMenu = false;
        for (QAction *menu : m_window->menuBar()->actions())
            inTenantMenu = inTenantMenu || (menu->menu() && menu->menu()->actions().contains(retry));
        QVERIFY(inTenantMenu);
        QTRY_VERIFY(!retry->isEnabled()); // globex has no failures
        QVERIFY(m_window->selectTenant(QStringLiteral("acme")));
        QTRY_VERIFY(retry->isEnabled());

        QSignalSpy queued(m_window.get(), &ui::MainWindow::jobQueued);
        retry->trigger();
        QTRY_COMPARE(queued.count(), 1);
        db::JobRepository jobs(db::Database::connection());
        const auto job = jobs.find(queued.at(0).at(0).toLongLong());
        QVERIFY2(job, qPrintable(jobs.errorString()));
        QCOMPARE(job->tenantId, QStringLiteral("acme"));
        QCOMPARE(job->kind, jobs::JobKind::Incremental);
        QCOMPARE(job->status, QStringLiteral("queued"));
        QVERIFY(job->force);
        QCOMPARE(job->params.value(QLatin1String("retryFailed")), QJsonValue(true));
    }

    void searchAndReadAThread() {
        m_window->start();
        ui::ThreadBrowser *browser = m_window->threadBrowser();
        QTRY_COMPARE(browser->model()->rowCount(), 2);
        browser->setSearch(QStringLiteral("marmalade"));
        QTRY_COMPARE(browser->model()->rowCount(), 1);
        QCOMPARE(browser->model()->thread(0)->threadId, QStringLiteral("t1"));
        browser->list()->selectRow(0);
        QTextDocument *doc = browser->threadView()->browser()->document();
        QTRY_VERIFY(doc->toPlainText().contains(QLatin1String("The marmalade recipe")));
        QVERIFY(!doc->toHtml().contains(QLatin1String("alert")));
    }
};

QTEST_MAIN(TestMainWindow)
#include "TestMainWindow.moc"
