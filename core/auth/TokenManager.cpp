#include "auth/TokenManager.h"

#include "log/Redactor.h"

#include "auth/TokenLifetime.h"

#include "auth/CredentialStore.h"
#include "auth/Jwt.h"
#include "db/IntegrationRepository.h"
#include "db/TenantRepository.h"

#include <QEventLoop>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrlQuery>

namespace auth {

namespace {

const QString Gmail = db::IntegrationRepository::Gmail;
// RFC 7523 §2.1
const QString JwtBearerGrant = QStringLiteral("urn:ietf:params:oauth:grant-type:jwt-bearer");
// A forced refresh right after another thread's refresh reuses that token instead of asking again.
constexpr qint64 ForcedReuseMs = 5000;

QByteArray formEncode(const QList<QPair<QString, QString>> &fields) {
    QByteArray out;
    for (const auto &[name, value] : fields) {
        if (!out.isEmpty())
            out.append('&');
        out.append(QUrl::toPercentEncoding(name));
        out.append('=');
        out.append(QUrl::toPercentEncoding(value));
    }
    return out;
}

} // namespace

TokenManager::TokenManager(Params params, const crypto::Vault &vault)
    : m_params(std::move(params))
    , m_vault(vault) {}

std::shared_ptr<TokenManager> TokenManager::sharedFor(const Params &params, const crypto::Vault &vault) {
    static std::mutex registryMutex;
    static QHash<QString, std::weak_ptr<TokenManager>> registry;
    std::lock_guard lock(registryMutex);
    if (auto existing = registry.value(params.tenantId).lock())
        return existing;
    auto manager = std::make_shared<TokenManager>(params, vault);
    registry.insert(params.tenantId, manager);
    return manager;
}

bool TokenManager::keysReplacedSince(const QByteArray &envelope) const {
    db::IntegrationRepository repository;
    const auto row = repository.find(m_params.tenantId, Gmail);
    return row && row->status == QLatin1String("active") && row->encryptedKeys != envelope;
}

int TokenManager::tokenRequests() const {
    std::lock_guard lock(m_mutex);
    return m_requests;
}

bool TokenManager::usable(const QDateTime &now) const {
    return !m_token.isEmpty() && m_expiresAt.isValid() && now.secsTo(m_expiresAt) > 30;
}

bool TokenManager::fresh(const QDateTime &now) const {
    return !m_token.isEmpty() && m_expiresAt.isValid() &&
           now.secsTo(m_expiresAt) > qint64(m_params.refreshMargin.count());
}

namespace {

std::nullopt_t failWith(QString *error, bool *permanent, const QString &message, bool isPermanent) {
    if (error)
        *error = message;
    if (permanent)
        *permanent = isPermanent;
    return std::nullopt;
}

} // namespace

std::optional<QString> TokenManager::accessToken(bool forceRefresh, QString *error, bool *permanent) {
    std::unique_lock lock(m_mutex);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (m_permanent && stillPermanent(lock, now, &forceRefresh))
        return failWith(error, permanent, m_lastError, true);
    if (!forceRefresh && fresh(now))
        return m_token;
    if (forceRefresh && fresh(now) && m_tokenFromRequest && m_obtainedAt.msecsTo(now) < ForcedReuseMs)
        return m_token;
    if (m_refreshing) {
        // Someone is already asking: share that answer.
        const quint64 generation = m_generation;
        m_refreshed.wait(lock, [&] { return m_generation != generation; });
        if (m_lastError.isEmpty() && !m_token.isEmpty())
            return m_token;
        return failWith(error, permanent, m_lastError, m_permanent);
    }
    if (m_failedAt.isValid() && m_failedAt.msecsTo(now) < m_params.failureBackoff.count() &&
        !m_lastError.isEmpty())
        return !forceRefresh && usable(now) ? std::optional<QString>(m_token)
                                            : failWith(error, permanent, m_lastError, false);

    m_refreshing = true;
    lock.unlock();
    const Outcome outcome = refresh(forceRefresh);
    lock.lock();
    m_refreshing = false;
    ++m_generation;
    remember(outcome);
    m_refreshed.notify_all();
    if (!outcome.error.isEmpty()) {
        // A transient failure inside the refresh margin: the current token still works for a while.
        if (!outcome.permanent && !forceRefresh && usable(now))
            return m_token;
        return failWith(error, permanent, outcome.error, outcome.permanent);
    }
    return m_token;
}

bool TokenManager::stillPermanent(std::unique_lock<std::mutex> &lock, const QDateTime &now,
                                  bool *forceRefresh) {
    if (m_refreshing || m_failedAt.msecsTo(now) < m_params.permanentRecheck.count())
        return true;
    // Has an admin stored new keys (`integration set`) since? One row read, no token request.
    const QByteArray envelope = m_failedEnvelope;
    m_failedAt = now;
    lock.unlock();
    const bool replaced = keysReplacedSince(envelope);
    lock.lock();
    if (!m_permanent)
        return false; // another thread cleared it meanwhile
    if (!replaced)
        return true;
    m_permanent = false;
    m_lastError.clear();
    m_failedAt = QDateTime();
    *forceRefresh = true; // the cached token belongs to the old keys
    return false;
}

void TokenManager::remember(const Outcome &outcome) {
    if (!outcome.token.isEmpty())
        logging::Redactor::registerSecret(outcome.token);
    if (outcome.error.isEmpty()) {
        m_token = outcome.token;
        m_expiresAt = outcome.expiresAt;
        m_obtainedAt = QDateTime::currentDateTimeUtc();
        m_tokenFromRequest = outcome.fromRequest;
        m_lastError.clear();
        m_failedAt = QDateTime();
        return;
    }
    if (!outcome.token.isEmpty()) { // a still-valid stored token to serve while the endpoint fails
        m_token = outcome.token;
        m_expiresAt = outcome.expiresAt;
        m_tokenFromRequest = false;
    }
    m_lastError = outcome.error;
    m_permanent = outcome.permanent;
    m_failedEnvelope = outcome.envelope;
    m_failedAt = QDateTime::currentDateTimeUtc();
}

TokenManager::Outcome TokenManager::refresh(bool force) {
    CredentialStore store(m_vault);
    const auto credentials = store.load(m_params.tenantId);
    if (!credentials) {
        // No integration at all is permanent (until one is stored); a database error is not.
        Outcome outcome;
        outcome.error = store.errorString();
        outcome.permanent = store.isNotFound();
        return outcome;
    }
    const db::Integration &row = credentials->integration;
    Outcome outcome;
    if (row.status == QLatin1String("inactive")) {
        outcome.error =
            QStringLiteral("the Gmail integration of tenant \"%1\" is deactivated; store its keys "
                           "again with `gmail-sync integration set` to use it")
                .arg(m_params.tenantId);
        outcome.permanent = true;
    } else if (row.status == QLatin1String("needs_reauth")) {
        outcome.error = QStringLiteral("tenant \"%1\" needs re-authorization: %2")
                            .arg(m_params.tenantId, row.statusReason);
        outcome.permanent = true;
    } else {
        outcome = credentials->authType == CredentialStore::AuthType::OAuth
                      ? refreshOAuth(*credentials, force)
                      : refreshServiceAccount(credentials->keys);
    }
    outcome.envelope = row.encryptedKeys;
    if (!outcome.error.isEmpty())
        return outcome;
    // Best effort bookkeeping: failing to record it must not fail the caller's sync.
    db::IntegrationRepository repository;
    (void)repository.setTokenExpiry(m_params.tenantId, Gmail, outcome.expiresAt);
    (void)repository.touchLastUsed(m_params.tenantId, Gmail);
    return outcome;
}

int TokenManager::post(const QUrl &url, const QByteArray &form, QJsonObject *json, QString *networkError) {
    {
        std::lock_guard lock(m_mutex);
        ++m_requests;
    }
    QNetworkAccessManager network;
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader,
                      QByteArrayLiteral("application/x-www-form-urlencoded"));
    request.setRawHeader("Accept", "application/json");
    request.setTransferTimeout(int(m_params.timeout.count()));
    QNetworkReply *reply = network.post(request, form);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec(QEventLoop::ExcludeUserInputEvents);
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    *json = QJsonDocument::fromJson(reply->readAll()).object();
    if (status == 0)
        *networkError = reply->errorString();
    reply->deleteLater();
    return status;
}

