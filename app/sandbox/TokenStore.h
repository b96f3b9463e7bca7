#pragma once

#include <QDateTime>
#include <QHash>
#include <QMutex>
#include <QString>
#include <QStringList>

#include <optional>

namespace sandbox {

// Opaque bearer and refresh tokens of the sandbox's OAuth server. Google's tokens are opaque to
// clients too (https://developers.google.com/identity/protocols/oauth2#size), so random strings
// with Google-like prefixes are faithful. Thread-safe: HTTP handlers and timers share one store.
class TokenStore final {
public:
    struct RefreshGrant {
        QString email;
        QString clientId;
        QStringList scopes;
        bool revoked = false;
    };

    QString issueAccessToken(const QString &email, const QStringList &scopes, int ttlSeconds = 3600);
    // An access token minted from a refresh token dies with it when the grant is revoked.
    QString issueAccessTokenFromRefresh(const QString &refreshToken, int ttlSeconds = 3600);
    std::optional<QString> emailForAccessToken(const QString &token) const;
    QStringList scopesForAccessToken(const QString &token) const;
    // POST /revoke with an access token: Google revokes the whole grant, so its refresh token dies too.
    // False if the token is unknown.
    bool revokeAccessToken(const QString &token);

    QString issueRefreshToken(const QString &email, const QString &clientId, const QStringList &scopes);
    std::optional<RefreshGrant> refreshGrant(const QString &refreshToken) const;
    bool revokeRefreshToken(const QString &refreshToken); // false if unknown
    void revokeAllFor(const QString &email);

private:
    struct AccessEntry {
        QString email;
        QStringList scopes;
        QDateTime expiresAt;
        QString refreshToken; // empty when not minted from a refresh token
    };

    static QString randomToken(const QString &prefix, int length);
    QString issueAccessTokenLocked(const QString &email, const QStringList &scopes, int ttlSeconds,
                                   const QString &refreshToken);
    const AccessEntry *validAccessLocked(const QString &token) const;

    mutable QMutex m_mutex;
    QHash<QString, AccessEntry> m_access;
    QHash<QString, RefreshGrant> m_refresh;
    int m_issuedSincePurge = 0;
};

} // namespace sandbox
