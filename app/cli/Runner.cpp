#include "Runner.h"

#include "CliContext.h"
#include "Command.h"
#include "common/AppInfo.h"

#include <QCommandLineParser>

namespace cli {

namespace {

QString globalUsage(const std::vector<std::unique_ptr<Command>> &commands, const QString &group = {}) {
    QString text = QStringLiteral("usage: gmail-sync [global options] <command> [arguments]\n\nCommands:\n");
    qsizetype width = 0;
    for (const auto &c : commands)
        width = qMax(width, c->name().size());
    for (const auto &c : commands) {
        if (group.isEmpty() || c->name().startsWith(group + QLatin1Char(' ')))
            text +=
                QStringLiteral("  ") + c->name().leftJustified(width + 2) + c->summary() + QLatin1Char('\n');
    }
    text += QStringLiteral("\nGlobal options (also accepted after the command):\n");
    for (const QCommandLineOption &o : GlobalOptions::commandLineOptions()) {
        const QString head =
            QStringLiteral("--") + o.names().constFirst() + QLatin1Char(' ') + o.valueName().toUpper();
        text += QStringLiteral("  ") + head.leftJustified(24) + o.description() + QLatin1Char('\n');
    }
    text += QStringLiteral(
        "  --help, -h              Show this help; 'gmail-sync <command> --help' for a command.\n"
        "  --version               Show the version.\n");
    return text;
}

} // namespace

int Runner::run(const QStringList &arguments, QTextStream &out, QTextStream &err) {
    const std::vector<std::unique_ptr<Command>> commands = CommandRegistry::createAll();

    QCommandLineParser parser;
    // Everything from the command name on belongs to the command.
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsPositionalArguments);
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show help."));
    const QCommandLineOption version(QStringLiteral("version"), QStringLiteral("Show the version."));
    parser.addOption(help);
    parser.addOption(version);
    parser.addOptions(GlobalOptions::commandLineOptions());

    GlobalOptions options = GlobalOptions::fromEnvironment();
    CliContext context(options, out, err);
    if (!parser.parse(arguments.isEmpty() ? QStringList{QStringLiteral("gmail-sync")} : arguments))
        return context.usageError(parser.errorText(), globalUsage(commands).section(QLatin1Char('\n'), 0, 0));
    context.options().applyFrom(parser);

    QStringList rest = parser.positionalArguments();
    if (parser.isSet(version)) {
        out << "gmail-sync " << common::AppInfo::version() << Qt::endl;
        return ExitSuccess;
    }
    if (parser.isSet(help) || rest.value(0) == QLatin1String("help")) {
        out << globalUsage(commands);
        return ExitSuccess;
    }
    if (rest.isEmpty())
        return context.usageError(QStringLiteral("no command given"), globalUsage(commands).trimmed());

    // The longest command name that the leading words spell.
    Command *match = nullptr;
    qsizetype matchedWords = 0;
    for (const auto &c : commands) {
        const QStringList words = c->name().split(QLatin1Char(' '));
        if (words.size() > matchedWords && words.size() <= rest.size() &&
            rest.mid(0, words.size()) == words) {
            match = c.get();
            matchedWords = words.size();
        }
    }
    if (!match) {
        const bool isGroup = std::any_of(commands.cbegin(), commands.cend(), [&](const auto &c) {
            return c->name().startsWith(rest.constFirst() + QLatin1Char(' '));
        });
        if (isGroup) {
            const QString message =
                rest.size() == 1 ? QStringLiteral("\"%1\" needs a subcommand").arg(rest.constFirst())
                                 : QStringLiteral("unknown command \"%1 %2\"").arg(rest.at(0), rest.at(1));
            return context.usageError(message, globalUsage(commands, rest.constFirst()).trimmed());
        }
        return context.usageError(QStringLiteral("unknown command \"%1\"").arg(rest.constFirst()),
                                  globalUsage(commands).trimmed());
    }
    return match->run(context, rest.mid(matchedWords));
}

} // namespace cli
