#include "SyncCommand.h"

#include "CliContext.h"
#include "InterruptGuard.h"
#include "auth/StaticTokenProvider.h"
#include "auth/TokenManager.h"
#include "crypto/KeyProviderChain.h"
#include "db/Database.h"
#include "log/Log.h"
#include "log/LogEvent.h"
#include "ops/AuditTrail.h"
#include "ops/ForegroundJob.h"
#include "ops/SyncRequests.h"
#include "sync/SyncEngine.h"

#include <QDate>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QRegularExpression>
#include <QThread>

#include <atomic>
#include <mutex>

namespace cli {

namespace {

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
    if (u.total)
        line += QStringLiteral("/~%1").arg(*u.total);
    return line + QStringLiteral(" messages, %1 msg/s").arg(u.rate, 0, 'f', 1);
}

} // namespace

namespace {

// Tokens from each tenant's sealed integration through auth::TokenManager: one manager per tenant per
// process, shared by all worker threads. The vault is opened once, on first use.
syncengine::TokenProviderFactory vaultTokens(const QString &keyFile, const QUrl &tokenUrl) {
    struct VaultHolder {
        std::mutex mutex;
        std::shared_ptr<crypto::Vault> vault;
        QString error;
    };
    auto holder = std::make_shared<VaultHolder>();
    return
        [holder, keyFile, tokenUrl](const QString &tenantId) -> std::shared_ptr<common::AccessTokenProvider> {
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

// Tuning from the environment: a positive number replaces the default (0 allowed where `min` is 0).
void tuneFromEnvironment(syncengine::SyncOptions &options) {
    const std::pair<const char *, int *> knobs[] = {
        {"GMAIL_SYNC_START_LIMIT", &options.startLimitPerMinute},
        {"GMAIL_SYNC_LEASE_STALE_SECONDS", &options.leaseStaleAfterSeconds},
        {"GMAIL_SYNC_JOB_STALE_SECONDS", &options.jobStaleAfterSeconds},
        {"GMAIL_SYNC_REQUEST_BACKOFF_MS", &options.requestBackoffBaseMs},
        {"GMAIL_SYNC_HEARTBEAT_SECONDS", &options.heartbeatIntervalSeconds},
        {"GMAIL_SYNC_MESSAGE_MAX_ATTEMPTS", &options.maxMessageAttempts},
    };
    bool ok = false;
    for (const auto &[name, value] : knobs) {
        if (const int n = qEnvironmentVariableIntValue(name, &ok); ok && n > 0)
            *value = n;
    }
    if (const int n = qEnvironmentVariableIntValue("GMAIL_SYNC_RETRY_BACKOFF_SECONDS", &ok); ok && n >= 0)
        options.retryBackoffBaseSeconds = n;
    // The lease follows the job: unless set on its own, it is free when the job is stale.
    if (qEnvironmentVariableIsEmpty("GMAIL_SYNC_LEASE_STALE_SECONDS"))
        options.leaseStaleAfterSeconds = options.jobStaleAfterSeconds;
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
        options.tokenProviderFactory =
            vaultTokens(context.options().keyFile, QUrl(context.options().oauthTokenUrl));
    }
    tuneFromEnvironment(options);
    return options;
}

struct SyncArguments {
    QString tenantId;
    jobs::JobParams params;
    bool force = false;
    bool noWait = false;
};

namespace {

// The job the command line asks for, or a usage error (*usage set, nullopt returned).
std::optional<jobs::JobParams> paramsFrom(const QCommandLineParser &parser, QString *usage) {
    const bool initial = parser.isSet(QStringLiteral("initial"));
    const bool historical = parser.isSet(QStringLiteral("historical"));
    const bool range = parser.isSet(QStringLiteral("from")) || parser.isSet(QStringLiteral("to"));
    if (initial && historical)
        *usage = QStringLiteral("--initial and --historical exclude each other");
    else if (range && !historical)
        *usage = QStringLiteral("--from/--to need --historical");
    else if (parser.isSet(QStringLiteral("days")) && !initial)
        *usage = QStringLiteral("--days needs --initial");
    if (!usage->isEmpty())
        return std::nullopt;
    if (historical) {
        jobs::HistoricalParams p;
        for (const auto &[key, date] :
             {std::pair{QStringLiteral("from"), &p.from}, {QStringLiteral("to"), &p.to}}) {
            if (!parser.isSet(key)) {
                *usage = QStringLiteral("--historical needs --from and --to");
                return std::nullopt;
            }
            const auto d = parseDate(parser.value(key));
            if (!d) {
                *usage = QStringLiteral("--%1 \"%2\" is not a date (YYYY-MM-DD)").arg(key, parser.value(key));
                return std::nullopt;
            }
            *date = *d;
        }
        return p;
    }
    if (initial) {
        jobs::InitialParams p;
        if (parser.isSet(QStringLiteral("days"))) {
            bool ok = false;
            p.windowDays = parser.value(QStringLiteral("days")).toInt(&ok);
            if (!ok || p.windowDays < 1 || p.windowDays > jobs::InitialParams::MaxWindowDays) {
                *usage = QStringLiteral("--days takes a number from 1 to %1")
                             .arg(jobs::InitialParams::MaxWindowDays);
                return std::nullopt;
            }
        }
        return p;
    }
    return jobs::IncrementalParams{};
}

void printSummary(QTextStream &err, const QString &kind, const QString &tenantId, const db::SyncJob &row) {
    err << QStringLiteral("%1 sync of %2 done: %3 processed, %4 inserted, %5 updated, %6 "
                          "deleted, %7 skipped, %8 failed")
               .arg(kind, tenantId)
               .arg(row.processed)
               .arg(row.inserted)
               .arg(row.updated)
               .arg(row.deleted)
               .arg(row.skipped)
               .arg(row.failed)
        << Qt::endl;
    if (row.failed > 0)
        err << "failed messages are recorded: gmail-sync failures " << tenantId << Qt::endl;
}

} // namespace

std::optional<int> SyncCommand::parseArguments(CliContext &context, const QStringList &args,
                                               SyncArguments *out) {
    QCommandLineParser parser;
    parser.addOptions(
        {{QStringLiteral("initial"), QStringLiteral("Full sync of the recent window (30 days, or --days).")},
         {QStringLiteral("days"), QStringLiteral("How far back --initial reaches."), QStringLiteral("N")},
         {QStringLiteral("historical"), QStringLiteral("Sync a past date range.")},
         {QStringLiteral("from"), QStringLiteral("First day (UTC), with --historical."),
          QStringLiteral("YYYY-MM-DD")},
         {QStringLiteral("to"), QStringLiteral("Last day (UTC, inclusive), with --historical."),
          QStringLiteral("YYYY-MM-DD")},
         {QStringLiteral("force"), QStringLiteral("Ignore the per-tenant start limit.")},
         {QStringLiteral("no-wait"), QStringLiteral("Queue the job and return.")},
         {QStringLiteral("retry-failed"),
          QStringLiteral("Retry every recorded failed message first, the permanent ones too.")}});
    if (const int rc = parse(context, parser, args, 1, 1); rc >= 0)
        return rc;
    QString usageProblem;
    auto params = paramsFrom(parser, &usageProblem);
    if (!params)
        return context.usageError(usageProblem, usage());
    jobs::setRetryFailed(*params, parser.isSet(QStringLiteral("retry-failed")));
    out->tenantId = parser.positionalArguments().constFirst();
    out->params = *params;
    out->force = parser.isSet(QStringLiteral("force"));
    out->noWait = parser.isSet(QStringLiteral("no-wait"));
    return std::nullopt;
}

int SyncCommand::run(CliContext &context, const QStringList &args) {
    SyncArguments a;
    if (const auto rc = parseArguments(context, args, &a))
        return *rc;
    const QString kind = jobs::kindName(jobs::kindOf(a.params));
    QString error;
    if (!context.openDatabase(&error))
        return context.fail(error);
    const syncengine::SyncOptions options = engineOptions(context);
    ops::SyncRequests requests(db::Database::connection());
    const auto jobId =
        requests.queue(a.tenantId, a.params,
                       {a.force, !a.noWait, options.leaseStaleAfterSeconds, ops::AuditTrail::osActor()});
    if (!jobId) {
        if (requests.refusal() == ops::SyncRequests::Refusal::InvalidParameters)
            return context.usageError(requests.errorString(), usage());
        if (requests.refusal() == ops::SyncRequests::Refusal::TenantNotFound)
            return context.fail(
                QStringLiteral("tenant \"%1\" does not exist (see: gmail-sync tenant list)").arg(a.tenantId));
        return context.fail(requests.errorString());
    }
    if (a.noWait) {
        context.out() << "queued " << kind << " sync job " << *jobId << " for tenant " << a.tenantId
                      << Qt::endl;
        return ExitSuccess;
    }
    return runHere(context, options, *jobId, kind, a.tenantId);
}

int SyncCommand::runHere(CliContext &context, const syncengine::SyncOptions &options, qint64 jobId,
                         const QString &kind, const QString &tenantId) {
    // The engine's JSON log goes to the log file only: stderr carries the progress lines.
    logging::LogOptions logOptions;
    logOptions.toStderr = false;
    QString logError;
    if (!logging::Log::init(logOptions, &logError))
        context.err() << "gmail-sync: logging to stderr (" << logError << ")" << Qt::endl;

    // Run it here. Ctrl-C: the current step is abandoned (nothing half-written) and the job goes back to
    // the queue, resumable from its checkpoint.
    const InterruptGuard interrupt;
    QElapsedTimer lastLine;
    QTextStream &err = context.err();
    ops::ForegroundJob job(
        options, interrupt.flag(),
        [&](const syncengine::ProgressUpdate &u) {
            if (lastLine.isValid() && lastLine.elapsed() < 1000)
                return;
            lastLine.restart();
            err << describeProgress(u) << Qt::endl;
        },
        [&err](const QString &notice) { err << notice << Qt::endl; });
    const ops::ForegroundJob::Result r = job.run(jobId);
    switch (r.outcome) {
    case ops::ForegroundJob::Outcome::Succeeded:
        printSummary(err, kind, tenantId, *r.row);
        return ExitSuccess;
    case ops::ForegroundJob::Outcome::Failed:
        return context.fail(QStringLiteral("%1 sync of %2 failed: %3").arg(kind, tenantId, r.error));
    case ops::ForegroundJob::Outcome::TenantBusy:
        return context.fail(QStringLiteral("tenant %1 is being synced by %2 since %3; wait for it, or run "
                                           "`gmail-sync unlock %1` if that process is gone")
                                .arg(tenantId, r.heldBy, r.heldSince.toUTC().toString(Qt::ISODate)));
    default:
        return context.fail(r.error);
    }
}

} // namespace cli

GSA_REGISTER_COMMAND(cli::SyncCommand)
