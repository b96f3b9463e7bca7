#include "OAuthService.h"

#include "MailboxStore.h"
#include "ServiceAccountRegistry.h"
#include "TokenStore.h"

#include "auth/Jwt.h"
#include "auth/Pkce.h"

#include <QCryptographicHash>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutexLocker>
#include <QRandomGenerator>
#include <QUrl>

namespace sandbox {

namespace {

using Method = QHttpServerRequest::Method;
using Status = QHttpServerResponse::StatusCode;

const QString JwtBearerGrant = QStringLiteral("urn:ietf:params:oauth:grant-type:jwt-bearer");
const QString GoogleTokenUri = QStringLiteral("https://oauth2.googleapis.com/token");

QString randomString(int length) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    QString out;
    out.reserve(length);
    QRandomGenerator *rng = QRandomGenerator::system();
    for (int i = 0; i < length; ++i)
        out.append(QLatin1Char(alphabet[rng->bounded(64)]));
    return out;
}

// application/x-www-form-urlencoded (HTML 5 §4.10.21.7; RFC 6749 Appendix B): '+' is a space.
QHash<QString, QString> parseForm(const QByteArray &body) {
    QHash<QString, QString> form;
    for (const QByteArray &pair : body.split('&')) {
        if (pair.isEmpty())
            continue;
        const qsizetype eq = pair.indexOf('=');
        QByteArray key = eq < 0 ? pair : pair.left(eq);
        QByteArray value = eq < 0 ? QByteArray() : pair.mid(eq + 1);
        key.replace('+', ' ');
        value.replace('+', ' ');
        form.insert(QString::fromUtf8(QByteArray::fromPercentEncoding(key)),
                    QString::fromUtf8(QByteArray::fromPercentEncoding(value)));
    }
    return form;
}

QHash<QString, QString> queryParams(const QHttpServerRequest &request) {
    QHash<QString, QString> params;
    const auto items = request.query().queryItems(QUrl::FullyDecoded);
    for (const auto &item : items)
        params.insert(item.first, item.second);
    return params;
}

QString baseUrl(const QHttpServerRequest &request) {
    return request.url().adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment).toString();
}

std::optional<QJsonObject> jsonBody(const QHttpServerRequest &request) {
    if (request.body().trimmed().isEmpty())
        return QJsonObject();
    const QJsonDocument doc = QJsonDocument::fromJson(request.body());
    if (!doc.isObject())
        return std::nullopt;
    return doc.object();
}

QHttpServerResponse jsonResponse(const QJsonObject &object, Status status = Status::Ok) {
    QHttpServerResponse response(object, status);
    return response;
}

QHttpServerResponse controlError(const QString &message, Status status = Status::BadRequest) {
    return QHttpServerResponse(QJsonObject{{QStringLiteral("error"), message}}, status);
}

QString htmlPage(const QString &title, const QString &body) {
    return QStringLiteral(
               "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>%1</title>"
               "<style>body{font-family:sans-serif;max-width:40em;margin:3em auto}"
               "button{margin-right:1em;padding:.5em 1.5em}</style></head><body>%2</body></html>\n")
        .arg(title.toHtmlEscaped(), body);
}

// Google shows its own error page instead of redirecting when the request is not trustworthy
// ("Error 400: redirect_uri_mismatch", "Error 401: invalid_client", "Error 400: invalid_request").
QHttpServerResponse errorPage(int code, const QString &error, const QString &details) {
    const QString body = QStringLiteral("<h1>Access blocked: authorization error</h1>"
                                        "<p id=\"error\">Error %1: %2</p><p id=\"details\">%3</p>")
                             .arg(QString::number(code), error.toHtmlEscaped(), details.toHtmlEscaped());
    return QHttpServerResponse("text/html; charset=utf-8", htmlPage(QStringLiteral("Error"), body).toUtf8(),
                               static_cast<Status>(code));
}

// Loopback redirect URIs for desktop apps: http://127.0.0.1:PORT[/path], http://[::1]:PORT,
// http://localhost:PORT (developers.google.com/identity/protocols/oauth2/native-app#redirect-uri_loopback).
bool isLoopbackRedirect(const QString &uri) {
    const QUrl url(uri, QUrl::StrictMode);
    if (!url.isValid() || url.scheme() != QLatin1String("http") || !url.userInfo().isEmpty() ||
        url.hasFragment())
        return false;
    const QString host = url.host();
    return host == QLatin1String("127.0.0.1") || host == QLatin1String("localhost") ||
           host == QLatin1String("::1");
}

