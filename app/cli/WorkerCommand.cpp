#include "WorkerCommand.h"

#include "CliContext.h"
#include "SyncCommand.h"
#include "log/Log.h"
#include "log/LogEvent.h"
#include "push/PushService.h"
#include "sync/SyncEngine.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QHostAddress>
#include <QTimer>

#include <atomic>
#include <csignal>

namespace cli {

namespace {

std::atomic_bool s_stopRequested{false};

extern "C" void onStopSignal(int) {
    s_stopRequested = true; // lock-free atomic store: async-signal-safe
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
    if (parser.isSet(listen)) {
        const QString value = parser.value(listen);
        const qsizetype colon = value.lastIndexOf(QLatin1Char(':'));
        const int port = colon > 0 ? value.mid(colon + 1).toInt(&ok) : 0;
        if (colon <= 0 || !ok || port < 0 || port > 65535 || QHostAddress(value.left(colon)).isNull())
            return context.usageError(QStringLiteral("--listen needs HOST:PORT, e.g. 127.0.0.1:8080"),
                                      usage());
    }

    QString error;
    if (!context.openDatabase(&error))
        return context.fail(error);
    logging::LogOptions logOptions;
    if (!logging::Log::init(logOptions, &error))
        return context.fail(error);

    syncengine::SyncOptions options = SyncCommand::engineOptions(context);
    options.concurrency = threads;
    syncengine::SyncEngine engine(options);

    s_stopRequested = false;
    std::signal(SIGTERM, onStopSignal);
    std::signal(SIGINT, onStopSignal);
    engine.start();

    // Push: --listen push endpoint, Pub/Sub pull, watch renewal; settings from the environment
    // (push::PushService::fromEnvironment).
    push::PushService::Settings pushSettings;
    if (parser.isSet(listen)) {
        pushSettings.listenHost = QHostAddress();
        if (!push::PushEndpoint::parseHostPort(parser.value(listen), &*pushSettings.listenHost,
                                               &pushSettings.listenPort, &error)) {
            engine.stop();
            return context.usageError(error, usage());
        }
    }
    pushSettings.puller.pubsubUrl = QUrl(context.options().pubsubUrl);
    pushSettings.watch.gmailApiUrl = options.gmailApiUrl;
    pushSettings.watch.tokenProviderFactory = options.tokenProviderFactory;
    push::PushService pushService(push::PushService::fromEnvironment(pushSettings),
                                  [&engine](qint64) { engine.wakeWorkers(); });
    if (!pushService.start(&error)) {
        engine.stop();
        return context.fail(error);
    }
    if (pushService.port() != 0)
        context.err() << "gmail-sync worker: push endpoint on port " << pushService.port() << Qt::endl;

    logging::LogEvent(logging::Level::Info, "worker running").count("threads", threads).write();
    context.err() << "gmail-sync worker: " << threads << " threads ("
                  << engine.workerIds().join(QStringLiteral(", ")) << "); stop with SIGTERM or Ctrl-C"
                  << Qt::endl;

    QEventLoop loop;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&loop] {
        if (s_stopRequested)
            loop.quit();
    });
    poll.start(100);
    loop.exec();

    context.err() << "gmail-sync worker: stopping (finishing or abandoning current steps)" << Qt::endl;
    pushService.stop(); // push: no new jobs while the engine winds down
    engine.stop();
    logging::LogEvent(logging::Level::Info, "worker stopped gracefully").write();
    logging::Log::shutdown();
    std::signal(SIGTERM, SIG_DFL);
    std::signal(SIGINT, SIG_DFL);
    return ExitSuccess;
}

} // namespace cli

GSA_REGISTER_COMMAND(cli::WorkerCommand)
