#include "FailuresCommand.h"

#include "CliContext.h"
#include "JsonFormat.h"
#include "db/Database.h"
#include "db/MessageFailureRepository.h"
#include "db/Tenant.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace cli {

namespace {

constexpr int FailuresShown = 10000;

QJsonObject failureJson(const db::MessageFailure &f) {
    return QJsonObject{{QStringLiteral("gmailMessageId"), f.gmailMessageId},
                       {QStringLiteral("kind"), db::MessageFailure::kindName(f.kind)},
                       {QStringLiteral("attempts"), f.attempts},
                       {QStringLiteral("permanent"), f.permanent},
                       {QStringLiteral("jobId"), f.jobId > 0 ? QJsonValue(f.jobId) : QJsonValue()},
                       {QStringLiteral("firstSeenAt"), JsonFormat::dateTime(f.firstSeenAt)},
                       {QStringLiteral("lastSeenAt"), JsonFormat::dateTime(f.lastSeenAt)},
                       {QStringLiteral("lastError"), f.lastError}};
}

} // namespace

int FailuresCommand::run(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print a JSON array."));
    parser.addOption(json);
    db::Tenant tenant;
    if (const int rc = parseForExistingTenant(context, parser, args, &tenant); rc >= 0)
        return rc;
    const QString tenantId = tenant.id;
    db::MessageFailureRepository failures(db::Database::connection());
    const auto list = failures.list(tenantId, FailuresShown);
    if (!list)
        return context.fail(failures.errorString());

    if (parser.isSet(json)) {
        QJsonArray out;
        for (const db::MessageFailure &f : *list)
            out.append(failureJson(f));
        context.out() << QString::fromUtf8(QJsonDocument(out).toJson(QJsonDocument::Indented));
        context.out().flush();
        return ExitSuccess;
    }
    QTextStream &out = context.out();
    if (list->isEmpty()) {
        out << "no failed messages for tenant " << tenantId << Qt::endl;
        return ExitSuccess;
    }
    for (const db::MessageFailure &f : *list) {
        out << QStringLiteral("%1  %2  %3 attempt%4%5  last %6  %7")
                   .arg(f.gmailMessageId, db::MessageFailure::kindName(f.kind))
                   .arg(f.attempts)
                   .arg(f.attempts == 1 ? QString() : QStringLiteral("s"))
                   .arg(f.permanent ? QStringLiteral(", permanent") : QString())
                   .arg(JsonFormat::isoDateTime(f.lastSeenAt), f.lastError)
            << "\n";
    }
    out << list->size() << " failed; every sync retries the others first, `gmail-sync sync " << tenantId
        << " --retry-failed` retries the permanent ones too" << Qt::endl;
    return ExitSuccess;
}

} // namespace cli

GSA_REGISTER_COMMAND(cli::FailuresCommand)