QString withQuery(const QString &redirectUri, const QList<QPair<QString, QString>> &params) {
    QString uri = redirectUri;
    QChar separator = uri.contains(u'?') ? u'&' : u'?';
    for (const auto &param : params) {
        uri += separator + param.first + u'=' + QString::fromLatin1(QUrl::toPercentEncoding(param.second));
        separator = u'&';
    }
    return uri;
}

QHttpServerResponse redirect(const QString &location) {
    QHttpServerResponse response(Status::Found);
    response.addHeader("Location", location.toUtf8());
    return response;
}

QString tokenKey(const QString &refreshToken) {
    return QString::fromLatin1(
        QCryptographicHash::hash(refreshToken.toUtf8(), QCryptographicHash::Sha256).toHex().left(16));
}

QStringList splitScopes(const QString &scope) {
    return scope.split(u' ', Qt::SkipEmptyParts);
}

} // namespace

OAuthService::OAuthService(TokenStore &tokens, MailboxStore &mailboxes, ServiceAccountRegistry &accounts)
    : m_tokens(tokens)
    , m_mailboxes(mailboxes)
    , m_accounts(accounts) {}

void OAuthService::registerRoutes(QHttpServer &server) {
    server.route(QStringLiteral("/o/oauth2/v2/auth"), Method::Get,
                 [this](const QHttpServerRequest &request) { return authorizationPage(request); });
    server.route(QStringLiteral("/o/oauth2/v2/auth"), Method::Post,
                 [this](const QHttpServerRequest &request) { return consentDecision(request); });
    server.route(QStringLiteral("/token"), Method::Post,
                 [this](const QHttpServerRequest &request) { return token(request); });
    server.route(QStringLiteral("/oauth2/v4/token"), Method::Post,
                 [this](const QHttpServerRequest &request) { return token(request); });
    server.route(QStringLiteral("/revoke"), Method::Post,
                 [this](const QHttpServerRequest &request) { return revoke(request); });
    server.route(QStringLiteral("/oauth2/v3/certs"), Method::Get, [this]() {
        QHttpServerResponse response(m_accounts.jwks());
        response.addHeader("Cache-Control", "public, max-age=3600");
        return response;
    });

    server.route(QStringLiteral("/_sandbox/service-accounts"), Method::Post,
                 [this](const QHttpServerRequest &request) { return controlServiceAccount(request); });
    server.route(QStringLiteral("/_sandbox/oauth/refresh-tokens"), Method::Post,
                 [this](const QHttpServerRequest &request) { return controlRefreshToken(request); });
    server.route(QStringLiteral("/_sandbox/oauth/revoke"), Method::Post,
                 [this](const QHttpServerRequest &request) { return controlRevoke(request); });
    server.route(QStringLiteral("/_sandbox/oauth/clients"), Method::Post,
                 [this](const QHttpServerRequest &request) { return controlClient(request); });
    server.route(QStringLiteral("/_sandbox/oauth/settings"), Method::Get,
                 [this]() { return QHttpServerResponse(settingsJson()); });
    server.route(QStringLiteral("/_sandbox/oauth/settings"), Method::Put | Method::Post,
                 [this](const QHttpServerRequest &request) { return controlSettings(request); });
    server.route(QStringLiteral("/_sandbox/oauth/stats"), Method::Get,
                 [this]() { return jsonResponse(oauthStats()); });
    server.route(QStringLiteral("/_sandbox/oauth/stats/reset"), Method::Post, [this]() {
        resetStats();
        return jsonResponse(QJsonObject());
    });
}

// ---- authorization endpoint -------------------------------------------------------------------------