TokenManager::Outcome TokenManager::grantFailure(int status, const QJsonObject &json,
                                                 const QString &networkError, const QString &what) {
    Outcome outcome;
    if (status == 0) {
        outcome.error = QStringLiteral("%1: the token endpoint did not answer (%2)").arg(what, networkError);
        return outcome;
    }
    // RFC 6749 §5.2 error response; error_description is Google's text, never a secret.
    const QString code = json.value(QStringLiteral("error")).toString();
    const QString description = json.value(QStringLiteral("error_description")).toString();
    const QString detail =
        code.isEmpty() ? QStringLiteral("HTTP %1").arg(status)
                       : QStringLiteral("%1%2").arg(
                             code, description.isEmpty() ? QString() : QStringLiteral(": ") + description);
    if (status >= 500 || status == 429) {
        outcome.error = QStringLiteral("%1: the token endpoint answered %2 (%3); will retry")
                            .arg(what)
                            .arg(status)
                            .arg(detail);
        return outcome;
    }
    outcome.permanent = true;
    const bool reauth = code == QLatin1String("invalid_grant") || code == QLatin1String("invalid_client") ||
                        code == QLatin1String("unauthorized_client");
    if (!reauth) {
        outcome.error = QStringLiteral("%1: Google refused the request (%2)").arg(what, detail);
        return outcome;
    }
    const QString reason =
        QStringLiteral("Google refused the stored credentials (%1). Reconnect the mailbox and "
                       "store the new keys with `gmail-sync integration set %2`")
            .arg(detail, m_params.tenantId);
    db::IntegrationRepository repository;
    if (!repository.setStatus(m_params.tenantId, Gmail, QStringLiteral("needs_reauth"), reason))
        outcome.error =
            reason + QStringLiteral(" (recording needs_reauth failed: %1)").arg(repository.errorString());
    else
        outcome.error =
            QStringLiteral("tenant \"%1\" needs re-authorization: %2").arg(m_params.tenantId, reason);
    return outcome;
}

