#include "AppSettings.h"
#include "ConnectWizard.h"
#include "demo/DemoSeeder.h"
#include "DemoSession.h"
#include "HistoricalSyncDialog.h"
#include "JobTableModel.h"
#include "JobsPage.h"
#include "MainWindow.h"
#include "SettingsDialog.h"
#include "TenantTableModel.h"
#include "ThreadBrowser.h"
#include "ThreadListModel.h"
#include "Translations.h"
#include "common/AppInfo.h"
#include "db/ConnectionSettings.h"
#include "db/Database.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressDialog>
#include <QRadioButton>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>

namespace {

std::atomic_bool s_quitRequested{false};

extern "C" void onQuitSignal(int) {
    s_quitRequested = true;
}

// Saves each view of the real window as PNG into `dir` (docs/screenshots, tests/gui/screenshots.sh), then
// quits.
void takeScreenshots(ui::MainWindow *window, const QString &dir) {
    QDir().mkpath(dir);
    auto save = [dir](QWidget *w, const QString &name) {
        const QString path = QDir(dir).filePath(name);
        if (!w->grab().save(path))
            std::fprintf(stderr, "cannot write %s\n", qPrintable(path));
        else
            std::printf("%s\n", qPrintable(path));
    };
    auto *steps = new QTimer(window);
    auto step = std::make_shared<int>(0);
    QObject::connect(steps, &QTimer::timeout, window, [=] {
        switch ((*step)++) {
        case 0:
            window->tabs()->setCurrentIndex(0);
            window->selectTenant(QStringLiteral("globex"));
            return;
        case 1: {
            save(window, QStringLiteral("main-window.png"));
            window->tabs()->setCurrentIndex(1);
            // The failed job, to show its error and detail.
            QTableView *jobs = window->jobsPage()->view();
            for (int row = 0; row < jobs->model()->rowCount(); ++row)
                if (jobs->model()->index(row, ui::JobTableModel::Tenant).data().toString() ==
                    QLatin1String("umbrella"))
                    jobs->selectRow(row);
            return;
        }
        case 2:
            save(window, QStringLiteral("jobs.png"));
            window->jobsPage()->showBottomTab(1);
            return;
        case 3: {
            save(window, QStringLiteral("jobs-charts.png"));
            window->jobsPage()->showBottomTab(0);
            // The job that could not store two messages, to show their list.
            QTableView *jobs = window->jobsPage()->view();
            for (int row = 0; row < jobs->model()->rowCount(); ++row)
                if (jobs->model()->index(row, ui::JobTableModel::Tenant).data().toString() ==
                        QLatin1String("acme") &&
                    jobs->model()
                            ->index(row, ui::JobTableModel::Failed)
                            .data(ui::JobTableModel::SortRole)
                            .toLongLong() > 0)
                    jobs->selectRow(row);
            return;
        }
        case 4: {
            save(window, QStringLiteral("jobs-failed-items.png"));
            window->tabs()->setCurrentIndex(2);
            QTableView *list = window->threadBrowser()->list();
            for (int row = 0; row < list->model()->rowCount(); ++row)
                if (list->model()->index(row, 0).data().toString().startsWith(QLatin1String("Quarterly")) ||
                    list->model()->index(row, 0).data().toString().startsWith(QLatin1String("Re: Quarterly")))
                    list->selectRow(row);
            return;
        }
        case 5:
            save(window, QStringLiteral("thread-view.png"));
            window->tabs()->setCurrentIndex(0);
            window->selectTenant(QStringLiteral("acme"));
            window->historicalSync();
            return;
        case 6:
            if (auto *dialog = window->findChild<ui::HistoricalSyncDialog *>()) {
                dialog->setRange(QDate::currentDate().addMonths(-5).addDays(3), QDate::currentDate());
                save(dialog, QStringLiteral("historical-sync-dialog.png"));
                dialog->setRange(QDate::currentDate(), QDate::currentDate().addMonths(-2));
                save(dialog, QStringLiteral("historical-sync-dialog-invalid.png"));
                dialog->reject();
            }
            window->openSettings();
            if (auto *settings = window->findChild<ui::SettingsDialog *>()) {
                settings->findChild<QLineEdit *>(QStringLiteral("databaseUrl"))
                    ->setText(db::Database::defaultSettings().redactedUrl());
                settings->findChild<QLineEdit *>(QStringLiteral("databaseUrl"))->setCursorPosition(0);
                settings->testConnection();
            }
            return;
        case 7:
            if (auto *settings = window->findChild<ui::SettingsDialog *>()) {
                save(settings, QStringLiteral("settings-dialog.png"));
                settings->reject();
            }
            window->connectMailbox();
            if (auto *wizard = window->findChild<ui::ConnectWizard *>()) {
                wizard->findChild<QLineEdit *>(QStringLiteral("tenantId"))->setText(QStringLiteral("wayne"));
                wizard->findChild<QLineEdit *>(QStringLiteral("displayName"))
                    ->setText(QStringLiteral("Wayne Enterprises"));
                wizard->findChild<QLineEdit *>(QStringLiteral("gmailAddress"))
                    ->setText(QStringLiteral("it@wayne.example"));
            }
            return;
        case 8:
            if (auto *wizard = window->findChild<ui::ConnectWizard *>()) {
                save(wizard, QStringLiteral("connect-wizard.png"));
                wizard->next();
                wizard->findChild<QLineEdit *>(QStringLiteral("keysFile"))
                    ->setText(QStringLiteral("/home/admin/wayne-gmail-sync-sa.json"));
            }
            return;
        case 9:
            if (auto *wizard = window->findChild<ui::ConnectWizard *>()) {
                save(wizard, QStringLiteral("connect-wizard-credentials.png"));
                wizard->findChild<QRadioButton *>(QStringLiteral("authBrowser"))->setChecked(true);
                wizard->setOAuthClient(QStringLiteral("1234567890-wayne.apps.googleusercontent.com"));
                wizard->setUrlOpener([](const QUrl &) {}); // no browser while taking screenshots
                wizard->next();
            }
            return;
        case 10:
            if (auto *wizard = window->findChild<ui::ConnectWizard *>()) {
                save(wizard, QStringLiteral("connect-wizard-browser.png"));
                wizard->reject();
            }
            return;
        default:
            steps->stop();
            QCoreApplication::quit();
        }
    });
    steps->start(1500);
}

} // namespace

