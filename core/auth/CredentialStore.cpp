#include "auth/CredentialStore.h"

#include "log/Redactor.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QUrl>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

namespace auth {

namespace {

const QString Gmail = db::IntegrationRepository::Gmail;

// Wipes a JSON text buffer that held secrets.
void wipe(QByteArray &bytes) {
    if (!bytes.isEmpty())
        OPENSSL_cleanse(bytes.data(), bytes.size());
}

bool requireString(const QJsonObject &object, const QString &field, QString *error) {
    const QJsonValue value = object.value(field);
    if (value.isUndefined() || value.isNull()) {
        *error = QStringLiteral("keys JSON: missing field \"%1\"").arg(field);
        return false;
    }
    if (!value.isString() || value.toString().trimmed().isEmpty()) {
        *error = QStringLiteral("keys JSON: field \"%1\" must be a non-empty string").arg(field);
        return false;
    }
    return true;
}

bool optionalString(const QJsonObject &object, const QString &field, QString *error) {
    const QJsonValue value = object.value(field);
    if (value.isUndefined() || value.isNull() || value.isString())
        return true;
    *error = QStringLiteral("keys JSON: field \"%1\" must be a string").arg(field);
    return false;
}

// PEM_read_bio_PrivateKey decides whether the key is usable; OpenSSL's own message is not shown
// because it can quote the input.
bool privateKeyParses(const QString &pem) {
    QByteArray bytes = pem.toUtf8();
    BIO *bio = BIO_new_mem_buf(bytes.constData(), int(bytes.size()));
    EVP_PKEY *key = bio ? PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr) : nullptr;
    const bool ok = key != nullptr && EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA;
    EVP_PKEY_free(key);
    BIO_free(bio);
    wipe(bytes);
    return ok;
}

std::optional<QJsonObject> validateOAuth(QJsonObject keys, QString *error) {
    for (const QString &field :
         {QStringLiteral("clientId"), QStringLiteral("clientSecret"), QStringLiteral("refreshToken")}) {
        if (!requireString(keys, field, error))
            return std::nullopt;
    }
    if (!optionalString(keys, QStringLiteral("accessToken"), error))
        return std::nullopt;
    const QJsonValue expires = keys.value(QStringLiteral("expiresAt"));
    if (!expires.isUndefined() && !expires.isNull()) {
        QDateTime at;
        if (expires.isDouble())
            at = QDateTime::fromSecsSinceEpoch(qint64(expires.toDouble()), Qt::UTC);
        else if (expires.isString())
            at = QDateTime::fromString(expires.toString(), Qt::ISODateWithMs);
        if (!at.isValid()) {
            *error =
                QStringLiteral("keys JSON: field \"expiresAt\" must be an ISO 8601 time or epoch seconds");
            return std::nullopt;
        }
        keys.insert(QStringLiteral("expiresAt"), at.toUTC().toString(Qt::ISODate));
    }
    return keys;
}

std::optional<QJsonObject> validateServiceAccount(const QJsonObject &keys, QString *error) {
    if (!requireString(keys, QStringLiteral("type"), error))
        return std::nullopt;
    if (keys.value(QStringLiteral("type")).toString() != QLatin1String("service_account")) {
        *error = QStringLiteral("keys JSON: field \"type\" must be \"service_account\" (is this a Google "
                                "service-account key file?)");
        return std::nullopt;
    }
    for (const QString &field :
         {QStringLiteral("client_email"), QStringLiteral("private_key"), QStringLiteral("token_uri")}) {
        if (!requireString(keys, field, error))
            return std::nullopt;
    }
    if (!keys.value(QStringLiteral("client_email")).toString().contains(QLatin1Char('@'))) {
        *error = QStringLiteral("keys JSON: field \"client_email\" must be an email address");
        return std::nullopt;
    }
    // The signed assertion goes to token_uri: only over TLS (a loopback address is allowed plain, for the
    // sandbox and tests; nothing leaves the machine there).
    const QUrl tokenUri(keys.value(QStringLiteral("token_uri")).toString(), QUrl::StrictMode);
    const bool loopback =
        tokenUri.scheme() == QLatin1String("http") &&
        (tokenUri.host() == QLatin1String("127.0.0.1") || tokenUri.host() == QLatin1String("::1") ||
         tokenUri.host() == QLatin1String("localhost"));
    if (!tokenUri.isValid() || tokenUri.host().isEmpty() ||
        (tokenUri.scheme() != QLatin1String("https") && !loopback)) {
        *error = QStringLiteral(
            "keys JSON: field \"token_uri\" must be an https URL (plain http only on loopback)");
        return std::nullopt;
    }
    if (!privateKeyParses(keys.value(QStringLiteral("private_key")).toString())) {
        *error =
            QStringLiteral("keys JSON: field \"private_key\" is not a PEM RSA private key OpenSSL can read "
                           "(paste private_key unchanged from Google's key file)");
        return std::nullopt;
    }
    if (!optionalString(keys, QStringLiteral("subject"), error) ||
        !optionalString(keys, QStringLiteral("private_key_id"), error))
        return std::nullopt;
    return keys;
}

} // namespace

