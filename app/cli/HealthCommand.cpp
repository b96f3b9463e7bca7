#include "HealthCommand.h"

#include "CliContext.h"
#include "db/Database.h"
#include "ops/ServiceHealth.h"

#include <QJsonDocument>

namespace cli {

int HealthCommand::run(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print the /health JSON."));
    parser.addOption(json);
    if (const int rc = parse(context, parser, args); rc >= 0)
        return rc;
    ops::ServiceHealth::Report report;
    QString error;
    if (context.openDatabase(&error))
        report = ops::ServiceHealth::check(db::Database::connection());
    else
        report.error = error;
    if (parser.isSet(json)) {
        context.out() << QString::fromUtf8(QJsonDocument(report.toJson()).toJson(QJsonDocument::Indented));
        context.out().flush();
    } else if (report.ready) {
        context.out() << "ready: schema " << report.schemaVersion << ", " << report.queueDepth << " queued, "
                      << report.running << " running" << Qt::endl;
    }
    if (!report.ready)
        return context.fail(report.error);
    return ExitSuccess;
}

} // namespace cli

GSA_REGISTER_COMMAND(cli::HealthCommand)
