#include "ServiceAccountRegistry.h"

#include "auth/Jwt.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QMutexLocker>
#include <QRandomGenerator>
#include <QUrl>

namespace sandbox {

namespace {

QString randomHex(int bytes) {
    QByteArray raw(bytes, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(raw.data()), bytes / 4);
    return QString::fromLatin1(raw.toHex());
}

QString randomDigits(int count) {
    QString digits;
    QRandomGenerator *rng = QRandomGenerator::system();
    digits.append(QChar(u'1' + rng->bounded(9)));
    while (digits.size() < count)
        digits.append(QChar(u'0' + rng->bounded(10)));
    return digits;
}

} // namespace

std::optional<QJsonObject> ServiceAccountRegistry::create(const QString &clientEmail, const QString &tokenUri,
                                                          const QString &authUri, const QString &certsBaseUrl,
                                                          QString *error) {
    const std::optional<QByteArray> privatePem = auth::Jwt::generateRsaPrivateKeyPem(2048, error);
    if (!privatePem)
        return std::nullopt;
    const std::optional<QByteArray> publicPem = auth::Jwt::publicKeyPem(*privatePem, error);
    if (!publicPem)
        return std::nullopt;

    QMutexLocker lock(&m_mutex);
    Account account;
    account.clientEmail = clientEmail.trimmed().toLower();
    if (account.clientEmail.isEmpty()) {
        account.clientEmail =
            QStringLiteral("sa-%1@sandbox-project.iam.gserviceaccount.com").arg(++m_counter);
    }
    if (!account.clientEmail.contains(u'@')) {
        if (error)
            *error = QStringLiteral("clientEmail must be an e-mail address");
        return std::nullopt;
    }
    if (m_accounts.contains(account.clientEmail)) {
        if (error)
            *error = QStringLiteral("a service account with this clientEmail exists already");
        return std::nullopt;
    }
    // "name@PROJECT.iam.gserviceaccount.com" names its project.
    const QString domain = account.clientEmail.section(u'@', 1);
    account.projectId = domain.endsWith(QLatin1String(".iam.gserviceaccount.com"))
                            ? domain.section(u'.', 0, 0)
                            : QStringLiteral("sandbox-project");
    account.clientId = randomDigits(21);
    account.keyId = randomHex(20); // 40 hex digits, like Google's private_key_id
    account.publicKeyPem = *publicPem;
    m_accounts.insert(account.clientEmail, account);

    // Field order and names of a real key file; the x509 URLs point at this sandbox.
    return QJsonObject{
        {QStringLiteral("type"), QStringLiteral("service_account")},
        {QStringLiteral("project_id"), account.projectId},
        {QStringLiteral("private_key_id"), account.keyId},
        {QStringLiteral("private_key"), QString::fromLatin1(*privatePem)},
        {QStringLiteral("client_email"), account.clientEmail},
        {QStringLiteral("client_id"), account.clientId},
        {QStringLiteral("auth_uri"), authUri},
        {QStringLiteral("token_uri"), tokenUri},
        {QStringLiteral("auth_provider_x509_cert_url"),
         QString(certsBaseUrl + QStringLiteral("/oauth2/v1/certs"))},
        {QStringLiteral("client_x509_cert_url"),
         QString(certsBaseUrl + QStringLiteral("/robot/v1/metadata/x509/") +
                 QString::fromLatin1(QUrl::toPercentEncoding(account.clientEmail)))},
        {QStringLiteral("universe_domain"), QStringLiteral("googleapis.com")},
    };
}

std::optional<ServiceAccountRegistry::Account>
ServiceAccountRegistry::find(const QString &clientEmail) const {
    QMutexLocker lock(&m_mutex);
    const auto it = m_accounts.constFind(clientEmail.trimmed().toLower());
    if (it == m_accounts.cend())
        return std::nullopt;
    return *it;
}

void ServiceAccountRegistry::setDomainWideDelegation(const QString &clientEmail, bool granted) {
    QMutexLocker lock(&m_mutex);
    const auto it = m_accounts.find(clientEmail.trimmed().toLower());
    if (it != m_accounts.end())
        it->domainWideDelegation = granted;
}

void ServiceAccountRegistry::ensureOidcKeyLocked() const {
    if (!m_oidcPrivateKeyPem.isEmpty())
        return;
    QString error;
    const std::optional<QByteArray> pem = auth::Jwt::generateRsaPrivateKeyPem(2048, &error);
    if (!pem)
        qFatal("gmail-sandbox: cannot create its OIDC signing key: %s", qPrintable(error));
    m_oidcPrivateKeyPem = *pem;
    // A stable id derived from the public key, as a JWKS "kid" should be.
    const std::optional<QByteArray> publicPem = auth::Jwt::publicKeyPem(*pem, &error);
    m_oidcKeyId = QString::fromLatin1(
        QCryptographicHash::hash(publicPem.value_or(QByteArray()), QCryptographicHash::Sha1).toHex());
    m_oidcJwk = auth::Jwt::publicJwk(*pem, m_oidcKeyId, &error).value_or(QJsonObject());
}

QByteArray ServiceAccountRegistry::oidcPrivateKeyPem() const {
    QMutexLocker lock(&m_mutex);
    ensureOidcKeyLocked();
    return m_oidcPrivateKeyPem;
}

QString ServiceAccountRegistry::oidcKeyId() const {
    QMutexLocker lock(&m_mutex);
    ensureOidcKeyLocked();
    return m_oidcKeyId;
}

QJsonObject ServiceAccountRegistry::jwks() const {
    QMutexLocker lock(&m_mutex);
    ensureOidcKeyLocked();
    return QJsonObject{{QStringLiteral("keys"), QJsonArray{m_oidcJwk}}};
}

} // namespace sandbox