QHttpServerResponse OAuthService::authorizationPage(const QHttpServerRequest &request) {
    const QHash<QString, QString> p = queryParams(request);
    const QString clientId = p.value(QStringLiteral("client_id"));
    const QString redirectUri = p.value(QStringLiteral("redirect_uri"));
    if (clientId.isEmpty())
        return errorPage(400, QStringLiteral("invalid_request"),
                         QStringLiteral("Missing required parameter: client_id"));

    QMutexLocker lock(&m_mutex);
    const auto client = m_clients.constFind(clientId);
    if (redirectUri.isEmpty())
        return errorPage(400, QStringLiteral("invalid_request"),
                         QStringLiteral("Missing required parameter: redirect_uri"));
    if (!isLoopbackRedirect(redirectUri) || (client != m_clients.cend() && !client->redirectUris.isEmpty() &&
                                             !client->redirectUris.contains(redirectUri))) {
        return errorPage(
            400, QStringLiteral("redirect_uri_mismatch"),
            QStringLiteral("You can't sign in to this app because it doesn't comply with Google's "
                           "OAuth 2.0 policy. redirect_uri=") +
                redirectUri);
    }
    // From here on the redirect URI is trustworthy, but Google still answers malformed requests with a page.
    if (p.value(QStringLiteral("response_type")) != QLatin1String("code"))
        return errorPage(400, QStringLiteral("unsupported_response_type"),
                         QStringLiteral("Invalid response_type: ") +
                             p.value(QStringLiteral("response_type")));
    const QStringList scopes = splitScopes(p.value(QStringLiteral("scope")));
    if (scopes.isEmpty())
        return errorPage(400, QStringLiteral("invalid_request"),
                         QStringLiteral("Missing required parameter: scope"));
    const QString challenge = p.value(QStringLiteral("code_challenge"));
    const QString method = p.value(QStringLiteral("code_challenge_method"));
    // RFC 7636 §4.2/§4.3: the sandbox only accepts S256 (plain would expose the verifier).
    if (challenge.isEmpty())
        return errorPage(
            400, QStringLiteral("invalid_request"),
            QStringLiteral("Missing required parameter: code_challenge (PKCE S256 is required)"));
    if (method != QLatin1String("S256"))
        return errorPage(400, QStringLiteral("invalid_request"),
                         QStringLiteral("Invalid code_challenge_method: only S256 is accepted"));
    if (challenge.size() != 43 || !auth::Pkce::isValidVerifier(challenge.toLatin1()))
        return errorPage(400, QStringLiteral("invalid_request"), QStringLiteral("Invalid code_challenge"));

    const PendingConsent pending{clientId,
                                 redirectUri,
                                 scopes,
                                 p.value(QStringLiteral("state")),
                                 challenge,
                                 p.value(QStringLiteral("access_type")),
                                 QDateTime::currentDateTimeUtc().addSecs(CodeLifetimeSeconds)};
    if (m_autoConsent) {
        // Test/demo shortcut: answer as if the user had clicked Allow (login_hint, else the configured or
        // first sandbox user), so a headless client can finish the flow by following one redirect.
        QString user = p.value(QStringLiteral("login_hint"));
        if (user.isEmpty())
            user = m_autoConsentEmail;
        if (user.isEmpty())
            user = m_mailboxes.emails().value(0);
        if (user.isEmpty())
            return errorPage(400, QStringLiteral("invalid_request"),
                             QStringLiteral("Auto-consent is on but the sandbox has no user to sign in."));
        return grantCodeLocked(pending, user);
    }
    const QString requestId = randomString(32);
    purgeExpiredLocked();
    m_pending.insert(requestId, pending);
    const QString appName = client != m_clients.cend() && !client->name.isEmpty() ? client->name : clientId;
    lock.unlock();

    QString scopeList;
    for (const QString &scope : scopes)
        scopeList += QStringLiteral("<li class=\"scope\">%1</li>").arg(scope.toHtmlEscaped());

    QString userField;
    const QString hint = p.value(QStringLiteral("login_hint"));
    if (!hint.isEmpty()) {
        userField = QStringLiteral("<p>Signed in as <strong id=\"user-email\">%1</strong></p>"
                                   "<input type=\"hidden\" id=\"user\" name=\"user\" value=\"%1\">")
                        .arg(hint.toHtmlEscaped());
    } else {
        QString options;
        const QStringList users = m_mailboxes.emails();
        for (const QString &email : users)
            options += QStringLiteral("<option value=\"%1\">%1</option>").arg(email.toHtmlEscaped());
        userField =
            users.isEmpty()
                ? QStringLiteral("<p><label>Account <input id=\"user\" name=\"user\" type=\"email\" "
                                 "required></label></p>")
                : QStringLiteral(
                      "<p><label>Choose an account <select id=\"user\" name=\"user\">%1</select></label></p>")
                      .arg(options);
    }

    const QString body =
        QStringLiteral("<h1><span id=\"app-name\">%1</span> wants to access your Google Account</h1>"
                       "<form method=\"post\" action=\"/o/oauth2/v2/auth\">"
                       "<input type=\"hidden\" name=\"request_id\" value=\"%2\">%3"
                       "<p>This will allow <strong>%1</strong> to:</p><ul id=\"scopes\">%4</ul>"
                       "<button id=\"deny\" type=\"submit\" name=\"decision\" value=\"deny\">Deny</button>"
                       "<button id=\"allow\" type=\"submit\" name=\"decision\" value=\"allow\">Allow</button>"
                       "</form>")
            .arg(appName.toHtmlEscaped(), requestId, userField, scopeList);
    QHttpServerResponse response("text/html; charset=utf-8",
                                 htmlPage(QStringLiteral("Sign in"), body).toUtf8());
    response.addHeader("Cache-Control", "no-store");
    return response;
}