CredentialStore::CredentialStore(const crypto::Vault &vault, QSqlDatabase db)
    : m_vault(vault)
    , m_repository(std::move(db)) {}

std::optional<CredentialStore::AuthType> CredentialStore::parseAuthType(const QString &text) {
    if (text == QLatin1String("oauth"))
        return AuthType::OAuth;
    if (text == QLatin1String("service-account") || text == QLatin1String("service_account"))
        return AuthType::ServiceAccount;
    return std::nullopt;
}

QString CredentialStore::databaseName(AuthType type) {
    return type == AuthType::OAuth ? QStringLiteral("oauth") : QStringLiteral("service_account");
}

QByteArray CredentialStore::associatedData(const QString &tenantId, const QString &source,
                                           const QString &authType) {
    QByteArray aad("gsa-integration-v1");
    for (const QString &part : {tenantId, source, authType}) {
        aad.append('\0');
        aad.append(part.toUtf8());
    }
    return aad;
}

std::optional<QJsonObject> CredentialStore::validate(AuthType type, const QByteArray &json, QString *error) {
    QString ignored;
    QString *out = error ? error : &ignored;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *out = QStringLiteral("keys JSON is malformed: %1 at offset %2")
                   .arg(parseError.errorString())
                   .arg(parseError.offset);
        return std::nullopt;
    }
    if (!document.isObject()) {
        *out = QStringLiteral("keys JSON must be an object");
        return std::nullopt;
    }
    return type == AuthType::OAuth ? validateOAuth(document.object(), out)
                                   : validateServiceAccount(document.object(), out);
}

bool CredentialStore::fail(const QString &message, bool notFound) {
    m_error = message;
    m_notFound = notFound;
    return false;
}

std::optional<QByteArray> CredentialStore::seal(const crypto::Vault &vault, const QJsonObject &keys,
                                                const QString &tenantId, const QString &source,
                                                const QString &authType) {
    QByteArray plaintext = QJsonDocument(keys).toJson(QJsonDocument::Compact);
    QString error;
    auto envelope = vault.seal(plaintext, associatedData(tenantId, source, authType), &error);
    wipe(plaintext);
    if (!envelope)
        fail(QStringLiteral("sealing the keys of tenant \"%1\" failed: %2").arg(tenantId, error));
    return envelope;
}

