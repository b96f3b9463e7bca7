#include "WatchCommand.h"

#include "CliContext.h"
#include "SyncCommand.h"
#include "push/WatchManager.h"

namespace cli {

int WatchCommand::run(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    const QCommandLineOption topic(QStringLiteral("topic"),
                                   QStringLiteral("Pub/Sub topic Gmail publishes to (projects/P/topics/T)."),
                                   QStringLiteral("TOPIC"));
    const QCommandLineOption stop(QStringLiteral("stop"), QStringLiteral("Stop the tenant's watch."));
    parser.addOptions({topic, stop});
    if (const int rc = parse(context, parser, args, 1, 1); rc >= 0)
        return rc;
    if (parser.isSet(topic) == parser.isSet(stop))
        return context.usageError(QStringLiteral("give either --topic projects/P/topics/T or --stop"),
                                  usage());
    const QString tenantId = parser.positionalArguments().constFirst();
    QString error;
    if (!context.openDatabase(&error))
        return context.fail(error);

    const syncengine::SyncOptions options = SyncCommand::engineOptions(context);
    push::WatchManager::Settings settings;
    settings.gmailApiUrl = options.gmailApiUrl;
    settings.tokenProviderFactory = options.tokenProviderFactory;
    push::WatchManager manager(settings);
    if (parser.isSet(stop)) {
        if (!manager.stop(tenantId))
            return context.fail(manager.errorString());
        context.out() << "stopped the Gmail watch of tenant " << tenantId << Qt::endl;
        return ExitSuccess;
    }
    QDateTime expires;
    if (!manager.watch(tenantId, parser.value(topic), &expires))
        return context.fail(manager.errorString());
    context.out() << "tenant " << tenantId << " is watched on " << parser.value(topic) << " until "
                  << expires.toUTC().toString(Qt::ISODate) << " (a running worker renews it daily)"
                  << Qt::endl;
    return ExitSuccess;
}

} // namespace cli

GSA_REGISTER_COMMAND(cli::WatchCommand)