QHttpServerResponse OAuthService::consentDecision(const QHttpServerRequest &request) {
    const QHash<QString, QString> form = parseForm(request.body());
    QMutexLocker lock(&m_mutex);
    const PendingConsent pending = m_pending.take(form.value(QStringLiteral("request_id"))); // single use
    if (pending.clientId.isEmpty() || pending.expiresAt <= QDateTime::currentDateTimeUtc())
        return errorPage(400, QStringLiteral("invalid_request"),
                         QStringLiteral("The sign-in request expired or was already answered. Start again."));

    QList<QPair<QString, QString>> params;
    if (form.value(QStringLiteral("decision")) != QLatin1String("allow")) {
        // RFC 6749 §4.1.2.1
        params.append({QStringLiteral("error"), QStringLiteral("access_denied")});
        if (!pending.state.isEmpty())
            params.append({QStringLiteral("state"), pending.state});
        return redirect(withQuery(pending.redirectUri, params));
    }
    const QString user = form.value(QStringLiteral("user")).trimmed();
    if (!user.contains(u'@'))
        return errorPage(400, QStringLiteral("invalid_request"), QStringLiteral("No account was chosen."));

    return grantCodeLocked(pending, user);
}

void OAuthService::purgeExpiredLocked() {
    // Abandoned consent pages and unused codes expire after 10 minutes; forget them.
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_pending.removeIf([&now](const auto &entry) { return entry.value().expiresAt <= now; });
    m_codes.removeIf([&now](const auto &entry) { return entry.value().expiresAt <= now; });
}

QHttpServerResponse OAuthService::grantCodeLocked(const PendingConsent &pending, const QString &user) {
    purgeExpiredLocked();
    // Google's codes look like "4/0A…"; opaque to clients.
    const QString code = QStringLiteral("4/sandbox-") + randomString(40);
    m_codes.insert(code, AuthorizationCode{pending.clientId, pending.redirectUri, pending.scopes,
                                           pending.codeChallenge, user,
                                           pending.accessType == QLatin1String("offline"),
                                           QDateTime::currentDateTimeUtc().addSecs(CodeLifetimeSeconds)});
    // RFC 6749 §4.1.2; Google also returns the granted scope.
    QList<QPair<QString, QString>> params;
    if (!pending.state.isEmpty())
        params.append({QStringLiteral("state"), pending.state});
    params.append({QStringLiteral("code"), code});
    params.append({QStringLiteral("scope"), pending.scopes.join(u' ')});
    return redirect(withQuery(pending.redirectUri, params));
}

// ---- token endpoint ---------------------------------------------------------------------------------

QHttpServerResponse OAuthService::tokenError(int status, const QString &error, const QString &description) {
    {
        QMutexLocker lock(&m_mutex);
        ++m_errors[error];
    }
    // RFC 6749 §5.2 error response, as Google words it.
    QHttpServerResponse response(
        QJsonObject{{QStringLiteral("error"), error}, {QStringLiteral("error_description"), description}},
        static_cast<Status>(status));
    response.addHeader("Cache-Control", "no-store");
    response.addHeader("Pragma", "no-cache");
    return response;
}

void OAuthService::countRequest(const QString &grant, const QString &email, const QString &refreshToken) {
    QMutexLocker lock(&m_mutex);
    ++m_requestsByGrant[grant];
    if (!email.isEmpty())
        ++m_requestsByUser[email.toLower()];
    if (!refreshToken.isEmpty())
        ++m_requestsByRefreshToken[tokenKey(refreshToken)];
}

