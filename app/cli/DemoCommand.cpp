#include "DemoCommand.h"

#include "CliContext.h"
#include "SyncCommand.h"
#include "db/Database.h"
#include "db/EmailRepository.h"
#include "db/JobRepository.h"
#include "db/ThreadRepository.h"
#include "demo/DemoEnvironment.h"
#include "sync/SyncEngine.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonObject>

namespace cli {

namespace {

// The sync's outcome as the engine reported it (the job row says the rest).
struct EngineRun {
    QString status;
    QString error;
    double seconds = 0;
};

void printProgress(QTextStream &err, const QString &phase, qint64 processed, qint64 total, double rate) {
    err << phase << ": " << processed;
    if (total >= 0)
        err << "/~" << total;
    err << " messages, " << QString::number(rate, 'f', 1) << " msg/s" << Qt::endl;
}

// The real engine: worker QThreads with their own connections; progress comes back as queued signals.
// Runs until the job is finished.
EngineRun runEngine(const syncengine::SyncOptions &engineOptions, qint64 jobId, QTextStream &err) {
    syncengine::SyncEngine engine(engineOptions);
    QEventLoop loop;
    EngineRun run;
    QElapsedTimer clock;
    QElapsedTimer lastLine;
    QObject::connect(
        &engine, &syncengine::SyncEngine::progress, &loop,
        [&](qint64 id, const QString &, const QString &phase, qint64 processed, qint64 total, double rate) {
            if (id != jobId || phase.isEmpty() || (lastLine.isValid() && lastLine.elapsed() < 1000))
                return;
            lastLine.restart();
            printProgress(err, phase, processed, total, rate);
        });
    QObject::connect(&engine, &syncengine::SyncEngine::jobFinished, &loop,
                     [&](qint64 id, const QString &, const QString &status, const QString &message) {
                         if (id != jobId ||
                             (status != QLatin1String("succeeded") && status != QLatin1String("failed") &&
                              status != QLatin1String("lost")))
                             return;
                         run.status = status;
                         run.error = message;
                         loop.quit();
                     });
    clock.start();
    engine.start();
    loop.exec();
    engine.stop();
    run.seconds = clock.elapsed() / 1000.0;
    return run;
}

void printSummary(QTextStream &out, const db::SyncJob &job, qint64 stored, double seconds) {
    out << QStringLiteral(
               "initial sync (last 30 days) done in %1 s: %2 processed, %3 inserted, %4 updated, %5 skipped; "
               "%6 emails stored (%7 msg/s)")
               .arg(seconds, 0, 'f', 1)
               .arg(job.processed)
               .arg(job.inserted)
               .arg(job.updated)
               .arg(job.skipped)
               .arg(stored)
               .arg(seconds > 0 ? job.processed / seconds : 0.0, 0, 'f', 0)
        << Qt::endl;
}

void printNewestThreads(QTextStream &out, const QString &tenantId) {
    db::ThreadRepository threads(db::Database::connection());
    db::ThreadQuery query;
    query.tenantId = tenantId;
    const auto page = threads.page(query, std::nullopt, 8);
    if (!page)
        return;
    out << "newest threads:" << Qt::endl;
    for (const db::ThreadSummary &t : page->threads) {
        out << "  " << t.lastDate.toUTC().toString(Qt::ISODate) << "  " << t.messageCount << " msg  "
            << (t.subject.isEmpty() ? QStringLiteral("(no subject)") : t.subject.left(70)) << "  ["
            << t.labels.join(u',') << "]" << Qt::endl;
    }
}

} // namespace

int DemoCommand::run(CliContext &context, const QStringList &args) {
    demo::DemoEnvironment::Options options;
    if (const int rc = parseOptions(context, args, &options); rc >= 0)
        return rc;
    QTextStream &out = context.out();
    QString error;
    if (!context.openDatabase(&error))
        return context.fail(error);
    out << "database: "
        << (context.options().databaseUrl.isEmpty()
                ? QStringLiteral("embedded PostgreSQL cluster (private, Unix socket)")
                : db::Database::defaultSettings().redactedUrl())
        << Qt::endl;

    demo::DemoEnvironment environment(options);
    context.err() << "starting the Gmail API sandbox with " << options.messages << " generated messages..."
                  << Qt::endl;
    if (!environment.startSandbox())
        return context.fail(environment.errorString());
    out << "Gmail API sandbox: " << environment.sandboxUrl().toString() << Qt::endl;
    if (!environment.connectTenant())
        return context.fail(environment.errorString());
    out << "tenant: " << options.tenantId << " <" << options.email
        << ">, OAuth integration sealed in the vault" << Qt::endl;
    return initialSync(context, environment, options.tenantId);
}

int DemoCommand::parseOptions(CliContext &context, const QStringList &args,
                              demo::DemoEnvironment::Options *options) const {
    QCommandLineParser parser;
    const QCommandLineOption messages(QStringLiteral("messages"),
                                      QStringLiteral("Messages in the generated mailbox (default 2000)."),
                                      QStringLiteral("N"), QStringLiteral("2000"));
    const QCommandLineOption days(QStringLiteral("days"),
                                  QStringLiteral("Spread them over the last D days (default 60)."),
                                  QStringLiteral("D"), QStringLiteral("60"));
    parser.addOptions({messages, days});
    if (const int rc = parse(context, parser, args, 0, 0); rc >= 0)
        return rc;
    bool ok1 = false;
    bool ok2 = false;
    options->messages = parser.value(messages).toInt(&ok1);
    options->days = parser.value(days).toInt(&ok2);
    if (!ok1 || options->messages < 1 || options->messages > 1000000)
        return context.usageError(QStringLiteral("--messages takes a number from 1 to 1000000"), usage());
    if (!ok2 || options->days < 1 || options->days > 3650)
        return context.usageError(QStringLiteral("--days takes a number from 1 to 3650"), usage());
    options->keyFile = context.options().keyFile;
    return -1;
}

int DemoCommand::initialSync(CliContext &context, const demo::DemoEnvironment &environment,
                             const QString &tenantId) const {
    db::JobRepository jobs(db::Database::connection());
    const auto jobId = jobs.enqueue(tenantId, ::jobs::InitialParams{}, /*force=*/true);
    if (!jobId)
        return context.fail(jobs.errorString());
    syncengine::SyncOptions engineOptions = environment.syncOptions(SyncCommand::engineOptions(context));
    engineOptions.concurrency = 1;
    engineOptions.pollIntervalMs = 200;
    const EngineRun run = runEngine(engineOptions, *jobId, context.err());

    const auto job = jobs.find(*jobId);
    if (!job)
        return context.fail(jobs.errorString());
    if (job->status != QLatin1String("succeeded"))
        return context.fail(
            QStringLiteral("the initial sync %1: %2")
                .arg(job->status, job->errorMessage.isEmpty() ? run.error : job->errorMessage));
    db::EmailRepository emails(db::Database::connection());
    printSummary(context.out(), *job, emails.count(tenantId).value_or(-1), run.seconds);
    printNewestThreads(context.out(), tenantId);
    context.out() << "next: gmail-sync status " << tenantId << " --json, gmail-sync emails " << tenantId
                  << " --limit 5 --json (the demo database stays in the user's data directory)" << Qt::endl;
    return ExitSuccess;
}

} // namespace cli

GSA_REGISTER_COMMAND(cli::DemoCommand)
