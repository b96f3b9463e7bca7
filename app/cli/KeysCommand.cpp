#include "KeysCommand.h"

#include "CliContext.h"
#include "auth/CredentialStore.h"
#include "crypto/KeyFileProvider.h"
#include "crypto/KeyProviderChain.h"
#include "crypto/KeychainKeyProvider.h"
#include "db/IntegrationRepository.h"

#include <QFileInfo>

#include <QStringList>
#include <csignal>

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
    auto providers = crypto::KeyProviderChain::standard(context.options().keyFile);
    crypto::MasterKeyProvider *source = providers->active(&error);
    if (!source)
        return context.fail(error);
    auto *keychain = dynamic_cast<crypto::KeychainKeyProvider *>(source);
    if (!keychain && !parser.isSet(newKeyFile))
        return context.usageError(
            QStringLiteral("the master key comes from %1, which this program cannot change: "
                           "pass --new-key-file <path> to receive the new key")
                .arg(source->description()),
            usage());
    if (!context.openDatabase(&error))
        return context.fail(error);

    // Every key the stored rows name must be obtainable before anything changes.
    db::IntegrationRepository integrations;
    const auto byKey = integrations.countByKeyId();
    if (!byKey)
        return context.fail(integrations.errorString());
    QStringList keyIds;
    for (const auto &[keyId, count] : *byKey)
        keyIds << keyId;
    const auto opener = providers->vault(keyIds, &error);
    if (!opener)
        return context.fail(error + QStringLiteral("; nothing was changed"));

    // The new key: from (or into) --new-key-file, else generated and parked in the keychain by id.
    std::optional<crypto::MasterKey> newKey;
    if (parser.isSet(newKeyFile)) {
        const QString path = parser.value(newKeyFile);
        if (!QFileInfo::exists(path)) {
            newKey = crypto::MasterKey::generate(&error);
            if (!newKey || !crypto::KeyFileProvider::writeKeyFile(path, *newKey, &error))
                return context.fail(error);
        } else {
            newKey = crypto::KeyFileProvider(path).currentKey(&error);
            if (!newKey)
                return context.fail(error);
        }
    } else {
        newKey = crypto::MasterKey::generate(&error);
        if (!newKey || !keychain->storeKey(*newKey, &error))
            return context.fail(error + QStringLiteral("; nothing was changed"));
    }
    if (newKey->id() == opener->currentKeyId())
        return context.fail(
            QStringLiteral("the new key is the current key (%1); nothing to rotate").arg(newKey->id()));

    // Testing aid: a process killed here (after the new key is durable, before the rows are re-sealed)
    // must lose nothing — the rows are still sealed under the old key, which nothing has touched.
    if (qEnvironmentVariable("GMAIL_SYNC_FAULT_INJECT") == QLatin1String("kill-after-key-write"))
        ::raise(SIGKILL);
    const crypto::Vault target(*newKey);
    auth::CredentialStore store(*opener);
    const auto count = store.resealAll(target);
    if (!count)
        return context.fail(store.errorString());

    QTextStream &out = context.out();
    out << "re-sealed " << *count << " integration(s) under master key " << newKey->id() << " (previously "
        << (keyIds.isEmpty() ? QStringLiteral("none") : keyIds.join(QStringLiteral(", "))) << ")" << Qt::endl;
    if (keychain && !parser.isSet(newKeyFile)) {
        if (!keychain->makeCurrent(*newKey, &error))
            return context.fail(
                QStringLiteral("the integrations are re-sealed, but making key %1 current in the "
                               "keychain failed: %2 (it is stored there by id, so everything stays "
                               "readable; run `keys rotate` again later)")
                    .arg(newKey->id(), error));
        out << "the keychain now holds key " << newKey->id() << " as current; earlier keys stay stored under "
            << "their ids" << Qt::endl;
    } else {
        out << "now use the new key: --key-file " << parser.value(newKeyFile)
            << " (or GMAIL_SYNC_KEY_FILE); keep the old key until every program uses the new one" << Qt::endl;
    }
    return ExitSuccess;
}

} // namespace cli

GSA_REGISTER_COMMAND(cli::KeysCommand)