QHttpServerResponse OAuthService::token(const QHttpServerRequest &request) {
    QHash<QString, QString> form = parseForm(request.body());
    const QString grantType = form.value(QStringLiteral("grant_type"));

    // Client authentication (RFC 6749 §2.3.1): HTTP Basic or client_id/client_secret in the body.
    QString clientId = form.value(QStringLiteral("client_id"));
    QString clientSecret = form.value(QStringLiteral("client_secret"));
    const QByteArray authorization = request.value("Authorization");
    if (authorization.startsWith("Basic ")) {
        const QByteArray decoded = QByteArray::fromBase64(authorization.mid(6).trimmed());
        const qsizetype colon = decoded.indexOf(':');
        if (colon > 0) {
            clientId = QString::fromUtf8(QByteArray::fromPercentEncoding(decoded.left(colon)));
            clientSecret = QString::fromUtf8(QByteArray::fromPercentEncoding(decoded.mid(colon + 1)));
        }
    }

    if (grantType == QLatin1String("authorization_code") || grantType == QLatin1String("refresh_token")) {
        if (clientId.isEmpty()) {
            countRequest(grantType, {}, form.value(QStringLiteral("refresh_token")));
            return tokenError(400, QStringLiteral("invalid_request"),
                              QStringLiteral("Could not determine client ID from request."));
        }
        QMutexLocker lock(&m_mutex);
        const auto client = m_clients.constFind(clientId);
        const bool secretWrong =
            client != m_clients.cend() && !client->secret.isEmpty() && client->secret != clientSecret;
        lock.unlock();
        if (secretWrong) {
            countRequest(grantType, {}, form.value(QStringLiteral("refresh_token")));
            return tokenError(401, QStringLiteral("invalid_client"), QStringLiteral("Unauthorized"));
        }
        return grantType == QLatin1String("authorization_code") ? authorizationCodeGrant(form, clientId)
                                                                : refreshTokenGrant(form, clientId);
    }
    if (grantType == JwtBearerGrant)
        return jwtBearerGrant(form, request);
    countRequest(grantType.isEmpty() ? QStringLiteral("missing") : QStringLiteral("unsupported"), {}, {});
    if (grantType.isEmpty())
        return tokenError(400, QStringLiteral("unsupported_grant_type"),
                          QStringLiteral("Invalid grant_type: "));
    return tokenError(400, QStringLiteral("unsupported_grant_type"),
                      QStringLiteral("Invalid grant_type: ") + grantType);
}

QHttpServerResponse OAuthService::authorizationCodeGrant(const QHash<QString, QString> &form,
                                                         const QString &clientId) {
    const int lifetime = accessTokenLifetime();
    const QString codeValue = form.value(QStringLiteral("code"));
    QMutexLocker lock(&m_mutex);
    // RFC 6749 §4.1.2: a code is single-use, whatever the outcome of this request.
    const auto it = m_codes.find(codeValue);
    const bool known = it != m_codes.end();
    const AuthorizationCode code = known ? *it : AuthorizationCode{};
    if (known)
        m_codes.erase(it);
    lock.unlock();
    countRequest(QStringLiteral("authorization_code"), code.email, {});

    if (codeValue.isEmpty())
        return tokenError(400, QStringLiteral("invalid_request"),
                          QStringLiteral("Missing required parameter: code"));
    if (!known)
        return tokenError(400, QStringLiteral("invalid_grant"), QStringLiteral("Malformed auth code."));
    if (code.expiresAt <= QDateTime::currentDateTimeUtc())
        return tokenError(400, QStringLiteral("invalid_grant"), QStringLiteral("Bad Request"));
    if (code.clientId != clientId)
        return tokenError(400, QStringLiteral("invalid_grant"), QStringLiteral("Bad Request"));
    // RFC 6749 §4.1.3: redirect_uri must be identical; Google names this error redirect_uri_mismatch.
    if (form.value(QStringLiteral("redirect_uri")) != code.redirectUri)
        return tokenError(400, QStringLiteral("redirect_uri_mismatch"), QStringLiteral("Bad Request"));
    const QByteArray verifier = form.value(QStringLiteral("code_verifier")).toLatin1();
    if (verifier.isEmpty())
        return tokenError(400, QStringLiteral("invalid_grant"), QStringLiteral("Missing code verifier."));
    // RFC 7636 §4.6
    if (!auth::Pkce::isValidVerifier(verifier) ||
        !auth::Pkce::verifyS256(verifier, code.codeChallenge.toLatin1()))
        return tokenError(400, QStringLiteral("invalid_grant"), QStringLiteral("Invalid code verifier."));

    QJsonObject body{{QStringLiteral("expires_in"), lifetime - 1},
                     {QStringLiteral("scope"), code.scopes.join(u' ')},
                     {QStringLiteral("token_type"), QStringLiteral("Bearer")}};
    if (code.offline) {
        const QString refreshToken = m_tokens.issueRefreshToken(code.email, clientId, code.scopes);
        body.insert(QStringLiteral("refresh_token"), refreshToken);
        body.insert(QStringLiteral("access_token"),
                    m_tokens.issueAccessTokenFromRefresh(refreshToken, lifetime));
    } else {
        body.insert(QStringLiteral("access_token"),
                    m_tokens.issueAccessToken(code.email, code.scopes, lifetime));
    }
    QHttpServerResponse response(body);
    response.addHeader("Cache-Control", "no-store");
    response.addHeader("Pragma", "no-cache");
    return response;
}

