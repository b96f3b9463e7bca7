#include "MigrateCommand.h"

#include "CliContext.h"
#include "db/Database.h"
#include "db/Migrator.h"

namespace cli {

int MigrateCommand::run(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    if (const int rc = parse(context, parser, args); rc >= 0)
        return rc;
    QString error;
    if (!context.connectDatabase(&error))
        return context.fail(error);
    db::Migrator migrator(db::Database::connection());
    const int before = migrator.currentVersion();
    if (before < 0)
        return context.fail(migrator.errorString());
    if (!migrator.migrate())
        return context.fail(migrator.errorString());
    const int after = migrator.currentVersion();
    if (after == before)
        context.out() << "database schema is up to date (version " << after << ")" << Qt::endl;
    else
        context.out() << "database schema migrated from version " << before << " to " << after << Qt::endl;
    return ExitSuccess;
}

} // namespace cli

GSA_REGISTER_COMMAND(cli::MigrateCommand)
