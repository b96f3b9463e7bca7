#include "ApiKeyListCommand.h"

#include "CliContext.h"
#include "JsonFormat.h"
#include "db/Database.h"
#include "ops/ApiKeys.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace cli {

namespace {

QJsonObject toJson(const db::ApiKey &k) {
    return {{QStringLiteral("id"), k.id},
            {QStringLiteral("name"), k.name},
            {QStringLiteral("prefix"), k.keyPrefix},
            {QStringLiteral("scope"), k.scope},
            {QStringLiteral("tenantId"), JsonFormat::text(k.tenantId)},
            {QStringLiteral("expiresAt"), JsonFormat::dateTime(k.expiresAt)},
            {QStringLiteral("createdAt"), JsonFormat::dateTime(k.createdAt)},
            {QStringLiteral("createdBy"), k.createdBy},
            {QStringLiteral("lastUsedAt"), JsonFormat::dateTime(k.lastUsedAt)},
            {QStringLiteral("revokedAt"), JsonFormat::dateTime(k.revokedAt)}};
}

QString when(const QDateTime &dt) {
    return dt.isValid() ? JsonFormat::isoDateTime(dt) : QStringLiteral("-");
}

} // namespace

int ApiKeyListCommand::run(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print a JSON array."));
    parser.addOption(json);
    if (const int rc = parse(context, parser, args); rc >= 0)
        return rc;
    QString error;
    if (!context.openDatabase(&error))
        return context.fail(error);
    ops::ApiKeys keys(db::Database::connection());
    const auto list = keys.list();
    if (!list)
        return context.fail(keys.errorString());
    if (parser.isSet(json)) {
        QJsonArray array;
        for (const db::ApiKey &k : *list)
            array.append(toJson(k));
        context.out() << QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Indented));
        return ExitSuccess;
    }
    for (const db::ApiKey &k : *list) {
        context.out() << QStringLiteral("%1  %2…  %3  %4  tenant %5  expires %6  last used %7%8")
                             .arg(k.id)
                             .arg(k.keyPrefix, k.name, k.scope,
                                  k.tenantId.isEmpty() ? QStringLiteral("*") : k.tenantId, when(k.expiresAt),
                                  when(k.lastUsedAt),
                                  k.revokedAt.isValid() ? QStringLiteral("  REVOKED ") + when(k.revokedAt)
                                                        : QString())
                      << "\n";
    }
    if (list->isEmpty())
        context.out() << "no API keys (create one: gmail-sync apikey create --name N --scope read)\n";
    context.out().flush();
    return ExitSuccess;
}

} // namespace cli

GSA_REGISTER_COMMAND(cli::ApiKeyListCommand)
