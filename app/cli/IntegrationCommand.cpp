#include "IntegrationCommand.h"

#include "CliContext.h"
#include "JsonFormat.h"
#include "auth/CredentialStore.h"
#include "ops/ConnectMailbox.h"
#include "ops/DeactivateIntegration.h"
#include "ops/IntegrationDetails.h"

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

bool isServiceAccount(const db::Integration &row) {
    return row.authType ==
           auth::CredentialStore::databaseName(auth::CredentialStore::AuthType::ServiceAccount);
}

QJsonObject toJson(const ops::IntegrationDetails::Result &details) {
    const db::Integration &row = details.integration;
    QJsonObject object{{QStringLiteral("tenantId"), row.tenantId},
                       {QStringLiteral("source"), row.source},
                       {QStringLiteral("authType"), row.authType},
                       {QStringLiteral("status"), row.status},
                       {QStringLiteral("statusReason"), JsonFormat::text(row.statusReason)},
                       {QStringLiteral("keyId"), row.keyId},
                       {QStringLiteral("tokenExpiresAt"), JsonFormat::dateTime(row.tokenExpiresAt)},
                       {QStringLiteral("lastUsedAt"), JsonFormat::dateTime(row.lastUsedAt)},
                       {QStringLiteral("createdAt"), JsonFormat::dateTime(row.createdAt)},
                       {QStringLiteral("updatedAt"), JsonFormat::dateTime(row.updatedAt)}};
    if (isServiceAccount(row)) {
        object.insert(QStringLiteral("clientEmail"), JsonFormat::text(details.facts.clientEmail));
        object.insert(QStringLiteral("subject"), JsonFormat::text(details.facts.subject));
    } else {
        object.insert(QStringLiteral("clientId"), JsonFormat::text(details.facts.clientId));
    }
    return object;
}

void printText(QTextStream &out, const ops::IntegrationDetails::Result &details) {
    const db::Integration &row = details.integration;
    out << "tenant:        " << row.tenantId << '\n'
        << "source:        " << row.source << '\n'
        << "auth type:     " << row.authType << '\n'
        << "status:        " << row.status << '\n';
    if (!row.statusReason.isEmpty())
        out << "reason:        " << row.statusReason << '\n';
    if (isServiceAccount(row))
        out << "client email:  " << orDash(details.facts.clientEmail) << '\n'
            << "subject:       " << orDash(details.facts.subject) << '\n';
    else
        out << "client id:     " << orDash(details.facts.clientId) << '\n';
    out << "key id:        " << row.keyId << '\n'
        << "token expires: "
        << (row.tokenExpiresAt.isValid() ? JsonFormat::isoDateTime(row.tokenExpiresAt) : QStringLiteral("-"))
        << '\n'
        << "last used:     "
        << (row.lastUsedAt.isValid() ? JsonFormat::isoDateTime(row.lastUsedAt) : QStringLiteral("never"))
        << Qt::endl;
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

    if (!context.openDatabase(&error)) {
        OPENSSL_cleanse(keys->data(), keys->size());
        return context.fail(error);
    }
    const auto stored = ops::ConnectMailbox(context.options().keyFile).storeKeys(tenantId, *authType, *keys);
    if (!stored.ok)
        return context.fail(stored.error);
    context.out() << "stored " << auth::CredentialStore::databaseName(*authType) << " credentials for tenant "
                  << tenantId << " (sealed with master key " << stored.keyId << ")" << Qt::endl;
    return ExitSuccess;
}

int IntegrationCommand::show(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print one JSON object."));
    parser.addOption(json);
    QString tenantId;
    if (const int rc = parseForTenant(context, parser, args, &tenantId); rc >= 0)
        return rc;
    const auto details = ops::IntegrationDetails::load(tenantId, context.options().keyFile);
    if (!details.ok)
        return context.fail(details.error);
    // The row is still shown when the keys cannot be unsealed: it is what an admin needs to diagnose.
    if (!details.warning.isEmpty())
        context.err() << "gmail-sync: warning: " << details.warning << Qt::endl;
    if (parser.isSet(json))
        context.out() << QJsonDocument(toJson(details)).toJson(QJsonDocument::Compact) << Qt::endl;
    else
        printText(context.out(), details);
    return ExitSuccess;
}

int IntegrationCommand::deactivate(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    QString tenantId;
    if (const int rc = parseForTenant(context, parser, args, &tenantId); rc >= 0)
        return rc;
    const auto result = ops::DeactivateIntegration::run(
        tenantId, QStringLiteral("deactivated by an administrator; run `integration set` to use it again"));
    if (!result.ok)
        return context.fail(result.error);
    context.out() << "deactivated the gmail integration of tenant " << tenantId << Qt::endl;
    return ExitSuccess;
}

} // namespace cli

GSA_REGISTER_COMMAND(cli::IntegrationCommand)