QHttpServerResponse OAuthService::refreshTokenGrant(const QHash<QString, QString> &form,
                                                    const QString &clientId) {
    const int lifetime = accessTokenLifetime();
    const QString refreshToken = form.value(QStringLiteral("refresh_token"));
    const std::optional<TokenStore::RefreshGrant> grant = m_tokens.refreshGrant(refreshToken);
    countRequest(QStringLiteral("refresh_token"), grant ? grant->email : QString(), refreshToken);
    if (refreshToken.isEmpty())
        return tokenError(400, QStringLiteral("invalid_request"),
                          QStringLiteral("Missing required parameter: refresh_token"));
    if (!grant || grant->revoked)
        return tokenError(400, QStringLiteral("invalid_grant"),
                          QStringLiteral("Token has been expired or revoked."));
    if (grant->clientId != clientId)
        return tokenError(401, QStringLiteral("unauthorized_client"), QStringLiteral("Unauthorized"));

    const QString accessToken = m_tokens.issueAccessTokenFromRefresh(refreshToken, lifetime);
    if (accessToken.isEmpty()) // revoked between the two calls
        return tokenError(400, QStringLiteral("invalid_grant"),
                          QStringLiteral("Token has been expired or revoked."));
    QHttpServerResponse response(QJsonObject{{QStringLiteral("access_token"), accessToken},
                                             {QStringLiteral("expires_in"), lifetime - 1},
                                             {QStringLiteral("scope"), grant->scopes.join(u' ')},
                                             {QStringLiteral("token_type"), QStringLiteral("Bearer")}});
    response.addHeader("Cache-Control", "no-store");
    response.addHeader("Pragma", "no-cache");
    return response;
}

// RFC 7523 §2.1/§3 and developers.google.com/identity/protocols/oauth2/service-account#authorizingrequests
QHttpServerResponse OAuthService::jwtBearerGrant(const QHash<QString, QString> &form,
                                                 const QHttpServerRequest &request) {
    const int lifetime = accessTokenLifetime();
    const QByteArray assertion = form.value(QStringLiteral("assertion")).toLatin1();
    QString error;
    const std::optional<auth::Jwt::Token> unverified = auth::Jwt::decode(assertion, &error);
    const QString iss = unverified ? unverified->claims.value(QLatin1String("iss")).toString() : QString();
    const QString sub = unverified ? unverified->claims.value(QLatin1String("sub")).toString() : QString();
    countRequest(QStringLiteral("jwt_bearer"), sub.isEmpty() ? iss : sub, {});

    if (assertion.isEmpty())
        return tokenError(400, QStringLiteral("invalid_request"),
                          QStringLiteral("Missing required parameter: assertion"));
    if (!unverified)
        return tokenError(400, QStringLiteral("invalid_grant"),
                          QStringLiteral("Invalid JWT: malformed assertion."));
    const std::optional<ServiceAccountRegistry::Account> account = m_accounts.find(iss);
    if (!account)
        return tokenError(400, QStringLiteral("invalid_grant"),
                          QStringLiteral("Invalid grant: account not found"));
    const QString kid = unverified->header.value(QLatin1String("kid")).toString();
    if (!kid.isEmpty() && kid != account->keyId)
        return tokenError(400, QStringLiteral("invalid_grant"), QStringLiteral("Invalid JWT Signature."));
    if (!auth::Jwt::verifyRs256(assertion, account->publicKeyPem, &error))
        return tokenError(400, QStringLiteral("invalid_grant"), QStringLiteral("Invalid JWT Signature."));

    const QJsonObject &claims = unverified->claims;
    const QString base = baseUrl(request);
    const QString aud = claims.value(QLatin1String("aud")).toString();
    if (aud != base + QLatin1String("/token") && aud != base + QLatin1String("/oauth2/v4/token") &&
        aud != GoogleTokenUri)
        return tokenError(400, QStringLiteral("invalid_grant"),
                          QStringLiteral("Invalid JWT: Failed audience check. The expected value is ") +
                              base + QStringLiteral("/token"));
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const qint64 iat = claims.value(QLatin1String("iat")).toInteger(-1);
    const qint64 exp = claims.value(QLatin1String("exp")).toInteger(-1);
    // Google: at most one hour, and in a reasonable timeframe (a little clock skew is tolerated).
    constexpr qint64 skew = 300;
    if (iat < 0 || exp < 0 || exp <= now || exp > iat + 3600 || iat > now + skew)
        return tokenError(
            400, QStringLiteral("invalid_grant"),
            QStringLiteral("Invalid JWT: Token must be a short-lived token (60 minutes) and in a "
                           "reasonable timeframe. Check your iat and exp values in the JWT claim."));
    const QStringList scopes = splitScopes(claims.value(QLatin1String("scope")).toString());
    if (scopes.isEmpty())
        return tokenError(400, QStringLiteral("invalid_scope"),
                          QStringLiteral("Invalid OAuth scope or ID token audience provided."));

    QString email = account->clientEmail;
    if (!sub.isEmpty()) {
        // Domain-wide delegation: the subject must be a user of the domain (a mailbox here).
        if (!account->domainWideDelegation)
            return tokenError(
                401, QStringLiteral("unauthorized_client"),
                QStringLiteral("Client is unauthorized to retrieve access tokens using this method, or "
                               "client not authorized for any of the scopes requested."));
        if (!m_mailboxes.find(sub))
            return tokenError(400, QStringLiteral("invalid_grant"),
                              QStringLiteral("Invalid email or User ID"));
        email = sub;
    }
    QHttpServerResponse response(
        QJsonObject{{QStringLiteral("access_token"), m_tokens.issueAccessToken(email, scopes, lifetime)},
                    {QStringLiteral("expires_in"), lifetime - 1},
                    {QStringLiteral("token_type"), QStringLiteral("Bearer")}});
    response.addHeader("Cache-Control", "no-store");
    response.addHeader("Pragma", "no-cache");
    return response;
}

