#include "UnlockCommand.h"

#include "CliContext.h"
#include "ops/UnlockTenant.h"

namespace cli {

int UnlockCommand::run(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    QString tenantId;
    if (const int rc = parseForTenant(context, parser, args, &tenantId); rc >= 0)
        return rc;
    const auto result = ops::UnlockTenant::unlock(tenantId);
    if (!result.ok)
        return context.fail(
            result.notFound
                ? QStringLiteral("tenant \"%1\" does not exist (see: gmail-sync tenant list)").arg(tenantId)
                : result.error);
    if (!result.wasLocked) {
        context.out() << "tenant " << tenantId << " was not locked" << Qt::endl;
        return ExitSuccess;
    }
    context.out() << "unlocked tenant " << tenantId << " (held by " << result.previousHolder << " since "
                  << result.lockedSince.toUTC().toString(Qt::ISODate) << ")" << Qt::endl;
    return ExitSuccess;
}

} // namespace cli

GSA_REGISTER_COMMAND(cli::UnlockCommand)
