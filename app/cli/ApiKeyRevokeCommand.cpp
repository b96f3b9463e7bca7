#include "ApiKeyRevokeCommand.h"

#include "CliContext.h"
#include "db/Database.h"
#include "ops/ApiKeys.h"
#include "ops/AuditTrail.h"

namespace cli {

int ApiKeyRevokeCommand::run(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    if (const int rc = parse(context, parser, args, 1, 1); rc >= 0)
        return rc;
    bool ok = false;
    const qint64 id = parser.positionalArguments().constFirst().toLongLong(&ok);
    if (!ok || id <= 0)
        return context.usageError(QStringLiteral("the key id is a number (see: gmail-sync apikey list)"),
                                  usage());
    QString error;
    if (!context.openDatabase(&error))
        return context.fail(error);
    ops::ApiKeys keys(db::Database::connection());
    if (!keys.revoke(id, ops::AuditTrail::osActor()))
        return context.fail(keys.errorString());
    context.out() << "API key " << id << " revoked" << Qt::endl;
    return ExitSuccess;
}

} // namespace cli

GSA_REGISTER_COMMAND(cli::ApiKeyRevokeCommand)
