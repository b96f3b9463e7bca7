#include "ApiKeyCreateCommand.h"

#include "CliContext.h"
#include "db/Database.h"
#include "ops/ApiKeys.h"
#include "ops/AuditTrail.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace cli {

int ApiKeyCreateCommand::run(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    parser.addOptions(
        {{QStringLiteral("name"), QStringLiteral("What the key is for."), QStringLiteral("text")},
         {QStringLiteral("scope"), QStringLiteral("read, sync (read + queue syncs) or admin (everything)."),
          QStringLiteral("scope")},
         {QStringLiteral("tenant"), QStringLiteral("Restrict the key to one tenant."), QStringLiteral("id")},
         {QStringLiteral("expires"), QStringLiteral("Last day the key works (UTC)."),
          QStringLiteral("YYYY-MM-DD")},
         {QStringLiteral("json"), QStringLiteral("Print {\"id\",\"name\",\"key\"}.")}});
    if (const int rc = parse(context, parser, args); rc >= 0)
        return rc;
    if (!parser.isSet(QStringLiteral("name")) || !parser.isSet(QStringLiteral("scope")))
        return context.usageError(QStringLiteral("apikey create needs --name and --scope"), usage());
    const auto scope = ops::ApiKeys::parseScope(parser.value(QStringLiteral("scope")));
    if (!scope)
        return context.usageError(QStringLiteral("--scope is read, sync or admin"), usage());
    QDateTime expires;
    if (parser.isSet(QStringLiteral("expires"))) {
        const QDate day =
            QDate::fromString(parser.value(QStringLiteral("expires")), QStringLiteral("yyyy-MM-dd"));
        if (!day.isValid())
            return context.usageError(QStringLiteral("--expires takes a date as YYYY-MM-DD"), usage());
        expires = QDateTime(day.addDays(1), QTime(0, 0), Qt::UTC); // through the end of that day
    }
    QString error;
    if (!context.openDatabase(&error))
        return context.fail(error);
    ops::ApiKeys keys(db::Database::connection());
    const QString name = parser.value(QStringLiteral("name"));
    const auto created = keys.create(name, *scope, parser.value(QStringLiteral("tenant")), expires,
                                     ops::AuditTrail::osActor());
    if (!created)
        return context.fail(keys.errorString());
    if (parser.isSet(QStringLiteral("json"))) {
        const QJsonObject o{{QStringLiteral("id"), created->id},
                            {QStringLiteral("name"), name.trimmed()},
                            {QStringLiteral("key"), created->key}};
        context.out() << QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)) << Qt::endl;
        return ExitSuccess;
    }
    context.out() << "API key " << created->id << " (" << name.trimmed() << ", "
                  << ops::ApiKeys::scopeName(*scope) << "): " << created->key << "\n"
                  << "Store it now: it is not shown again (only its hash is kept)." << Qt::endl;
    return ExitSuccess;
}

} // namespace cli

GSA_REGISTER_COMMAND(cli::ApiKeyCreateCommand)
