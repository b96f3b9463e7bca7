#include "IntegrationCommand.h"

#include "CliContext.h"
#include "JsonFormat.h"
#include "auth/CredentialStore.h"
#include "crypto/KeyProviderChain.h"
#include "db/IntegrationRepository.h"
#include "db/TenantRepository.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <openssl/crypto.h>

#include <cstdio>

namespace cli {

namespace {

constexpr qint64 MaxKeysFileSize = 1024 * 1024;

// Reads the keys JSON from a file or, for "-", from stdin (so secrets need not touch the disk or argv).
std::optional<QByteArray> readKeys(const QString &path, QString *error) {
    const bool fromStdin = path == QLatin1String("-");
    QFile file(fromStdin ? QString() : path);
    const bool opened = fromStdin ? file.open(stdin, QIODevice::ReadOnly) : file.open(QIODevice::ReadOnly);
    if (!opened) {
        *error = QStringLiteral("cannot read keys file %1: %2")
                     .arg(fromStdin ? QStringLiteral("(stdin)") : path, file.errorString());
        return std::nullopt;
    }
    // Read to the end (a pipe delivers in pieces), but never more than the limit.
    QByteArray content;
    while (content.size() <= MaxKeysFileSize) {
        QByteArray chunk = file.read(64 * 1024);
        if (chunk.isEmpty())
            break;
        content += chunk;
        OPENSSL_cleanse(chunk.data(), chunk.size());
    }
    if (content.size() > MaxKeysFileSize) {
        OPENSSL_cleanse(content.data(), content.size());
        *error = QStringLiteral("keys file %1 is larger than 1 MiB; is it the right file?").arg(path);
        return std::nullopt;
    }
    if (content.trimmed().isEmpty()) {
        *error = fromStdin ? QStringLiteral("no keys JSON on stdin")
                           : QStringLiteral("keys file %1 is empty").arg(path);
        return std::nullopt;
    }
    return content;
}

QString orDash(const QString &text) {
    return text.isEmpty() ? QStringLiteral("-") : text;
}

} // namespace

int IntegrationCommand::run(CliContext &context, const QStringList &args) {
    const QString sub = args.value(0);
    if (sub == QLatin1String("set"))
        return set(context, args.mid(1));
    if (sub == QLatin1String("show"))
        return show(context, args.mid(1));
    if (sub == QLatin1String("deactivate"))
        return deactivate(context, args.mid(1));
    if (sub == QLatin1String("--help") || sub == QLatin1String("-h") || sub == QLatin1String("help")) {
        context.out() << usage() << "\n\n" << summary() << Qt::endl;
        return ExitSuccess;
    }
    return context.usageError(
        sub.isEmpty() ? QStringLiteral("\"integration\" needs a subcommand: set, show or deactivate")
                      : QStringLiteral("unknown command \"integration %1\"").arg(sub),
        usage());
}

int IntegrationCommand::set(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    const QCommandLineOption auth(QStringLiteral("auth"), QStringLiteral("oauth or service-account."),
                                  QStringLiteral("type"));
    const QCommandLineOption keysFile(QStringLiteral("keys-file"),
                                      QStringLiteral("The keys JSON: a path, or - to read it from stdin."),
                                      QStringLiteral("path"));
    parser.addOption(auth);
    parser.addOption(keysFile);
    if (const int rc = parse(context, parser, args, 1, 1); rc >= 0)
        return rc;
    if (!parser.isSet(auth))
        return context.usageError(QStringLiteral("--auth is required (oauth or service-account)"), usage());
    if (!parser.isSet(keysFile))
        return context.usageError(QStringLiteral("--keys-file is required (a path, or - for stdin)"),
                                  usage());
    const auto authType = auth::CredentialStore::parseAuthType(parser.value(auth));
    if (!authType)
        return context.usageError(
            QStringLiteral("--auth must be oauth or service-account, not \"%1\"").arg(parser.value(auth)),
            usage());
    const QString tenantId = parser.positionalArguments().constFirst();

    // Validated before the database or the keychain is touched: a typo fails fast, nothing stored.
    QString error;
    auto keys = readKeys(parser.value(keysFile), &error);
    if (!keys)
        return context.fail(error);
    const bool valid = auth::CredentialStore::validate(*authType, *keys, &error).has_value();
    if (!valid) {
        OPENSSL_cleanse(keys->data(), keys->size());
        return context.fail(error);
    }

    auto providers = crypto::KeyProviderChain::standard(context.options().keyFile);
    const auto vault = providers->vault({}, &error);
    if (!vault) {
        OPENSSL_cleanse(keys->data(), keys->size());
        return context.fail(QStringLiteral("cannot get the master key: ") + error);
    }
    if (!context.openDatabase(&error)) {
        OPENSSL_cleanse(keys->data(), keys->size());
        return context.fail(error);
    }
    auth::CredentialStore store(*vault);
    const bool stored = store.store(tenantId, *authType, *keys);
    OPENSSL_cleanse(keys->data(), keys->size());
    if (!stored)
        return context.fail(store.errorString());
    context.out() << "stored " << auth::CredentialStore::databaseName(*authType) << " credentials for tenant "
                  << tenantId << " (sealed with master key " << vault->currentKeyId() << ")" << Qt::endl;
    return ExitSuccess;
}

int IntegrationCommand::show(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print one JSON object."));
    parser.addOption(json);
    QString tenantId;
    if (const int rc = parseForTenant(context, parser, args, &tenantId); rc >= 0)
        return rc;
    db::IntegrationRepository integrations;
    const auto row = integrations.find(tenantId);
    if (!row)
        return context.fail(integrations.errorString());

    // Non-secret facts that live inside the sealed keys: for a service account its client_email and
    // the user it impersonates; for OAuth the client id. If the keys cannot be unsealed the row is
    // still shown (it is what an admin needs to diagnose), with a warning saying why.
    QString clientEmail;
    QString subject;
    QString clientId;
    auto providers = crypto::KeyProviderChain::standard(context.options().keyFile);
    QString error;
    const auto vault = providers->vault({row->keyId}, &error);
    std::optional<auth::CredentialStore::Credentials> credentials;
    if (vault) {
        auth::CredentialStore store(*vault);
        credentials = store.load(tenantId);
        if (!credentials)
            error = store.errorString();
    }
    if (!credentials) {
        context.err() << "gmail-sync: warning: " << error << Qt::endl;
    } else if (credentials->authType == auth::CredentialStore::AuthType::ServiceAccount) {
        clientEmail = credentials->keys.value(QStringLiteral("client_email")).toString();
        subject = credentials->keys.value(QStringLiteral("subject")).toString();
        if (subject.isEmpty()) {
            db::TenantRepository tenants;
            if (const auto tenant = tenants.find(tenantId))
                subject = tenant->gmailAddress;
        }
    } else {
        clientId = credentials->keys.value(QStringLiteral("clientId")).toString();
    }
    credentials.reset();

    if (parser.isSet(json)) {
        QJsonObject object{{QStringLiteral("tenantId"), row->tenantId},
                           {QStringLiteral("source"), row->source},
                           {QStringLiteral("authType"), row->authType},
                           {QStringLiteral("status"), row->status},
                           {QStringLiteral("statusReason"), JsonFormat::text(row->statusReason)},
                           {QStringLiteral("keyId"), row->keyId},
                           {QStringLiteral("tokenExpiresAt"), JsonFormat::dateTime(row->tokenExpiresAt)},
                           {QStringLiteral("lastUsedAt"), JsonFormat::dateTime(row->lastUsedAt)},
                           {QStringLiteral("createdAt"), JsonFormat::dateTime(row->createdAt)},
                           {QStringLiteral("updatedAt"), JsonFormat::dateTime(row->updatedAt)}};
        if (row->authType == QLatin1String("service_account")) {
            object.insert(QStringLiteral("clientEmail"), JsonFormat::text(clientEmail));
            object.insert(QStringLiteral("subject"), JsonFormat::text(subject));
        } else {
            object.insert(QStringLiteral("clientId"), JsonFormat::text(clientId));
        }
        context.out() << QJsonDocument(object).toJson(QJsonDocument::Compact) << Qt::endl;
        return ExitSuccess;
    }
    QTextStream &out = context.out();
    out << "tenant:        " << row->tenantId << '\n'
        << "source:        " << row->source << '\n'
        << "auth type:     " << row->authType << '\n'
        << "status:        " << row->status << '\n';
    if (!row->statusReason.isEmpty())
        out << "reason:        " << row->statusReason << '\n';
    if (row->authType == QLatin1String("service_account"))
        out << "client email:  " << orDash(clientEmail) << '\n'
            << "subject:       " << orDash(subject) << '\n';
    else
        out << "client id:     " << orDash(clientId) << '\n';
    out << "key id:        " << row->keyId << '\n'
        << "token expires: "
        << (row->tokenExpiresAt.isValid() ? JsonFormat::isoDateTime(row->tokenExpiresAt)
                                          : QStringLiteral("-"))
        << '\n'
        << "last used:     "
        << (row->lastUsedAt.isValid() ? JsonFormat::isoDateTime(row->lastUsedAt) : QStringLiteral("never"))
        << Qt::endl;
    return ExitSuccess;
}

int IntegrationCommand::deactivate(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    QString tenantId;
    if (const int rc = parseForTenant(context, parser, args, &tenantId); rc >= 0)
        return rc;
    db::IntegrationRepository integrations;
    if (!integrations.setStatus(
            tenantId, db::IntegrationRepository::Gmail, QStringLiteral("inactive"),
            QStringLiteral("deactivated by an administrator; run `integration set` to use it again")))
        return context.fail(integrations.errorString());
    context.out() << "deactivated the gmail integration of tenant " << tenantId << Qt::endl;
    return ExitSuccess;
}

} // namespace cli

GSA_REGISTER_COMMAND(cli::IntegrationCommand)
