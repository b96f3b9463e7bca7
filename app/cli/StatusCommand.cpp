#include "StatusCommand.h"

#include "CliContext.h"
#include "JsonFormat.h"
#include "SyncCommand.h"
#include "db/Database.h"
#include "db/EmailRepository.h"
#include "db/JobRepository.h"
#include "db/MessageFailureRepository.h"
#include "db/Tenant.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace cli {

namespace {

constexpr int JobsShown = 20;

QJsonObject jobJson(const db::SyncJob &j) {
    return QJsonObject{{QStringLiteral("id"), j.id},
                       {QStringLiteral("kind"), jobs::kindName(j.kind)},
                       {QStringLiteral("status"), j.status},
                       {QStringLiteral("processed"), j.processed},
                       {QStringLiteral("inserted"), j.inserted},
                       {QStringLiteral("updated"), j.updated},
                       {QStringLiteral("deleted"), j.deleted},
                       {QStringLiteral("skipped"), j.skipped},
                       {QStringLiteral("failed"), j.failed},
                       {QStringLiteral("error"), JsonFormat::text(j.errorMessage)},
                       {QStringLiteral("startedAt"), JsonFormat::dateTime(j.startedAt)},
                       {QStringLiteral("finishedAt"), JsonFormat::dateTime(j.finishedAt)}};
}

QString orDash(const QString &s) {
    return s.isEmpty() ? QStringLiteral("-") : s;
}

// What `status` shows of one tenant.
struct Status {
    db::Tenant tenant;
    qint64 emailCount = 0;
    QList<db::SyncJob> jobs;
    qint64 failedItems = 0;
    qint64 permanentItems = 0;
    bool inProgress = false;
};

QJsonObject statusJson(const Status &s) {
    QJsonArray list;
    for (const db::SyncJob &j : s.jobs)
        list.append(jobJson(j));
    const db::Tenant &t = s.tenant;
    return QJsonObject{
        {QStringLiteral("tenantId"), t.id},
        {QStringLiteral("email"), t.gmailAddress},
        {QStringLiteral("syncInProgress"), s.inProgress},
        {QStringLiteral("lockedSince"), JsonFormat::dateTime(t.syncLockedAt)},
        // Gmail sends historyId as a string (unsigned 64-bit); `tenant list --json` does the same.
        {QStringLiteral("historyId"),
         t.historyId ? QJsonValue(QString::number(*t.historyId)) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("emailCount"), s.emailCount},
        // Messages recorded as failed (gmail-sync failures): retried by every sync, permanent ones
        // only by sync --retry-failed.
        {QStringLiteral("failedItems"), s.failedItems},
        {QStringLiteral("failedPermanent"), s.permanentItems},
        {QStringLiteral("jobs"), list}};
}

QString syncLine(const Status &s) {
    const db::Tenant &t = s.tenant;
    if (s.inProgress)
        return QStringLiteral("running (%1 since %2)")
            .arg(t.syncLockedBy, JsonFormat::isoDateTime(t.syncLockedAt));
    if (t.syncLockedBy.isEmpty())
        return QStringLiteral("idle");
    return QStringLiteral("stale lock of %1 (gmail-sync unlock %2)").arg(t.syncLockedBy, t.id);
}

QString jobLine(const db::SyncJob &j) {
    QString line =
        QStringLiteral("  #%1 %2 %3: %4 processed, +%5 ~%6 -%7, %8 skipped, %10 failed; started %9")
            .arg(j.id)
            .arg(::jobs::kindName(j.kind), j.status)
            .arg(j.processed)
            .arg(j.inserted)
            .arg(j.updated)
            .arg(j.deleted)
            .arg(j.skipped)
            .arg(orDash(JsonFormat::isoDateTime(j.startedAt)))
            .arg(j.failed);
    if (!j.errorMessage.isEmpty())
        line += QStringLiteral(" — ") + j.errorMessage;
    return line;
}

void printStatus(QTextStream &out, const Status &s) {
    const db::Tenant &t = s.tenant;
    out << "tenant:      " << t.id << " <" << t.gmailAddress << ">\n";
    out << "sync:        " << syncLine(s) << "\n";
    out << "history id:  " << (t.historyId ? QString::number(*t.historyId) : QStringLiteral("-")) << "\n";
    out << "last sync:   " << orDash(JsonFormat::isoDateTime(t.lastSyncAt)) << "\n";
    out << "emails:      " << s.emailCount << "\n";
    out << "failed:      " << s.failedItems;
    if (s.failedItems > 0)
        out << " (" << s.permanentItems << " permanent; gmail-sync failures " << t.id << ")";
    out << "\n";
    out << "jobs:" << (s.jobs.isEmpty() ? " none" : "") << "\n";
    for (const db::SyncJob &j : s.jobs)
        out << jobLine(j) << "\n";
    out.flush();
}

// Reads the counts and jobs of s->tenant; an empty string on success, else what failed.
QString loadStatus(Status *s) {
    QSqlDatabase conn = db::Database::connection();
    const QString tenantId = s->tenant.id;
    db::EmailRepository emails(conn);
    const auto count = emails.count(tenantId);
    if (!count)
        return emails.errorString();
    s->emailCount = *count;
    db::JobRepository jobRepo(conn);
    const auto jobs = jobRepo.listForTenant(tenantId, JobsShown);
    if (!jobs)
        return jobRepo.errorString();
    s->jobs = *jobs;
    db::MessageFailureRepository failureRepo(conn);
    if (!failureRepo.count(tenantId, &s->failedItems, &s->permanentItems))
        return failureRepo.errorString();
    return {};
}

} // namespace

int StatusCommand::run(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print a JSON object."));
    parser.addOption(json);
    Status status;
    if (const int rc = parseForExistingTenant(context, parser, args, &status.tenant); rc >= 0)
        return rc;
    if (const QString error = loadStatus(&status); !error.isEmpty())
        return context.fail(error);
    // In progress: locked and the holder is alive (heartbeat within the lease staleness).
    const int stale = SyncCommand::engineOptions(context).leaseStaleAfterSeconds;
    const db::Tenant &t = status.tenant;
    status.inProgress = !t.syncLockedBy.isEmpty() && t.syncHeartbeatAt.isValid() &&
                        t.syncHeartbeatAt.secsTo(QDateTime::currentDateTimeUtc()) < stale;

    if (parser.isSet(json)) {
        context.out() << QString::fromUtf8(QJsonDocument(statusJson(status)).toJson(QJsonDocument::Indented));
        context.out().flush();
        return ExitSuccess;
    }
    printStatus(context.out(), status);
    return ExitSuccess;
}

} // namespace cli

GSA_REGISTER_COMMAND(cli::StatusCommand)