std::optional<QJsonObject> CredentialStore::unseal(const db::Integration &row, QString *error) const {
    auto plaintext =
        m_vault.open(row.encryptedKeys, associatedData(row.tenantId, row.source, row.authType), error);
    if (!plaintext)
        return std::nullopt;
    const QJsonDocument document = QJsonDocument::fromJson(*plaintext);
    wipe(*plaintext);
    if (!document.isObject()) {
        *error = QStringLiteral("the unsealed keys are not a JSON object");
        return std::nullopt;
    }
    const QJsonObject keys = document.object();
    // Whatever was sealed is secret except the few public fields: the log never shows those values.
    static const QStringList publicFields{
        QStringLiteral("type"),           QStringLiteral("clientId"),       QStringLiteral("client_id"),
        QStringLiteral("client_email"),   QStringLiteral("token_uri"),      QStringLiteral("project_id"),
        QStringLiteral("scopes"),         QStringLiteral("subject"),        QStringLiteral("auth_uri"),
        QStringLiteral("tokenExpiresAt"), QStringLiteral("universe_domain")};
    for (auto it = keys.constBegin(); it != keys.constEnd(); ++it) {
        if (it.value().isString() && !publicFields.contains(it.key()) &&
            !it.key().endsWith(QLatin1String("_url")))
            logging::Redactor::registerSecret(it.value().toString());
    }
    return keys;
}

bool CredentialStore::store(const QString &tenantId, AuthType type, const QByteArray &keysJson) {
    m_error.clear();
    m_notFound = false;
    QString error;
    const auto keys = validate(type, keysJson, &error);
    if (!keys)
        return fail(error);
    const QString authType = databaseName(type);
    const auto envelope = seal(m_vault, *keys, tenantId, Gmail, authType);
    if (!envelope)
        return false;
    if (!m_repository.upsert(tenantId, Gmail, authType, *envelope, m_vault.currentKeyId()))
        return fail(m_repository.errorString(), m_repository.isNotFound());
    const QString expires = keys->value(QStringLiteral("expiresAt")).toString();
    if (!expires.isEmpty() &&
        !m_repository.setTokenExpiry(tenantId, Gmail, QDateTime::fromString(expires, Qt::ISODate)))
        return fail(m_repository.errorString());
    return true;
}

bool CredentialStore::update(const QString &tenantId, const QJsonObject &keys,
                             const QByteArray &expectedEnvelope) {
    m_error.clear();
    m_notFound = false;
    const auto row = m_repository.find(tenantId, Gmail);
    if (!row)
        return fail(m_repository.errorString(), m_repository.isNotFound());
    const auto envelope = seal(m_vault, keys, tenantId, Gmail, row->authType);
    if (!envelope)
        return false;
    if (!m_repository.updateKeys(tenantId, Gmail, *envelope, m_vault.currentKeyId(), expectedEnvelope))
        return fail(m_repository.errorString(), m_repository.isNotFound());
    return true;
}

std::optional<CredentialStore::Credentials> CredentialStore::load(const QString &tenantId) {
    m_error.clear();
    m_notFound = false;
    const auto row = m_repository.find(tenantId, Gmail);
    if (!row) {
        fail(m_repository.errorString(), m_repository.isNotFound());
        return std::nullopt;
    }
    QString error;
    auto keys = unseal(*row, &error);
    if (!keys) {
        fail(QStringLiteral("cannot unseal the keys of tenant \"%1\": %2").arg(tenantId, error));
        return std::nullopt;
    }
    Credentials credentials;
    credentials.authType = *parseAuthType(row->authType);
    credentials.keys = std::move(*keys);
    credentials.integration = *row;
    return credentials;
}

std::optional<int> CredentialStore::resealAll(const crypto::Vault &target) {
    m_error.clear();
    m_notFound = false;
    const auto count =
        m_repository.resealAll([&](const db::Integration &row,
                                   QString *error) -> std::optional<db::IntegrationRepository::Resealed> {
            auto keys = unseal(row, error);
            if (!keys)
                return std::nullopt;
            QByteArray plaintext = QJsonDocument(*keys).toJson(QJsonDocument::Compact);
            auto envelope =
                target.seal(plaintext, associatedData(row.tenantId, row.source, row.authType), error);
            wipe(plaintext);
            if (!envelope)
                return std::nullopt;
            return db::IntegrationRepository::Resealed{*envelope, target.currentKeyId()};
        });
    if (!count)
        fail(QStringLiteral("key rotation failed: ") + m_repository.errorString());
    return count;
}

} // namespace auth
