#include "UnlockCommand.h"

#include "CliContext.h"
#include "db/TenantRepository.h"

namespace cli {

int UnlockCommand::run(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    QString tenantId;
    if (const int rc = parseForTenant(context, parser, args, &tenantId); rc >= 0)
        return rc;
    db::TenantRepository tenants;
    const auto result = tenants.forceUnlock(tenantId);
    if (!result)
        return context.failTenant(tenants, tenantId);
    if (!result->wasLocked) {
        context.out() << "tenant " << tenantId << " was not locked" << Qt::endl;
        return ExitSuccess;
    }
    context.out() << "unlocked tenant " << tenantId << " (held by " << result->previousHolder << " since "
                  << result->lockedSince.toUTC().toString(Qt::ISODate) << ")" << Qt::endl;
    return ExitSuccess;
}

} // namespace cli

GSA_REGISTER_COMMAND(cli::UnlockCommand)
