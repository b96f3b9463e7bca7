#include "KeysCommand.h"

#include "CliContext.h"
#include "ops/RotateMasterKey.h"

#include <QStringList>

namespace cli {

int KeysCommand::run(CliContext &context, const QStringList &args) {
    const QString sub = args.value(0);
    if (sub == QLatin1String("rotate"))
        return rotate(context, args.mid(1));
    if (sub == QLatin1String("--help") || sub == QLatin1String("-h") || sub == QLatin1String("help")) {
        context.out() << usage() << "\n\n" << summary() << Qt::endl;
        return ExitSuccess;
    }
    return context.usageError(sub.isEmpty() ? QStringLiteral("\"keys\" needs a subcommand: rotate")
                                            : QStringLiteral("unknown command \"keys %1\"").arg(sub),
                              usage());
}

int KeysCommand::rotate(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    const QCommandLineOption newKeyFile(
        QStringLiteral("new-key-file"),
        QStringLiteral(
            "Where the new key is (a 0600 key file) or is to be written (created with a fresh key)."),
        QStringLiteral("path"));
    parser.addOption(newKeyFile);
    if (const int rc = parse(context, parser, args, 0, 0); rc >= 0)
        return rc;
    QString error;
    if (!context.openDatabase(&error))
        return context.fail(error);

    const auto result = ops::RotateMasterKey::run({context.options().keyFile, parser.value(newKeyFile)});
    if (result.needsNewKeyFile)
        return context.usageError(
            result.error + QStringLiteral(": pass --new-key-file <path> to receive the new key"), usage());
    QTextStream &out = context.out();
    if (result.resealed)
        out << "re-sealed " << *result.resealed << " integration(s) under master key " << result.newKeyId
            << " (previously "
            << (result.previousKeyIds.isEmpty() ? QStringLiteral("none")
                                                : result.previousKeyIds.join(QStringLiteral(", ")))
            << ")" << Qt::endl;
    if (!result.ok)
        return context.fail(result.error);
    if (result.keychainCurrent)
        out << "the keychain now holds key " << result.newKeyId
            << " as current; earlier keys stay stored under "
            << "their ids" << Qt::endl;
    else
        out << "now use the new key: --key-file " << parser.value(newKeyFile)
            << " (or GMAIL_SYNC_KEY_FILE); keep the old key until every program uses the new one" << Qt::endl;
    return ExitSuccess;
}

} // namespace cli

GSA_REGISTER_COMMAND(cli::KeysCommand)
