#pragma once

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QMutex>
#include <QString>
#include <QStringList>

class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponse;

namespace sandbox {

class MailboxStore;
class ServiceAccountRegistry;
class TokenStore;

// Google's OAuth 2.0 endpoints for installed apps and service accounts, on the sandbox:
//   GET  /o/oauth2/v2/auth  consent page (developers.google.com/identity/protocols/oauth2/native-app)
//   POST /o/oauth2/v2/auth  the consent form's Allow/Deny → 302 to the loopback redirect_uri
//   POST /token, /oauth2/v4/token  authorization_code (+PKCE), refresh_token, JWT bearer (RFC 6749, 7636,
//   7523) POST /revoke            (developers.google.com/identity/protocols/oauth2/native-app#tokenrevoke)
//   GET  /oauth2/v3/certs   JWKS of the sandbox's OIDC signing key
// plus control routes (no auth, like the rest of /_sandbox):
//   POST /_sandbox/service-accounts {clientEmail?, domainWideDelegation?} → a Google key file JSON
//   POST /_sandbox/oauth/refresh-tokens {email, clientId, scopes?} → {refresh_token} (as if Allow was
//   clicked) POST /_sandbox/oauth/revoke {refreshToken | email}; POST /_sandbox/oauth/clients {clientId,
//   clientSecret?,
//        name?, redirectUris?}; GET|PUT /_sandbox/oauth/settings {accessTokenLifetime, autoConsent,
//        autoConsentEmail}; GET /_sandbox/oauth/stats, POST /_sandbox/oauth/stats/reset
// Routes run on the server's thread; state is guarded anyway since stats are read from other handlers.
class OAuthService final {
public:
    OAuthService(TokenStore &tokens, MailboxStore &mailboxes, ServiceAccountRegistry &accounts);
    Q_DISABLE_COPY_MOVE(OAuthService)

    void registerRoutes(QHttpServer &server);

    // Token requests per grant type, per user and per refresh token (keyed by the first 16 hex digits of
    // the token's SHA-256, so stats never show a token), errors by OAuth error code.
    QJsonObject oauthStats() const;
    void resetStats();

    static constexpr int DefaultAccessTokenLifetime = 3600; // Google answers expires_in 3599
    static constexpr int CodeLifetimeSeconds = 600;         // RFC 6749 §4.1.2: "maximum … of 10 minutes"

private:
    struct Client {
        QString name;
        QString secret;           // empty: not checked
        QStringList redirectUris; // empty: any loopback URI
    };
    struct PendingConsent {
        QString clientId;
        QString redirectUri;
        QStringList scopes;
        QString state;
        QString codeChallenge;
        QString accessType;
        QDateTime expiresAt;
    };
    struct AuthorizationCode {
        QString clientId;
        QString redirectUri;
        QStringList scopes;
        QString codeChallenge;
        QString email;
        bool offline = false;
        QDateTime expiresAt;
    };

    QHttpServerResponse authorizationPage(const QHttpServerRequest &request);
    QHttpServerResponse consentDecision(const QHttpServerRequest &request);
    QHttpServerResponse token(const QHttpServerRequest &request);
    QHttpServerResponse revoke(const QHttpServerRequest &request);

    QHttpServerResponse authorizationCodeGrant(const QHash<QString, QString> &form, const QString &clientId);
    QHttpServerResponse refreshTokenGrant(const QHash<QString, QString> &form, const QString &clientId);
    QHttpServerResponse jwtBearerGrant(const QHash<QString, QString> &form,
                                       const QHttpServerRequest &request);
    QHttpServerResponse tokenError(int status, const QString &error, const QString &description);

    QHttpServerResponse controlServiceAccount(const QHttpServerRequest &request);
    QHttpServerResponse controlRefreshToken(const QHttpServerRequest &request);
    QHttpServerResponse controlRevoke(const QHttpServerRequest &request);
    QHttpServerResponse controlClient(const QHttpServerRequest &request);
    QHttpServerResponse controlSettings(const QHttpServerRequest &request);
    QJsonObject settingsJson() const;
    int accessTokenLifetime() const;
    QHttpServerResponse grantCodeLocked(const PendingConsent &pending, const QString &user);
    void purgeExpiredLocked();

    void countRequest(const QString &grant, const QString &email, const QString &refreshToken);

    TokenStore &m_tokens;
    MailboxStore &m_mailboxes;
    ServiceAccountRegistry &m_accounts;

    mutable QMutex m_mutex;
    QHash<QString, Client> m_clients;
    QHash<QString, PendingConsent> m_pending;
    QHash<QString, AuthorizationCode> m_codes;
    QHash<QString, int> m_requestsByGrant;
    QHash<QString, int> m_requestsByUser;
    QHash<QString, int> m_requestsByRefreshToken;
    QHash<QString, int> m_errors;
    // Control settings (/_sandbox/oauth/settings).
    int m_accessTokenLifetime = DefaultAccessTokenLifetime;
    bool m_autoConsent = false;
    QString m_autoConsentEmail;
};

} // namespace sandbox
