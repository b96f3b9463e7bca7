#include "DbExecutor.h"
#include "JobFailureModel.h"
#include "JobTableModel.h"
#include "JobsPage.h"
#include "SettingsDialog.h"
#include "TestDatabase.h"
#include "Translations.h"
#include "db/Database.h"
#include "db/JobRepository.h"
#include "db/MessageFailureRepository.h"
#include "db/Migrator.h"
#include "db/TenantRepository.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSet>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTcpServer>
#include <QtTest>

#include <memory>

// The jobs model (filters, the failure notice behind the tray message) and the settings dialog's
// connection test, against a real PostgreSQL.
class TestJobsAndSettings final : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<testsupport::TestDatabase> m_testDb;

    static qint64 claim(db::JobRepository &jobs, qint64 id) {
        std::optional<db::SyncJob> job;
        db::ClaimOptions options;
        options.workerId = QStringLiteral("w1");
        options.onlyJobId = id;
        if (!jobs.claimNext(options, &job) || !job)
            return 0;
        return job->id;
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
            QVERIFY(tenants.add(t));
        }
    }

    void cleanup() {
        db::Database::closeThreadConnection();
        m_testDb.reset();
    }

    void failureIsAnnouncedOnce() {
        db::JobRepository jobs(db::Database::connection());
        const auto old = jobs.enqueue(QStringLiteral("acme"), ::jobs::IncrementalParams{}, true);
        QVERIFY(old && claim(jobs, *old));
        bool final = false;
        QVERIFY(
            jobs.failStep(*old, QStringLiteral("w1"), QStringLiteral("old failure"), {}, true, 0, 1, &final));
        const auto id = jobs.enqueue(QStringLiteral("globex"), ::jobs::InitialParams{}, true);
        QVERIFY(id && claim(jobs, *id));

        ui::DbExecutor executor;
        ui::JobTableModel model(&executor);
        QSignalSpy refreshed(&model, &ui::JobTableModel::refreshed);
        QSignalSpy failed(&model, &ui::JobTableModel::jobFailed);
        model.refresh();
        QTRY_COMPARE(refreshed.count(), 1);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(failed.count(), 0); // a failure from before the window opened is not news

        QVERIFY(jobs.failStep(*id, QStringLiteral("w1"), QStringLiteral("Gmail answered 500"),
                              QStringLiteral("detail"), true, 0, 1, &final));
        QVERIFY(final);
        model.refresh();
        QTRY_COMPARE(refreshed.count(), 2);
        QCOMPARE(failed.count(), 1);
        const auto job = failed.at(0).at(0).value<db::SyncJob>();
        QCOMPARE(job.id, *id);
        QCOMPARE(job.errorMessage, QStringLiteral("Gmail answered 500"));
        model.refresh();
        QTRY_COMPARE(refreshed.count(), 3);
        QCOMPARE(failed.count(), 1);

        // The detail text carries the full error; the status filter runs in the query.
        const int row = model.index(0, 0).data(ui::JobTableModel::JobIdRole).toLongLong() == *id ? 0 : 1;
        QVERIFY(ui::JobTableModel::describe(*model.job(row)).contains(QLatin1String("detail")));
        model.setFilter(QStringLiteral("acme"), QStringLiteral("failed"));
        QTRY_COMPARE(refreshed.count(), 4);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.job(0)->id, *old);
        model.setFilter(QString(), QStringLiteral("running"));
        QTRY_COMPARE(refreshed.count(), 5);
        QCOMPARE(model.rowCount(), 0);
    }

    // A job that could not store two messages: its row and its detail text carry the failed count, and the
    // details pane lists the messages with their kind and error; a job without failures shows no list.
    void jobDetailsListTheFailedMessages() {
        db::JobRepository jobs(db::Database::connection());
        const auto id = jobs.enqueue(QStringLiteral("acme"), ::jobs::IncrementalParams{}, true);
        QVERIFY(id && claim(jobs, *id));
        db::JobCounts counts;
        counts.processed = 10;
        counts.inserted = 8;
        counts.failed = 2;
        QVERIFY2(jobs.checkpoint(*id, QStringLiteral("w1"), {{QStringLiteral("page"), 1}}, counts),
                 qPrintable(jobs.errorString()));
        db::MessageFailureRepository failures(db::Database::connection());
        QVERIFY2(failures.record(QStringLiteral("acme"), *id,
                                 {{QStringLiteral("18c2f0a1"), db::MessageFailure::Kind::Fetch,
                                   QStringLiteral("Gmail answered 500 backendError after 6 attempts")},
                                  {QStringLiteral("18c2f0b2"), db::MessageFailure::Kind::TooLarge,
                                   QStringLiteral("the message is 41 MB, over the 25 MB cap")}},
                                 5),
                 qPrintable(failures.errorString()));
        QVERIFY(jobs.succeed(*id, QStringLiteral("w1")));
        const auto clean = jobs.enqueue(QStringLiteral("globex"), ::jobs::IncrementalParams{}, true);
        QVERIFY(clean && claim(jobs, *clean));
        QVERIFY(jobs.succeed(*clean, QStringLiteral("w1")));

        ui::DbExecutor executor;
        ui::JobTableModel model(&executor);
        ui::JobsPage page(&model, &executor);
        QSignalSpy refreshed(&model, &ui::JobTableModel::refreshed);
        page.refresh();
        QTRY_COMPARE(refreshed.count(), 1);
        QCOMPARE(model.rowCount(), 2);
        auto rowOf = [&model](qint64 jobId) {
            for (int row = 0; row < model.rowCount(); ++row)
                if (model.job(row)->id == jobId)
                    return row;
            return -1;
        };
        const int row = rowOf(*id);
        QVERIFY(row >= 0);
        QCOMPARE(model.job(row)->failed, qint64(2));
        QCOMPARE(model.index(row, ui::JobTableModel::Failed).data().toString(), QStringLiteral("2"));
        QCOMPARE(model.index(rowOf(*clean), ui::JobTableModel::Failed).data().toString(),
                 QStringLiteral("0"));
        QVERIFY2(ui::JobTableModel::describe(*model.job(row)).contains(QLatin1String("failed 2")),
                 qPrintable(ui::JobTableModel::describe(*model.job(row))));

        auto *view = page.findChild<QTableView *>(QStringLiteral("jobView"));
        auto *failureView = page.findChild<QTableView *>(QStringLiteral("jobFailureView"));
        auto *failureBox = page.findChild<QWidget *>(QStringLiteral("jobFailures"));
        auto *label = page.findChild<QLabel *>(QStringLiteral("jobFailureLabel"));
        QVERIFY(view && failureView && failureBox && label);
        auto selectJob = [view](qint64 jobId) {
            for (int r = 0; r < view->model()->rowCount(); ++r)
                if (view->model()->index(r, 0).data(ui::JobTableModel::JobIdRole).toLongLong() == jobId) {
                    view->selectRow(r);
                    return true;
                }
            return false;
        };
        QVERIFY(selectJob(*id));
        QTRY_COMPARE(failureView->model()->rowCount(), 2);
        QTRY_VERIFY(failureBox->isVisibleTo(&page));
        QVERIFY2(label->text().contains(QLatin1String("2 messages")), qPrintable(label->text()));
        QSet<QString> seen;
        for (int r = 0; r < 2; ++r) {
            auto cell = [&](int column) { return failureView->model()->index(r, column).data().toString(); };
            seen.insert(QStringLiteral("%1|%2|%3|%4|%5")
                            .arg(cell(ui::JobFailureModel::MessageId), cell(ui::JobFailureModel::Kind),
                                 cell(ui::JobFailureModel::Attempts), cell(ui::JobFailureModel::Permanent),
                                 cell(ui::JobFailureModel::LastError)));
        }
        QCOMPARE(seen,
                 (QSet<QString>{
                     QStringLiteral("18c2f0a1|Fetch|1|no|Gmail answered 500 backendError after 6 attempts"),
                     QStringLiteral("18c2f0b2|Too large|1|no|the message is 41 MB, over the 25 MB cap")}));

        // The clean job: no list.
        QVERIFY(selectJob(*clean));
        QTRY_COMPARE(failureView->model()->rowCount(), 0);
        QVERIFY(!failureBox->isVisibleTo(&page));

        // Back to the first job; a later sync stores one of the messages: the periodic refresh drops it.
        QVERIFY(selectJob(*id));
        QTRY_COMPARE(failureView->model()->rowCount(), 2);
        QCOMPARE(failures.resolve(QStringLiteral("acme"), {QStringLiteral("18c2f0b2")}), qint64(1));
        page.refresh();
        QTRY_COMPARE(failureView->model()->rowCount(), 1);
        QCOMPARE(failureView->model()->index(0, ui::JobFailureModel::MessageId).data().toString(),
                 QStringLiteral("18c2f0a1"));

        // A later job fails on the last one again: it moves to that job's list and leaves this one's.
        const auto later = jobs.enqueue(QStringLiteral("acme"), ::jobs::IncrementalParams{}, true);
        QVERIFY(later);
        QVERIFY(failures.record(QStringLiteral("acme"), *later,
                                {{QStringLiteral("18c2f0a1"), db::MessageFailure::Kind::Fetch,
                                  QStringLiteral("Gmail answered 503")}},
                                5));
        ui::JobFailureModel *failureModel = page.failureModel();
        QSignalSpy loaded(failureModel, &ui::JobFailureModel::loaded);
        failureModel->load(*id);
        QTRY_COMPARE(loaded.count(), 1);
        QCOMPARE(failureModel->jobId(), *id);
        QCOMPARE(failureModel->rowCount(), 0);
        QVERIFY(!failureBox->isVisibleTo(&page));
        failureModel->load(*later);
        QTRY_COMPARE(loaded.count(), 2);
        QCOMPARE(failureModel->rowCount(), 1);
        QCOMPARE(failureModel->failure(0)->attempts, 2);
        QCOMPARE(failureModel->failure(0)->lastError, QStringLiteral("Gmail answered 503"));
    }

    void databaseUrlRules_data() {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("errorContains");
        QTest::newRow("fine") << "postgresql://gsa@db.example.com/gsa" << QString();
        QTest::newRow("socket") << "postgresql:///gsa?host=/run/postgresql" << QString();
        QTest::newRow("empty") << ""
                               << "Enter the database URL";
        QTest::newRow("password") << "postgresql://gsa:secret@db.example.com/gsa"
                                  << "password";
        QTest::newRow("not a URL") << "mysql://x"
                                   << "not valid";
    }
    void databaseUrlRules() {
        QFETCH(QString, url);
        QFETCH(QString, errorContains);
        const QString error = ui::AppSettings::validateDatabaseUrl(url);
        if (errorContains.isEmpty())
            QVERIFY2(error.isEmpty(), qPrintable(error));
        else
            QVERIFY2(error.contains(errorContains), qPrintable(error));
        QVERIFY(!error.contains(QLatin1String("secret")));
    }

    void connectionTestRunsOffThreadAndExplains() {
        ui::DbExecutor executor;
        ui::AppSettings settings;
        settings.databaseUrl = m_testDb->url();
        ui::SettingsDialog dialog(settings, &executor);
        QSignalSpy finished(&dialog, &ui::SettingsDialog::testFinished);
        dialog.testConnection();
        QTRY_COMPARE(finished.count(), 1);
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(1).toString()));
        QVERIFY(finished.at(0).at(1).toString().contains(QLatin1String("PostgreSQL 15")));

        // A port where nothing listens: a clear error naming the server, and the GUI thread kept running.
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close();
        settings.databaseUrl = QStringLiteral("postgresql://nobody@127.0.0.1:%1/gsa").arg(port);
        ui::SettingsDialog bad(settings, &executor);
        QSignalSpy badFinished(&bad, &ui::SettingsDialog::testFinished);
        bad.testConnection();
        QCOMPARE(badFinished.count(), 0); // not answered synchronously
        QTRY_COMPARE(badFinished.count(), 1);
        QCOMPARE(badFinished.at(0).at(0).toBool(), false);
        const QString message = badFinished.at(0).at(1).toString();
        QVERIFY2(message.contains(QStringLiteral("127.0.0.1")) &&
                     message.contains(QStringLiteral("Connection failed")),
                 qPrintable(message));
        QCOMPARE(bad.findChild<QLabel *>(QStringLiteral("testResult"))->text(), message);
    }

    void quotaProfileAndOverrides() {
        // Gmail's two quota regimes (developers.google.com/workspace/gmail/api/reference/quota): the
        // stricter one by default, overrides checked as they are typed.
        ui::DbExecutor executor;
        ui::AppSettings settings;
        settings.databaseUrl = m_testDb->url();
        QCOMPARE(settings.quotaProfile, QStringLiteral("2026"));
        ui::SettingsDialog dialog(settings, &executor);
        auto *profile = dialog.findChild<QComboBox *>(QStringLiteral("quotaProfile"));
        auto *user = dialog.findChild<QSpinBox *>(QStringLiteral("quotaUserPerMinute"));
        auto *costs = dialog.findChild<QLineEdit *>(QStringLiteral("quotaCosts"));
        auto *result = dialog.findChild<QLabel *>(QStringLiteral("quotaResult"));
        QVERIFY(profile && user && costs && result);
        QPushButton *ok = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        QCOMPARE(profile->currentData().toString(), QStringLiteral("2026"));
        QVERIFY2(result->text().contains(QLatin1String("6000 units/user/min")), qPrintable(result->text()));
        QVERIFY(ok->isEnabled());

        profile->setCurrentIndex(profile->findData(QStringLiteral("legacy")));
        user->setValue(30000);
        costs->setText(QStringLiteral("messages.get=7"));
        QVERIFY2(result->text().contains(QLatin1String("30000 units/user/min")) &&
                     result->text().contains(QLatin1String("messages.get 7")),
                 qPrintable(result->text()));
        const ui::AppSettings edited = dialog.settings();
        QCOMPARE(edited.quotaProfile, QStringLiteral("legacy"));
        QCOMPARE(edited.quotaUserPerMinute, 30000);
        const auto quota = edited.quota();
        QVERIFY(quota);
        QCOMPARE(quota->userUnitsPerSecond(), 500.0);
        QCOMPARE(quota->cost(QStringLiteral("messages.get")), 7);

        costs->setText(QStringLiteral("messages.get=lots"));
        QVERIFY(!ok->isEnabled()); // refused, with the reason shown
        QVERIFY2(result->text().contains(QLatin1String("messages.get=lots")), qPrintable(result->text()));
    }
};

QTEST_MAIN(TestJobsAndSettings)
#include "TestJobsAndSettings.moc"