int main(int argc, char *argv[]) {
    QApplication app(argc, argv);
    common::AppInfo::install();
    QApplication::setApplicationDisplayName(QStringLiteral("Gmail Sync Admin"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Gmail Sync Admin: watch and steer the Gmail sync of every tenant."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption databaseOption(
        QStringLiteral("database"),
        QStringLiteral("PostgreSQL URL (default: $GMAIL_SYNC_DATABASE_URL, then the saved setting)."),
        QStringLiteral("url"));
    const QCommandLineOption languageOption(QStringLiteral("language"),
                                            QStringLiteral("User interface language (en, de)."),
                                            QStringLiteral("lang"));
    const QCommandLineOption seedOption(
        QStringLiteral("seed-demo-data"),
        QStringLiteral("Fill an empty database with demo tenants, jobs and mail first."));
    const QCommandLineOption screenshotsOption(
        QStringLiteral("screenshots"), QStringLiteral("Save screenshots of each view into DIR and quit."),
        QStringLiteral("dir"));
    const QCommandLineOption demoOption(
        QStringLiteral("demo"),
        QStringLiteral("Try it without a Google account: a generated mailbox in the bundled Gmail sandbox, "
                       "synced live by an in-process engine (embedded PostgreSQL unless --database)."));
    parser.addOptions({databaseOption, languageOption, seedOption, screenshotsOption, demoOption});
    parser.process(app);

    const ui::AppSettings settings = ui::AppSettings::load();
    ui::Translations::install(parser.isSet(languageOption) ? parser.value(languageOption)
                                                           : settings.language);

    // The master-key source chosen in Settings, unless the environment already names one.
    if (!settings.masterKeyProvider.isEmpty() && qEnvironmentVariableIsEmpty("GMAIL_SYNC_KEY_SOURCES"))
        qputenv("GMAIL_SYNC_KEY_SOURCES", settings.masterKeyProvider.toUtf8());

    QString url = parser.value(databaseOption);
    if (url.isEmpty())
        url = qEnvironmentVariable("GMAIL_SYNC_DATABASE_URL");
    if (url.isEmpty())
        url = settings.databaseUrl;
    bool configured = false;
    if (!url.isEmpty()) {
        QString error;
        if (const auto parsed = db::ConnectionSettings::fromUrl(url, &error)) {
            db::Database::setDefaultSettings(*parsed);
            configured = true;
        } else {
            std::fprintf(stderr, "invalid database URL: %s\n", qPrintable(error));
            return 2;
        }
    }
    if (parser.isSet(seedOption)) {
        QString error;
        if (!configured || !demo::DemoSeeder::seed(&error)) {
            std::fprintf(stderr, "seeding demo data failed: %s\n",
                         qPrintable(configured ? error : QStringLiteral("no database given")));
            return 1;
        }
        db::Database::closeThreadConnection();
    }

    // Before the window: it outlives the window's database threads and stops last.
    std::unique_ptr<DemoSession> demo;
    auto windowOwner = std::make_unique<ui::MainWindow>();
    ui::MainWindow &window = *windowOwner;
    window.show();
    if (parser.isSet(demoOption)) {
        demo = std::make_unique<DemoSession>(configured);
        auto *progress =
            new QProgressDialog(QObject::tr("Starting the demo…"), QObject::tr("Quit"), 0, 0, &window);
        progress->setWindowTitle(QObject::tr("Gmail Sync Admin demo"));
        progress->setMinimumDuration(0);
        progress->setWindowModality(Qt::WindowModal);
        QObject::connect(progress, &QProgressDialog::canceled, &app, &QCoreApplication::quit);
        QObject::connect(demo.get(), &DemoSession::status, progress, &QProgressDialog::setLabelText);
        QObject::connect(demo.get(), &DemoSession::ready, &window, [&window, progress] {
            progress->deleteLater();
            window.start();
            window.selectTenant(QStringLiteral("demo"));
        });
        QObject::connect(demo.get(), &DemoSession::failed, &window,
                         [&window, progress](const QString &error) {
                             progress->deleteLater();
                             QMessageBox::critical(&window, QObject::tr("Demo"),
                                                   QObject::tr("The demo could not start: %1").arg(error));
                             QCoreApplication::exit(1);
                         });
        progress->show();
        // Ctrl-C / SIGTERM end the demo cleanly (engine, sandbox, cluster), like closing the window.
        std::signal(SIGINT, onQuitSignal);
        std::signal(SIGTERM, onQuitSignal);
        auto *signalPoll = new QTimer(&window);
        QObject::connect(signalPoll, &QTimer::timeout, &app, [] {
            if (s_quitRequested)
                QCoreApplication::quit();
        });
        signalPoll->start(200);
        demo->start();
        const int rc = app.exec();
        // The window's connections first: the embedded cluster stops only when nobody is connected.
        windowOwner.reset();
        db::Database::closeThreadConnection();
        demo->stop(); // the engine's workers, then the sandbox and the cluster
        return rc;
    }
    if (configured)
        window.start();
    else
        QTimer::singleShot(0, &window, &ui::MainWindow::openSettings);
    if (parser.isSet(screenshotsOption))
        takeScreenshots(&window, parser.value(screenshotsOption));
    return app.exec();
}
