#include "SyncCommand.h"

#include "CliContext.h"
#include "auth/AccessTokenProvider.h"
#include "auth/TokenManager.h"
#include "crypto/KeyProviderChain.h"
#include "db/JobRepository.h"
#include "db/TenantRepository.h"
#include "log/Log.h"
#include "log/LogEvent.h"
#include "sync/JobRunner.h"
#include "sync/SyncEngine.h"

#include <QDate>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QRegularExpression>
#include <QThread>

#include <atomic>
#include <csignal>
#include <mutex>

namespace cli {

namespace {

std::atomic_bool s_interrupted{false};

extern "C" void onInterrupt(int) {
    s_interrupted = true; // lock-free atomic store: async-signal-safe
}

std::optional<QDate> parseDate(const QString &text) {
    // Strictly YYYY-MM-DD (Qt::ISODate alone would also take other shapes).
    static const QRegularExpression shape(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}$"));
    if (!shape.match(text).hasMatch())
        return std::nullopt;
    const QDate d = QDate::fromString(text, QStringLiteral("yyyy-MM-dd"));
    if (!d.isValid())
        return std::nullopt;
    return d;
}

QString describeProgress(const syncengine::ProgressUpdate &u) {
    QString line = QStringLiteral("%1: %2")
                       .arg(u.phase.isEmpty() ? QStringLiteral("starting") : u.phase)
                       .arg(u.processed);
    if (u.estimatedTotal >= 0)
        line += QStringLiteral("/~%1").arg(u.estimatedTotal);
    return line + QStringLiteral(" messages, %1 msg/s").arg(u.messagesPerSecond, 0, 'f', 1);
}

} // namespace

syncengine::SyncOptions SyncCommand::engineOptions(CliContext &context) {
    syncengine::SyncOptions options;
    options.gmailApiUrl = QUrl(context.options().gmailApiUrl);
    const QString token = qEnvironmentVariable("GMAIL_SYNC_ACCESS_TOKEN");
    if (!token.isEmpty()) {
        auto provider = std::make_shared<auth::StaticTokenProvider>(token);
        options.tokenProviderFactory = [provider](const QString &) { return provider; };
    } else {
        // The tenant's integration (sealed in the vault) through auth::TokenManager: one manager per
        // tenant per process, shared by all worker threads. The vault is opened once, on first use.
        struct VaultHolder {
            std::mutex mutex;
            std::shared_ptr<crypto::Vault> vault;
            QString error;
        };
        auto holder = std::make_shared<VaultHolder>();
        const QString keyFile = context.options().keyFile;
        const QUrl tokenUrl(context.options().oauthTokenUrl);
        options.tokenProviderFactory =
            [holder, keyFile,
             tokenUrl](const QString &tenantId) -> std::shared_ptr<auth::AccessTokenProvider> {
            std::lock_guard lock(holder->mutex);
            if (!holder->vault && holder->error.isEmpty()) {
                QString error;
                auto vault = crypto::KeyProviderChain::standard(keyFile)->vault({}, &error);
                if (vault)
                    holder->vault = std::make_shared<crypto::Vault>(std::move(*vault));
                else
                    holder->error = error;
            }
            if (!holder->vault) {
                logging::LogEvent(logging::Level::Error, "cannot open the credentials vault")
                    .tenant(tenantId)
                    .error(holder->error)
                    .write();
                return nullptr;
            }
            auth::TokenManager::Params params;
            params.tenantId = tenantId;
            params.oauthTokenUrl = tokenUrl;
            return auth::TokenManager::sharedFor(params, *holder->vault);
        };
    }
    bool ok = false;
    if (const int n = qEnvironmentVariableIntValue("GMAIL_SYNC_START_LIMIT", &ok); ok && n > 0)
        options.startLimitPerMinute = n;
    if (const int n = qEnvironmentVariableIntValue("GMAIL_SYNC_LEASE_STALE_SECONDS", &ok); ok && n > 0)
        options.leaseStaleAfterSeconds = n;
    if (const int n = qEnvironmentVariableIntValue("GMAIL_SYNC_JOB_STALE_SECONDS", &ok); ok && n > 0)
        options.jobStaleAfterSeconds = n;
    if (const int n = qEnvironmentVariableIntValue("GMAIL_SYNC_RETRY_BACKOFF_SECONDS", &ok); ok && n >= 0)
        options.retryBackoffBaseSeconds = n;
    if (const int n = qEnvironmentVariableIntValue("GMAIL_SYNC_REQUEST_BACKOFF_MS", &ok); ok && n > 0)
        options.requestBackoffBaseMs = n;
    if (const int n = qEnvironmentVariableIntValue("GMAIL_SYNC_HEARTBEAT_SECONDS", &ok); ok && n > 0)
        options.heartbeatIntervalSeconds = n;
    if (const int n = qEnvironmentVariableIntValue("GMAIL_SYNC_MESSAGE_MAX_ATTEMPTS", &ok); ok && n > 0)
        options.maxMessageAttempts = n;
    // The lease follows the job: unless set on its own, it is free when the job is stale.
    if (qEnvironmentVariableIsEmpty("GMAIL_SYNC_LEASE_STALE_SECONDS"))
        options.leaseStaleAfterSeconds = options.jobStaleAfterSeconds;
    return options;
}

int SyncCommand::run(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    const QCommandLineOption initial(QStringLiteral("initial"),
                                     QStringLiteral("Full sync of the recent window (30 days)."));
    const QCommandLineOption historical(QStringLiteral("historical"),
                                        QStringLiteral("Sync a past date range."));
    const QCommandLineOption from(QStringLiteral("from"),
                                  QStringLiteral("First day (UTC), with --historical."),
                                  QStringLiteral("YYYY-MM-DD"));
    const QCommandLineOption to(QStringLiteral("to"),
                                QStringLiteral("Last day (UTC, inclusive), with --historical."),
                                QStringLiteral("YYYY-MM-DD"));
    const QCommandLineOption force(QStringLiteral("force"),
                                   QStringLiteral("Ignore the per-tenant start limit."));
    const QCommandLineOption noWait(QStringLiteral("no-wait"), QStringLiteral("Queue the job and return."));
    const QCommandLineOption retryFailed(
        QStringLiteral("retry-failed"),
        QStringLiteral("Retry every recorded failed message first, the permanent ones too."));
    parser.addOptions({initial, historical, from, to, force, noWait, retryFailed});
    if (const int rc = parse(context, parser, args, 1, 1); rc >= 0)
        return rc;
    const QString tenantId = parser.positionalArguments().constFirst();

    if (parser.isSet(initial) && parser.isSet(historical))
        return context.usageError(QStringLiteral("--initial and --historical exclude each other"), usage());
    QString kind = QStringLiteral("incremental");
    QJsonObject params;
    if (parser.isSet(historical)) {
        if (!parser.isSet(from) || !parser.isSet(to))
            return context.usageError(QStringLiteral("--historical needs --from and --to"), usage());
        const auto f = parseDate(parser.value(from));
        const auto t = parseDate(parser.value(to));
        if (!f)
            return context.usageError(
                QStringLiteral("--from \"%1\" is not a date (YYYY-MM-DD)").arg(parser.value(from)), usage());
        if (!t)
            return context.usageError(
                QStringLiteral("--to \"%1\" is not a date (YYYY-MM-DD)").arg(parser.value(to)), usage());
        if (*f > *t)
            return context.usageError(QStringLiteral("--from %1 is after --to %2")
                                          .arg(f->toString(Qt::ISODate), t->toString(Qt::ISODate)),
                                      usage());
        const QDate today = QDateTime::currentDateTimeUtc().date();
        if (*t > today)
            return context.usageError(QStringLiteral("--to %1 is in the future (today is %2 UTC)")
                                          .arg(t->toString(Qt::ISODate), today.toString(Qt::ISODate)),
                                      usage());
        kind = QStringLiteral("historical");
        params.insert(QStringLiteral("from"), f->toString(Qt::ISODate));
        params.insert(QStringLiteral("to"), t->toString(Qt::ISODate));
    } else if (parser.isSet(from) || parser.isSet(to)) {
        return context.usageError(QStringLiteral("--from/--to need --historical"), usage());
    } else if (parser.isSet(initial)) {
        kind = QStringLiteral("initial");
    }

    if (parser.isSet(retryFailed))
        params.insert(QStringLiteral("retryFailed"), true);

    QString error;
    if (!context.openDatabase(&error))
        return context.fail(error);
    const syncengine::SyncOptions options = engineOptions(context);
    db::TenantRepository tenants;
    const auto tenant = tenants.find(tenantId);
    if (!tenant)
        return context.failTenant(tenants, tenantId);
    // A live lock is never overridden, not even with --force.
    if (!tenant->syncLockedBy.isEmpty() && tenant->syncHeartbeatAt.isValid() &&
        tenant->syncHeartbeatAt.secsTo(QDateTime::currentDateTimeUtc()) < options.leaseStaleAfterSeconds) {
        return context.fail(
            QStringLiteral("tenant %1 is being synced by %2 since %3; wait for it, or run "
                           "`gmail-sync unlock %1` if that process is gone")
                .arg(tenantId, tenant->syncLockedBy, tenant->syncLockedAt.toUTC().toString(Qt::ISODate)));
    }

    db::JobRepository jobs(db::Database::connection());
    const auto jobId = jobs.enqueue(tenantId, kind, params, parser.isSet(force));
    if (!jobId)
        return context.fail(jobs.errorString());
    if (parser.isSet(noWait)) {
        context.out() << "queued " << kind << " sync job " << *jobId << " for tenant " << tenantId
                      << Qt::endl;
        return ExitSuccess;
    }

    // The engine's JSON log goes to the log file only: stderr carries the progress lines.
    logging::LogOptions logOptions;
    logOptions.toStderr = false;
    QString logError;
    if (!logging::Log::init(logOptions, &logError))
        context.err() << "gmail-sync: logging to stderr (" << logError << ")" << Qt::endl;

    // Run it here. Ctrl-C: the current step is abandoned (nothing half-written) and the job goes back to
    // the queue, resumable from its checkpoint.
    s_interrupted = false;
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    const QString workerId = syncengine::SyncEngine::makeWorkerId(QStringLiteral("cli"));
    QElapsedTimer lastLine;
    QTextStream &err = context.err();
    syncengine::JobRunner runner(options, workerId, s_interrupted, [&](const syncengine::ProgressUpdate &u) {
        if (lastLine.isValid() && lastLine.elapsed() < 1000)
            return;
        lastLine.restart();
        err << describeProgress(u) << Qt::endl;
    });
    db::ClaimOptions claim;
    claim.workerId = workerId;
    claim.onlyJobId = *jobId;
    claim.startLimitPerMinute = options.startLimitPerMinute;
    claim.jobStaleAfterSeconds = options.jobStaleAfterSeconds;
    bool saidWaiting = false;
    for (;;) {
        if (s_interrupted) {
            if (!jobs.find(*jobId).value_or(db::SyncJob{}).isFinished())
                return context.fail(
                    QStringLiteral("interrupted; job %1 stays queued and resumes from its checkpoint")
                        .arg(*jobId));
        }
        std::optional<db::SyncJob> job;
        if (!jobs.claimNext(claim, &job))
            return context.fail(jobs.errorString());
        if (!job) {
            const auto row = jobs.find(*jobId);
            if (!row)
                return context.fail(jobs.errorString());
            if (row->status == QLatin1String("succeeded"))
                return ExitSuccess;
            if (row->isFinished())
                return context.fail(QStringLiteral("job %1 %2%3")
                                        .arg(*jobId)
                                        .arg(row->status, row->errorMessage.isEmpty()
                                                              ? QString()
                                                              : QStringLiteral(": ") + row->errorMessage));
            if (!saidWaiting) {
                err << "job " << *jobId << " is waiting (per-tenant start limit or a retry backoff)"
                    << Qt::endl;
                saidWaiting = true;
            }
            QThread::msleep(500);
            continue;
        }
        const syncengine::JobRunner::Report report = runner.run(*job);
        switch (report.result) {
        case syncengine::JobRunner::Result::Succeeded: {
            const auto row = jobs.find(*jobId);
            if (row) {
                err << QStringLiteral("%1 sync of %2 done: %3 processed, %4 inserted, %5 updated, %6 "
                                      "deleted, %7 skipped, %8 failed")
                           .arg(kind, tenantId)
                           .arg(row->processed)
                           .arg(row->inserted)
                           .arg(row->updated)
                           .arg(row->deleted)
                           .arg(row->skipped)
                           .arg(row->failed)
                    << Qt::endl;
                if (row->failed > 0)
                    err << "failed messages are recorded: gmail-sync failures " << tenantId << Qt::endl;
            }
            return ExitSuccess;
        }
        case syncengine::JobRunner::Result::Retrying:
            err << "step failed (" << report.error << "); retrying" << Qt::endl;
            saidWaiting = true;
            continue;
        case syncengine::JobRunner::Result::Failed:
            return context.fail(QStringLiteral("%1 sync of %2 failed: %3").arg(kind, tenantId, report.error));
        case syncengine::JobRunner::Result::TenantBusy:
            if (!jobs.cancel(*jobId))
                return context.fail(jobs.errorString());
            return context.fail(
                QStringLiteral("tenant %1 is being synced by %2 since %3; wait for it, or run "
                               "`gmail-sync unlock %1` if that process is gone")
                    .arg(tenantId, report.heldBy, report.heldSince.toUTC().toString(Qt::ISODate)));
        case syncengine::JobRunner::Result::Stopped:
            return context.fail(
                QStringLiteral("interrupted; job %1 stays queued and resumes from its checkpoint")
                    .arg(*jobId));
        case syncengine::JobRunner::Result::Lost:
            return context.fail(
                QStringLiteral("job %1 was cancelled or taken over: %2").arg(*jobId).arg(report.error));
        }
    }
}

} // namespace cli

GSA_REGISTER_COMMAND(cli::SyncCommand)
