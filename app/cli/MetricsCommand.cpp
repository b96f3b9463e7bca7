#include "MetricsCommand.h"

#include "CliContext.h"
#include "db/Database.h"
#include "ops/ServiceMetrics.h"

namespace cli {

int MetricsCommand::run(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    const QCommandLineOption perTenant(QStringLiteral("per-tenant"),
                                       QStringLiteral("Also series per tenant (one per tenant and metric)."));
    parser.addOption(perTenant);
    if (const int rc = parse(context, parser, args); rc >= 0)
        return rc;
    QString error;
    if (!context.openDatabase(&error))
        return context.fail(error);
    const auto text =
        ops::ServiceMetrics::render(db::Database::connection(), parser.isSet(perTenant), &error);
    if (!text)
        return context.fail(error);
    context.out() << QString::fromUtf8(*text);
    context.out().flush();
    return ExitSuccess;
}

} // namespace cli

GSA_REGISTER_COMMAND(cli::MetricsCommand)