TokenManager::Outcome TokenManager::refreshOAuth(const CredentialStore::Credentials &credentials,
                                                 bool force) {
    const QJsonObject &keys = credentials.keys;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    // A stored access token that is still good saves a request (another process refreshed it, or it
    // came with the keys) — unless it is the one being replaced.
    if (!force) {
        std::lock_guard lock(m_mutex);
        const QDateTime storedExpiry =
            QDateTime::fromString(keys.value(QStringLiteral("expiresAt")).toString(), Qt::ISODate);
        const QString stored = keys.value(QStringLiteral("accessToken")).toString();
        if (!stored.isEmpty() && storedExpiry.isValid() && stored != m_token &&
            now.secsTo(storedExpiry) > qint64(m_params.refreshMargin.count()))
            return {stored, storedExpiry, {}, false};
    }
    // RFC 6749 §6; Google takes client credentials in the body.
    const QByteArray form = formEncode(
        {{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
         {QStringLiteral("refresh_token"), keys.value(QStringLiteral("refreshToken")).toString()},
         {QStringLiteral("client_id"), keys.value(QStringLiteral("clientId")).toString()},
         {QStringLiteral("client_secret"), keys.value(QStringLiteral("clientSecret")).toString()}});
    QJsonObject json;
    QString networkError;
    const int status = post(m_params.oauthTokenUrl, form, &json, &networkError);
    const QString what =
        QStringLiteral("refreshing the access token of tenant \"%1\"").arg(m_params.tenantId);
    const QString token = json.value(QStringLiteral("access_token")).toString();
    if (status != 200 || token.isEmpty()) {
        Outcome failure =
            status == 200 ? Outcome{{}, {}, what + QStringLiteral(": the answer has no access_token"), false}
                          : grantFailure(status, json, networkError, what);
        // Transient: a stored token that has not expired yet can still serve meanwhile.
        const QDateTime storedExpiry =
            QDateTime::fromString(keys.value(QStringLiteral("expiresAt")).toString(), Qt::ISODate);
        if (!failure.permanent && !force && storedExpiry.isValid() && now.secsTo(storedExpiry) > 30) {
            failure.token = keys.value(QStringLiteral("accessToken")).toString();
            failure.expiresAt = storedExpiry;
        }
        return failure;
    }
    const qint64 expiresIn = tokenLifetimeSeconds(json);
    Outcome outcome{token, now.addSecs(expiresIn), {}, false, true};

    // Keep the new token (and a rotated refresh token) for the next process; only if nobody replaced
    // the keys meanwhile.
    QJsonObject updated = keys;
    updated.insert(QStringLiteral("accessToken"), token);
    updated.insert(QStringLiteral("expiresAt"), outcome.expiresAt.toString(Qt::ISODate));
    const QString rotated = json.value(QStringLiteral("refresh_token")).toString();
    if (!rotated.isEmpty())
        updated.insert(QStringLiteral("refreshToken"), rotated);
    CredentialStore store(m_vault);
    (void)store.update(m_params.tenantId, updated, credentials.integration.encryptedKeys);
    return outcome;
}

TokenManager::Outcome TokenManager::refreshServiceAccount(const QJsonObject &keys) {
    const QString what =
        QStringLiteral("getting a service-account token for tenant \"%1\"").arg(m_params.tenantId);
    QString subject = keys.value(QStringLiteral("subject")).toString();
    if (subject.isEmpty()) {
        db::TenantRepository tenants;
        const auto tenant = tenants.find(m_params.tenantId);
        if (!tenant)
            return {{}, {}, what + QStringLiteral(": ") + tenants.errorString(), true};
        subject = tenant->gmailAddress;
    }
    const QString tokenUri = keys.value(QStringLiteral("token_uri")).toString();
    const qint64 iat = QDateTime::currentSecsSinceEpoch();
    // developers.google.com/identity/protocols/oauth2/service-account#authorizingrequests
    QJsonObject header;
    const QString keyId = keys.value(QStringLiteral("private_key_id")).toString();
    if (!keyId.isEmpty())
        header.insert(QStringLiteral("kid"), keyId);
    const QJsonObject claims{{QStringLiteral("iss"), keys.value(QStringLiteral("client_email")).toString()},
                             {QStringLiteral("sub"), subject},
                             {QStringLiteral("scope"), m_params.scopes.join(QLatin1Char(' '))},
                             {QStringLiteral("aud"), tokenUri},
                             {QStringLiteral("iat"), iat},
                             {QStringLiteral("exp"), iat + 3600}};
    QString error;
    QByteArray pem = keys.value(QStringLiteral("private_key")).toString().toUtf8();
    const auto assertion = Jwt::signRs256(header, claims, pem, &error);
    pem.fill('\0');
    if (!assertion)
        return {{}, {}, what + QStringLiteral(": ") + error, true};
    const QByteArray form = formEncode({{QStringLiteral("grant_type"), JwtBearerGrant},
                                        {QStringLiteral("assertion"), QString::fromLatin1(*assertion)}});
    QJsonObject json;
    QString networkError;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const int status = post(QUrl(tokenUri), form, &json, &networkError);
    const QString token = json.value(QStringLiteral("access_token")).toString();
    if (status != 200 || token.isEmpty())
        return status == 200
                   ? Outcome{{}, {}, what + QStringLiteral(": the answer has no access_token"), false}
                   : grantFailure(status, json, networkError, what);
    return {token, now.addSecs(tokenLifetimeSeconds(json)), {}, false, true};
}

} // namespace auth
