#include "Command.h"

#include "CliContext.h"
#include "db/TenantRepository.h"

#include <QMutex>

#include <algorithm>

namespace cli {

namespace {

std::vector<CommandRegistry::Factory> &factories() {
    static std::vector<CommandRegistry::Factory> all;
    return all;
}

} // namespace

bool CommandRegistry::add(Factory factory) {
    factories().push_back(std::move(factory));
    return true;
}

std::vector<std::unique_ptr<Command>> CommandRegistry::createAll() {
    std::vector<std::unique_ptr<Command>> commands;
    for (const Factory &factory : factories())
        commands.push_back(factory());
    std::sort(commands.begin(), commands.end(),
              [](const auto &a, const auto &b) { return a->name() < b->name(); });
    return commands;
}

QString Command::usage() const {
    QString line = QStringLiteral("usage: gmail-sync [global options] ") + name();
    if (!synopsis().isEmpty())
        line += QLatin1Char(' ') + synopsis();
    return line;
}

int Command::parse(CliContext &context, QCommandLineParser &parser, const QStringList &args,
                   int minPositional, int maxPositional) const {
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show this help."));
    parser.addOption(help);
    const QList<QCommandLineOption> globals = GlobalOptions::commandLineOptions();
    parser.addOptions(globals);
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);

    // QCommandLineParser expects the program name first.
    if (!parser.parse(QStringList{QStringLiteral("gmail-sync")} + args))
        return context.usageError(parser.errorText(), usage());
    if (parser.isSet(help)) {
        context.out() << usage() << "\n\n" << summary() << "\n";
        const QString options = parser.helpText().section(QStringLiteral("Options:\n"), 1);
        if (!options.isEmpty())
            context.out() << "\nOptions:\n" << options;
        return ExitSuccess;
    }
    context.options().applyFrom(parser);
    const qsizetype count = parser.positionalArguments().size();
    if (count < minPositional)
        return context.usageError(QStringLiteral("missing argument"), usage());
    if (maxPositional >= 0 && count > maxPositional)
        return context.usageError(
            QStringLiteral("unexpected argument \"%1\"").arg(parser.positionalArguments().at(maxPositional)),
            usage());
    return -1;
}

int Command::parseForTenant(CliContext &context, QCommandLineParser &parser, const QStringList &args,
                            QString *tenantId) const {
    if (const int rc = parse(context, parser, args, 1, 1); rc >= 0)
        return rc;
    *tenantId = parser.positionalArguments().constFirst();
    QString error;
    if (!context.openDatabase(&error))
        return context.fail(error);
    return -1;
}

int Command::parseForExistingTenant(CliContext &context, QCommandLineParser &parser, const QStringList &args,
                                    db::Tenant *tenant) const {
    QString tenantId;
    if (const int rc = parseForTenant(context, parser, args, &tenantId); rc >= 0)
        return rc;
    db::TenantRepository tenants;
    const std::optional<db::Tenant> found = tenants.find(tenantId);
    if (!found)
        return context.failTenant(tenants, tenantId);
    *tenant = *found;
    return -1;
}

} // namespace cli