// developers.google.com/identity/protocols/oauth2/native-app#tokenrevoke: token in the body or query;
// revoking an access token revokes its refresh token too.
QHttpServerResponse OAuthService::revoke(const QHttpServerRequest &request) {
    QString token = parseForm(request.body()).value(QStringLiteral("token"));
    if (token.isEmpty())
        token = queryParams(request).value(QStringLiteral("token"));
    const bool revoked = m_tokens.revokeRefreshToken(token) || m_tokens.revokeAccessToken(token);
    if (!revoked)
        return tokenError(400, QStringLiteral("invalid_token"), QStringLiteral("Token expired or revoked"));
    return QHttpServerResponse(QJsonObject());
}

// ---- control API ------------------------------------------------------------------------------------

QHttpServerResponse OAuthService::controlServiceAccount(const QHttpServerRequest &request) {
    const std::optional<QJsonObject> body = jsonBody(request);
    if (!body)
        return controlError(QStringLiteral("body must be a JSON object"));
    const QString base = baseUrl(request);
    QString error;
    std::optional<QJsonObject> keyFile = m_accounts.create(
        body->value(QLatin1String("clientEmail")).toString(), base + QStringLiteral("/token"),
        base + QStringLiteral("/o/oauth2/auth"), base, &error);
    if (!keyFile)
        return controlError(error, Status::Conflict);
    if (body->contains(QLatin1String("domainWideDelegation")))
        m_accounts.setDomainWideDelegation(keyFile->value(QLatin1String("client_email")).toString(),
                                           body->value(QLatin1String("domainWideDelegation")).toBool(true));
    return QHttpServerResponse(*keyFile);
}

QHttpServerResponse OAuthService::controlRefreshToken(const QHttpServerRequest &request) {
    const std::optional<QJsonObject> body = jsonBody(request);
    if (!body)
        return controlError(QStringLiteral("body must be a JSON object"));
    const QString email = body->value(QLatin1String("email")).toString().trimmed();
    const QString clientId = body->value(QLatin1String("clientId")).toString().trimmed();
    if (!email.contains(u'@') || clientId.isEmpty())
        return controlError(QStringLiteral("email and clientId are required"));
    QStringList scopes;
    const QJsonValue scopesValue = body->value(QLatin1String("scopes"));
    if (scopesValue.isArray()) {
        for (const QJsonValue &v : scopesValue.toArray())
            scopes.append(v.toString());
    } else if (scopesValue.isString()) {
        scopes = splitScopes(scopesValue.toString());
    }
    if (scopes.isEmpty())
        scopes = QStringList{QStringLiteral("https://mail.google.com/")};
    const QString refreshToken = m_tokens.issueRefreshToken(email, clientId, scopes);
    return QHttpServerResponse(QJsonObject{{QStringLiteral("refresh_token"), refreshToken},
                                           {QStringLiteral("scope"), scopes.join(u' ')}});
}

