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

int DemoCommand::run(CliContext &context, const QStringList &args) {
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
    demo::DemoEnvironment::Options options;
    options.messages = parser.value(messages).toInt(&ok1);
    options.days = parser.value(days).toInt(&ok2);
    if (!ok1 || options.messages < 1 || options.messages > 1000000)
        return context.usageError(QStringLiteral("--messages takes a number from 1 to 1000000"), usage());
    if (!ok2 || options.days < 1 || options.days > 3650)
        return context.usageError(QStringLiteral("--days takes a number from 1 to 3650"), usage());
    options.keyFile = context.options().keyFile;

    QTextStream &out = context.out();
    QTextStream &err = context.err();
    QString error;
    if (!context.openDatabase(&error))
        return context.fail(error);
    out << "database: "
        << (context.options().databaseUrl.isEmpty()
                ? QStringLiteral("embedded PostgreSQL cluster (private, Unix socket)")
                : db::Database::defaultSettings().redactedUrl())
        << Qt::endl;

    demo::DemoEnvironment environment(options);
    err << "starting the Gmail API sandbox with " << options.messages << " generated messages..." << Qt::endl;
    if (!environment.startSandbox())
        return context.fail(environment.errorString());
    out << "Gmail API sandbox: " << environment.sandboxUrl().toString() << Qt::endl;
    if (!environment.connectTenant())
        return context.fail(environment.errorString());
    out << "tenant: " << options.tenantId << " <" << options.email
        << ">, OAuth integration sealed in the vault" << Qt::endl;

    db::JobRepository jobs(db::Database::connection());
    const auto jobId =
        jobs.enqueue(options.tenantId, ::jobs::InitialParams{}, /*force=*/true);
    if (!jobId)
        return context.fail(jobs.errorString());

    // The real engine: worker QThreads with their own connections; progress comes back as queued signals.
    syncengine::SyncOptions engineOptions = environment.syncOptions(SyncCommand::engineOptions(context));
    engineOptions.concurrency = 1;
    engineOptions.pollIntervalMs = 200;
    syncengine::SyncEngine engine(engineOptions);
    QEventLoop loop;
    QString result;
    QString jobError;
    QElapsedTimer clock;
    QElapsedTimer lastLine;
    QObject::connect(
        &engine, &syncengine::SyncEngine::progress, &loop,
        [&](qint64 id, const QString &, const QString &phase, qint64 processed, qint64 total, double rate) {
            if (id != *jobId || phase.isEmpty() || (lastLine.isValid() && lastLine.elapsed() < 1000))
                return;
            lastLine.restart();
            err << phase << ": " << processed;
            if (total >= 0)
                err << "/~" << total;
            err << " messages, " << QString::number(rate, 'f', 1) << " msg/s" << Qt::endl;
        });
    QObject::connect(&engine, &syncengine::SyncEngine::jobFinished, &loop,
                     [&](qint64 id, const QString &, const QString &status, const QString &message) {
                         if (id != *jobId ||
                             (status != QLatin1String("succeeded") && status != QLatin1String("failed") &&
                              status != QLatin1String("lost")))
                             return;
                         result = status;
                         jobError = message;
                         loop.quit();
                     });
    clock.start();
    engine.start();
    loop.exec();
    engine.stop();
    const double seconds = clock.elapsed() / 1000.0;

    const auto job = jobs.find(*jobId);
    if (!job)
        return context.fail(jobs.errorString());
    if (job->status != QLatin1String("succeeded"))
        return context.fail(
            QStringLiteral("the initial sync %1: %2")
                .arg(job->status, job->errorMessage.isEmpty() ? jobError : job->errorMessage));

    db::EmailRepository emails(db::Database::connection());
    const qint64 stored = emails.count(options.tenantId).value_or(-1);
    out << QStringLiteral(
               "initial sync (last 30 days) done in %1 s: %2 processed, %3 inserted, %4 updated, %5 skipped; "
               "%6 emails stored (%7 msg/s)")
               .arg(seconds, 0, 'f', 1)
               .arg(job->processed)
               .arg(job->inserted)
               .arg(job->updated)
               .arg(job->skipped)
               .arg(stored)
               .arg(seconds > 0 ? job->processed / seconds : 0.0, 0, 'f', 0)
        << Qt::endl;

    db::ThreadRepository threads(db::Database::connection());
    db::ThreadQuery query;
    query.tenantId = options.tenantId;
    if (const auto page = threads.page(query, std::nullopt, 8)) {
        out << "newest threads:" << Qt::endl;
        for (const db::ThreadSummary &t : page->threads) {
            out << "  " << t.lastDate.toUTC().toString(Qt::ISODate) << "  " << t.messageCount << " msg  "
                << (t.subject.isEmpty() ? QStringLiteral("(no subject)") : t.subject.left(70)) << "  ["
                << t.labels.join(u',') << "]" << Qt::endl;
        }
    }
    out << "next: gmail-sync status " << options.tenantId << " --json, gmail-sync emails " << options.tenantId
        << " --limit 5 --json (the demo database stays in the user's data directory)" << Qt::endl;
    return ExitSuccess;
}

} // namespace cli

GSA_REGISTER_COMMAND(cli::DemoCommand)
