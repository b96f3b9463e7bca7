#include "WorkerCommand.h"

#include "CliContext.h"
#include "InterruptGuard.h"
#include "SyncCommand.h"
#include "log/Log.h"
#include "log/LogEvent.h"
#include "ops/AlertService.h"
#include "push/PushService.h"
#include "sync/SyncEngine.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QHostAddress>

namespace cli {

namespace {

// HOST:PORT with a literal address, e.g. 127.0.0.1:8080.
bool isHostPort(const QString &value) {
    bool ok = false;
    const qsizetype colon = value.lastIndexOf(QLatin1Char(':'));
    const int port = colon > 0 ? value.mid(colon + 1).toInt(&ok) : 0;
    return colon > 0 && ok && port >= 0 && port <= 65535 && !QHostAddress(value.left(colon)).isNull();
}

// The push endpoint (--listen), Pub/Sub pull and watch renewal; the rest from the environment
// (push::PushService::fromEnvironment).
std::optional<push::PushService::Settings> pushSettings(CliContext &context, const QString &listen,
                                                        const syncengine::SyncOptions &options,
                                                        QString *error) {
    push::PushService::Settings settings;
    if (!listen.isEmpty()) {
        settings.listenHost = QHostAddress();
        if (!push::PushEndpoint::parseHostPort(listen, &*settings.listenHost, &settings.listenPort, error))
            return std::nullopt;
    }
    settings.puller.pubsubUrl = QUrl(context.options().pubsubUrl);
    settings.watch.gmailApiUrl = options.gmailApiUrl;
    settings.watch.tokenProviderFactory = options.tokenProviderFactory;
    return push::PushService::fromEnvironment(settings);
}

// Until SIGTERM or SIGINT (also one that came before).
void waitForStop(InterruptGuard &interrupt) {
    QEventLoop loop;
    interrupt.onInterrupt([&loop] { loop.quit(); });
    loop.exec();
}

} // namespace

int WorkerCommand::run(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    const QCommandLineOption concurrency(QStringLiteral("concurrency"),
                                         QStringLiteral("Worker threads (default 2)."), QStringLiteral("N"),
                                         QStringLiteral("2"));
    const QCommandLineOption listen(QStringLiteral("listen"),
                                    QStringLiteral("Also serve the Pub/Sub push endpoint on HOST:PORT."),
                                    QStringLiteral("HOST:PORT"));
    parser.addOptions({concurrency, listen});
    if (const int rc = parse(context, parser, args, 0, 0); rc >= 0)
        return rc;
    bool ok = false;
    const int threads = parser.value(concurrency).toInt(&ok);
    if (!ok || threads < 1 || threads > 64)
        return context.usageError(QStringLiteral("--concurrency must be a number from 1 to 64"), usage());
    if (parser.isSet(listen) && !isHostPort(parser.value(listen)))
        return context.usageError(QStringLiteral("--listen needs HOST:PORT, e.g. 127.0.0.1:8080"), usage());

    QString error;
    if (!context.openDatabase(&error))
        return context.fail(error);
    logging::LogOptions logOptions;
    if (!logging::Log::init(logOptions, &error))
        return context.fail(error);

    syncengine::SyncOptions options = SyncCommand::engineOptions(context);
    options.concurrency = threads;
    const auto settings = pushSettings(context, parser.value(listen), options, &error);
    if (!settings)
        return context.usageError(error, usage());
    syncengine::SyncEngine engine(options);
    InterruptGuard interrupt;
    engine.start();
    push::PushService pushService(*settings, [&engine](qint64) { engine.wakeWorkers(); });
    if (!pushService.start(&error)) {
        engine.stop();
        return context.fail(error);
    }
    if (pushService.port() != 0)
        context.err() << "gmail-sync worker: push endpoint on port " << pushService.port() << Qt::endl;
    // Alerts: scanned by every worker (de-duplicated in the database), POSTed to GMAIL_SYNC_ALERT_WEBHOOKS.
    ops::AlertService alerts(ops::AlertService::fromEnvironment());
    alerts.start();

    logging::LogEvent(logging::Level::Info, "worker running").count("threads", threads).write();
    context.err() << "gmail-sync worker: " << threads << " threads ("
                  << engine.workerIds().join(QStringLiteral(", ")) << "); stop with SIGTERM or Ctrl-C"
                  << Qt::endl;
    waitForStop(interrupt);

    context.err() << "gmail-sync worker: stopping (finishing or abandoning current steps)" << Qt::endl;
    pushService.stop(); // push: no new jobs while the engine winds down
    engine.stop();
    logging::LogEvent(logging::Level::Info, "worker stopped gracefully").write();
    logging::Log::shutdown();
    return ExitSuccess;
}

} // namespace cli

GSA_REGISTER_COMMAND(cli::WorkerCommand)