QHttpServerResponse OAuthService::controlRevoke(const QHttpServerRequest &request) {
    const std::optional<QJsonObject> body = jsonBody(request);
    if (!body)
        return controlError(QStringLiteral("body must be a JSON object"));
    const QString refreshToken = body->value(QLatin1String("refreshToken")).toString();
    const QString email = body->value(QLatin1String("email")).toString();
    if (!refreshToken.isEmpty()) {
        if (!m_tokens.revokeRefreshToken(refreshToken))
            return controlError(QStringLiteral("unknown refresh token"), Status::NotFound);
    } else if (!email.isEmpty()) {
        m_tokens.revokeAllFor(email);
    } else {
        return controlError(QStringLiteral("refreshToken or email is required"));
    }
    return QHttpServerResponse(QJsonObject{{QStringLiteral("revoked"), true}});
}

QHttpServerResponse OAuthService::controlClient(const QHttpServerRequest &request) {
    const std::optional<QJsonObject> body = jsonBody(request);
    if (!body)
        return controlError(QStringLiteral("body must be a JSON object"));
    const QString clientId = body->value(QLatin1String("clientId")).toString().trimmed();
    if (clientId.isEmpty())
        return controlError(QStringLiteral("clientId is required"));
    Client client;
    client.name = body->value(QLatin1String("name")).toString();
    client.secret = body->value(QLatin1String("clientSecret")).toString();
    for (const QJsonValue &v : body->value(QLatin1String("redirectUris")).toArray())
        client.redirectUris.append(v.toString());
    QMutexLocker lock(&m_mutex);
    m_clients.insert(clientId, client);
    return QHttpServerResponse(QJsonObject{{QStringLiteral("clientId"), clientId}});
}

int OAuthService::accessTokenLifetime() const {
    QMutexLocker lock(&m_mutex);
    return m_accessTokenLifetime;
}

QJsonObject OAuthService::settingsJson() const {
    QMutexLocker lock(&m_mutex);
    return QJsonObject{{QStringLiteral("accessTokenLifetime"), m_accessTokenLifetime},
                       {QStringLiteral("autoConsent"), m_autoConsent},
                       {QStringLiteral("autoConsentEmail"), m_autoConsentEmail}};
}

QHttpServerResponse OAuthService::controlSettings(const QHttpServerRequest &request) {
    const std::optional<QJsonObject> body = jsonBody(request);
    if (!body)
        return controlError(QStringLiteral("body must be a JSON object"));
    const QJsonValue lifetime = body->value(QLatin1String("accessTokenLifetime"));
    if (!lifetime.isUndefined() && (!lifetime.isDouble() || lifetime.toInt() < 2 || lifetime.toInt() > 86400))
        return controlError(QStringLiteral("accessTokenLifetime must be seconds between 2 and 86400"));
    {
        QMutexLocker lock(&m_mutex);
        if (!lifetime.isUndefined())
            m_accessTokenLifetime = lifetime.toInt();
        if (body->contains(QLatin1String("autoConsent")))
            m_autoConsent = body->value(QLatin1String("autoConsent")).toBool();
        if (body->contains(QLatin1String("autoConsentEmail")))
            m_autoConsentEmail = body->value(QLatin1String("autoConsentEmail")).toString();
    }
    return QHttpServerResponse(settingsJson());
}

QJsonObject OAuthService::oauthStats() const {
    QMutexLocker lock(&m_mutex);
    auto toJson = [](const QHash<QString, int> &counts) {
        QJsonObject object;
        for (auto it = counts.cbegin(); it != counts.cend(); ++it)
            object.insert(it.key(), it.value());
        return object;
    };
    int total = 0;
    for (int n : m_requestsByGrant)
        total += n;
    return QJsonObject{{QStringLiteral("tokenRequests"), total},
                       {QStringLiteral("tokenRequestsByGrant"), toJson(m_requestsByGrant)},
                       {QStringLiteral("tokenRequestsByUser"), toJson(m_requestsByUser)},
                       {QStringLiteral("tokenRequestsByRefreshToken"), toJson(m_requestsByRefreshToken)},
                       {QStringLiteral("tokenErrors"), toJson(m_errors)}};
}

void OAuthService::resetStats() {
    QMutexLocker lock(&m_mutex);
    m_requestsByGrant.clear();
    m_requestsByUser.clear();
    m_requestsByRefreshToken.clear();
    m_errors.clear();
}

} // namespace sandbox
