#include "StatusCommand.h"

#include "CliContext.h"
#include "JsonFormat.h"
#include "SyncCommand.h"
#include "db/EmailRepository.h"
#include "db/JobRepository.h"
#include "db/MessageFailureRepository.h"
#include "db/TenantRepository.h"

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

} // namespace

int StatusCommand::run(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print a JSON object."));
    parser.addOption(json);
    QString tenantId;
    if (const int rc = parseForTenant(context, parser, args, &tenantId); rc >= 0)
        return rc;
    QSqlDatabase conn = db::Database::connection();
    db::TenantRepository tenants(conn);
    const auto tenant = tenants.find(tenantId);
    if (!tenant)
        return context.failTenant(tenants, tenantId);
    db::EmailRepository emails(conn);
    const auto count = emails.count(tenantId);
    if (!count)
        return context.fail(emails.errorString());
    db::JobRepository jobRepo(conn);
    const auto jobs = jobRepo.listForTenant(tenantId, JobsShown);
    if (!jobs)
        return context.fail(jobRepo.errorString());
    db::MessageFailureRepository failureRepo(conn);
    qint64 failedItems = 0, permanentItems = 0;
    if (!failureRepo.count(tenantId, &failedItems, &permanentItems))
        return context.fail(failureRepo.errorString());
    // In progress: locked and the holder is alive (heartbeat within the lease staleness).
    const int stale = SyncCommand::engineOptions(context).leaseStaleAfterSeconds;
    const bool inProgress = !tenant->syncLockedBy.isEmpty() && tenant->syncHeartbeatAt.isValid() &&
                            tenant->syncHeartbeatAt.secsTo(QDateTime::currentDateTimeUtc()) < stale;

    if (parser.isSet(json)) {
        QJsonArray list;
        for (const db::SyncJob &j : *jobs)
            list.append(jobJson(j));
        const QJsonObject o{
            {QStringLiteral("tenantId"), tenant->id},
            {QStringLiteral("email"), tenant->gmailAddress},
            {QStringLiteral("syncInProgress"), inProgress},
            {QStringLiteral("lockedSince"), JsonFormat::dateTime(tenant->syncLockedAt)},
            // Gmail sends historyId as a string (unsigned 64-bit); `tenant list --json` does the same.
            {QStringLiteral("historyId"), tenant->historyId ? QJsonValue(QString::number(*tenant->historyId))
                                                            : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("emailCount"), *count},
            // Messages recorded as failed (gmail-sync failures): retried by every sync, permanent ones
            // only by sync --retry-failed.
            {QStringLiteral("failedItems"), failedItems},
            {QStringLiteral("failedPermanent"), permanentItems},
            {QStringLiteral("jobs"), list}};
        context.out() << QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Indented));
        context.out().flush();
        return ExitSuccess;
    }

    QTextStream &out = context.out();
    out << "tenant:      " << tenant->id << " <" << tenant->gmailAddress << ">\n";
    out << "sync:        "
        << (inProgress ? QStringLiteral("running (%1 since %2)")
                             .arg(tenant->syncLockedBy, JsonFormat::isoDateTime(tenant->syncLockedAt))
            : tenant->syncLockedBy.isEmpty() ? QStringLiteral("idle")
                                             : QStringLiteral("stale lock of %1 (gmail-sync unlock %2)")
                                                   .arg(tenant->syncLockedBy, tenant->id))
        << "\n";
    out << "history id:  " << (tenant->historyId ? QString::number(*tenant->historyId) : QStringLiteral("-"))
        << "\n";
    out << "last sync:   " << orDash(JsonFormat::isoDateTime(tenant->lastSyncAt)) << "\n";
    out << "emails:      " << *count << "\n";
    out << "failed:      " << failedItems;
    if (failedItems > 0)
        out << " (" << permanentItems << " permanent; gmail-sync failures " << tenant->id << ")";
    out << "\n";
    out << "jobs:" << (jobs->isEmpty() ? " none" : "") << "\n";
    for (const db::SyncJob &j : *jobs) {
        out << QStringLiteral("  #%1 %2 %3: %4 processed, +%5 ~%6 -%7, %8 skipped, %10 failed; started %9")
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
            out << " — " << j.errorMessage;
        out << "\n";
    }
    out.flush();
    return ExitSuccess;
}

} // namespace cli

GSA_REGISTER_COMMAND(cli::StatusCommand)
