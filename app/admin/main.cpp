#include "AppSettings.h"
#include "DemoSession.h"
#include "MainWindow.h"
#include "ScreenshotTour.h"
#include "Translations.h"
#include "common/AppInfo.h"
#include "db/ConnectionSettings.h"
#include "db/Database.h"
#include "demo/DemoSeeder.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>
#include <QProgressDialog>
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

struct AdminOptions {
    QString databaseUrl; // --database, else $GMAIL_SYNC_DATABASE_URL, else the saved setting
    QString language;
    bool seedDemoData = false;
    QString screenshotsDir;
    bool demo = false;
};

AdminOptions parseOptions(const QApplication &app, const ui::AppSettings &settings) {
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

    AdminOptions options;
    options.databaseUrl = parser.value(databaseOption);
    if (options.databaseUrl.isEmpty())
        options.databaseUrl = qEnvironmentVariable("GMAIL_SYNC_DATABASE_URL");
    if (options.databaseUrl.isEmpty())
        options.databaseUrl = settings.databaseUrl;
    options.language = parser.isSet(languageOption) ? parser.value(languageOption) : settings.language;
    options.seedDemoData = parser.isSet(seedOption);
    options.screenshotsDir = parser.value(screenshotsOption);
    options.demo = parser.isSet(demoOption);
    return options;
}

// Sets db::Database's default settings from `url` (none: not configured). False for a URL that does not
// parse (said on stderr).
bool configureDatabase(const QString &url, bool *configured) {
    *configured = false;
    if (url.isEmpty())
        return true;
    QString error;
    const auto parsed = db::ConnectionSettings::fromUrl(url, &error);
    if (!parsed) {
        std::fprintf(stderr, "invalid database URL: %s\n", qPrintable(error));
        return false;
    }
    db::Database::setDefaultSettings(*parsed);
    *configured = true;
    return true;
}

bool seedDemoData(bool configured) {
    QString error;
    if (!configured || !demo::DemoSeeder::seed(&error)) {
        std::fprintf(stderr, "seeding demo data failed: %s\n",
                     qPrintable(configured ? error : QStringLiteral("no database given")));
        return false;
    }
    db::Database::closeThreadConnection();
    return true;
}

// A modal progress dialog until the demo is ready (then the window starts) or failed (then the app exits 1).
void showDemoProgress(ui::MainWindow &window, DemoSession *demo) {
    auto *progress =
        new QProgressDialog(QObject::tr("Starting the demo…"), QObject::tr("Quit"), 0, 0, &window);
    progress->setWindowTitle(QObject::tr("Gmail Sync Admin demo"));
    progress->setMinimumDuration(0);
    progress->setWindowModality(Qt::WindowModal);
    QObject::connect(progress, &QProgressDialog::canceled, qApp, &QCoreApplication::quit);
    QObject::connect(demo, &DemoSession::status, progress, &QProgressDialog::setLabelText);
    QObject::connect(demo, &DemoSession::ready, &window, [&window, progress] {
        progress->deleteLater();
        window.start();
        window.selectTenant(QStringLiteral("demo"));
    });
    QObject::connect(demo, &DemoSession::failed, &window, [&window, progress](const QString &error) {
        progress->deleteLater();
        QMessageBox::critical(&window, QObject::tr("Demo"),
                              QObject::tr("The demo could not start: %1").arg(error));
        QCoreApplication::exit(1);
    });
    progress->show();
}

// Ctrl-C / SIGTERM end the demo cleanly (engine, sandbox, cluster), like closing the window.
void quitOnSignals(ui::MainWindow &window) {
    std::signal(SIGINT, onQuitSignal);
    std::signal(SIGTERM, onQuitSignal);
    auto *signalPoll = new QTimer(&window);
    QObject::connect(signalPoll, &QTimer::timeout, qApp, [] {
        if (s_quitRequested)
            QCoreApplication::quit();
    });
    signalPoll->start(200);
}

// `--demo`: the window over a DemoSession, which outlives the window's database threads and stops last.
int runDemo(QApplication &app, std::unique_ptr<ui::MainWindow> &windowOwner, bool configured) {
    auto demo = std::make_unique<DemoSession>(configured);
    showDemoProgress(*windowOwner, demo.get());
    quitOnSignals(*windowOwner);
    demo->start();
    const int rc = app.exec();
    // The window's connections first: the embedded cluster stops only when nobody is connected.
    windowOwner.reset();
    db::Database::closeThreadConnection();
    demo->stop(); // the engine's workers, then the sandbox and the cluster
    return rc;
}

} // namespace

int main(int argc, char *argv[]) {
    QApplication app(argc, argv);
    common::AppInfo::install();
    QApplication::setApplicationDisplayName(QStringLiteral("Gmail Sync Admin"));

    const ui::AppSettings settings = ui::AppSettings::load();
    const AdminOptions options = parseOptions(app, settings);
    ui::Translations::install(options.language);

    // The master-key source chosen in Settings, unless the environment already names one.
    if (!settings.masterKeyProvider.isEmpty() && qEnvironmentVariableIsEmpty("GMAIL_SYNC_KEY_SOURCES"))
        qputenv("GMAIL_SYNC_KEY_SOURCES", settings.masterKeyProvider.toUtf8());

    bool configured = false;
    if (!configureDatabase(options.databaseUrl, &configured))
        return 2;
    if (options.seedDemoData && !seedDemoData(configured))
        return 1;

    auto windowOwner = std::make_unique<ui::MainWindow>();
    ui::MainWindow &window = *windowOwner;
    window.show();
    if (options.demo)
        return runDemo(app, windowOwner, configured);
    if (configured)
        window.start();
    else
        QTimer::singleShot(0, &window, &ui::MainWindow::openSettings);
    if (!options.screenshotsDir.isEmpty())
        (new ScreenshotTour(&window, options.screenshotsDir))->start();
    return app.exec();
}
