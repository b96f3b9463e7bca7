#include "AuditCommand.h"

#include "CliContext.h"
#include "JsonFormat.h"
#include "db/AuditRepository.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace cli {

namespace {

QJsonObject toJson(const db::AuditEntry &e) {
    return {{QStringLiteral("at"), JsonFormat::dateTime(e.at)},
            {QStringLiteral("actor"), e.actor},
            {QStringLiteral("action"), e.action},
            {QStringLiteral("tenantId"), JsonFormat::text(e.tenantId)},
            {QStringLiteral("details"), e.details},
            {QStringLiteral("outcome"), e.outcome}};
}

} // namespace

int AuditCommand::run(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    parser.addOptions(
        {{QStringLiteral("tenant"), QStringLiteral("Only this tenant's actions."), QStringLiteral("id")},
         {QStringLiteral("limit"), QStringLiteral("At most N entries (default 200)."), QStringLiteral("N")},
         {QStringLiteral("json"), QStringLiteral("Print a JSON array.")}});
    if (const int rc = parse(context, parser, args); rc >= 0)
        return rc;
    int limit = 200;
    if (parser.isSet(QStringLiteral("limit"))) {
        bool ok = false;
        limit = parser.value(QStringLiteral("limit")).toInt(&ok);
        if (!ok || limit < 1 || limit > 100000)
            return context.usageError(QStringLiteral("--limit takes a number from 1 to 100000"), usage());
    }
    QString error;
    if (!context.openDatabase(&error))
        return context.fail(error);
    db::AuditRepository audit;
    const auto entries = audit.list(parser.value(QStringLiteral("tenant")), limit);
    if (!entries)
        return context.fail(audit.errorString());
    if (parser.isSet(QStringLiteral("json"))) {
        QJsonArray array;
        for (const db::AuditEntry &e : *entries)
            array.append(toJson(e));
        context.out() << QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Indented));
        return ExitSuccess;
    }
    for (const db::AuditEntry &e : *entries) {
        context.out() << QStringLiteral("%1  %2  %3  %4  %5  %6")
                             .arg(JsonFormat::isoDateTime(e.at), e.actor, e.action,
                                  e.tenantId.isEmpty() ? QStringLiteral("-") : e.tenantId,
                                  QString::fromUtf8(QJsonDocument(e.details).toJson(QJsonDocument::Compact)),
                                  e.outcome)
                      << "\n";
    }
    context.out().flush();
    return ExitSuccess;
}

} // namespace cli

GSA_REGISTER_COMMAND(cli::AuditCommand)
