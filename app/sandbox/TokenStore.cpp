#include "TokenStore.h"

#include <QMutexLocker>
#include <QRandomGenerator>

namespace sandbox {

QString TokenStore::randomToken(const QString &prefix, int length) {
    // RFC 3986 unreserved characters minus '.' and '~', like Google's opaque tokens.
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    QString token = prefix;
    token.reserve(prefix.size() + length);
    QRandomGenerator *rng = QRandomGenerator::system(); // CSPRNG
    for (int i = 0; i < length; ++i)
        token.append(QLatin1Char(alphabet[rng->bounded(64)]));
    return token;
}

QString TokenStore::issueAccessTokenLocked(const QString &email, const QStringList &scopes, int ttlSeconds,
                                           const QString &refreshToken) {
    const QDateTime now = QDateTime::currentDateTimeUtc();
    // Long benchmark runs mint many tokens: drop the expired ones now and then so the table stays small.
    if (++m_issuedSincePurge >= 4096) {
        m_issuedSincePurge = 0;
        m_access.removeIf([&now](const auto &entry) { return entry.value().expiresAt <= now; });
    }
    QString token = randomToken(QStringLiteral("ya29.sandbox-"), 32);
    m_access.insert(token, AccessEntry{email, scopes, now.addSecs(ttlSeconds), refreshToken});
    return token;
}

QString TokenStore::issueAccessToken(const QString &email, const QStringList &scopes, int ttlSeconds) {
    QMutexLocker lock(&m_mutex);
    return issueAccessTokenLocked(email, scopes, ttlSeconds, QString());
}

QString TokenStore::issueAccessTokenFromRefresh(const QString &refreshToken, int ttlSeconds) {
    QMutexLocker lock(&m_mutex);
    const auto it = m_refresh.constFind(refreshToken);
    if (it == m_refresh.cend() || it->revoked)
        return QString();
    return issueAccessTokenLocked(it->email, it->scopes, ttlSeconds, refreshToken);
}

const TokenStore::AccessEntry *TokenStore::validAccessLocked(const QString &token) const {
    const auto it = m_access.constFind(token);
    if (it == m_access.cend() || it->expiresAt <= QDateTime::currentDateTimeUtc())
        return nullptr;
    if (!it->refreshToken.isEmpty()) {
        const auto grant = m_refresh.constFind(it->refreshToken);
        if (grant == m_refresh.cend() || grant->revoked)
            return nullptr;
    }
    return &*it;
}

std::optional<QString> TokenStore::emailForAccessToken(const QString &token) const {
    QMutexLocker lock(&m_mutex);
    if (const AccessEntry *entry = validAccessLocked(token))
        return entry->email;
    return std::nullopt;
}

QStringList TokenStore::scopesForAccessToken(const QString &token) const {
    QMutexLocker lock(&m_mutex);
    if (const AccessEntry *entry = validAccessLocked(token))
        return entry->scopes;
    return {};
}

bool TokenStore::revokeAccessToken(const QString &token) {
    QMutexLocker lock(&m_mutex);
    const auto it = m_access.constFind(token);
    if (it == m_access.cend())
        return false;
    if (!it->refreshToken.isEmpty()) {
        const auto grant = m_refresh.find(it->refreshToken);
        if (grant != m_refresh.end())
            grant->revoked = true;
    }
    m_access.erase(it);
    return true;
}

QString TokenStore::issueRefreshToken(const QString &email, const QString &clientId,
                                      const QStringList &scopes) {
    QMutexLocker lock(&m_mutex);
    QString token = randomToken(QStringLiteral("1//sandbox-"), 43);
    m_refresh.insert(token, RefreshGrant{email, clientId, scopes, false});
    return token;
}

std::optional<TokenStore::RefreshGrant> TokenStore::refreshGrant(const QString &refreshToken) const {
    QMutexLocker lock(&m_mutex);
    const auto it = m_refresh.constFind(refreshToken);
    if (it == m_refresh.cend())
        return std::nullopt;
    return *it;
}

bool TokenStore::revokeRefreshToken(const QString &refreshToken) {
    QMutexLocker lock(&m_mutex);
    const auto it = m_refresh.find(refreshToken);
    if (it == m_refresh.end())
        return false;
    it->revoked = true; // kept so a later refresh answers invalid_grant, not "unknown"
    return true;
}

void TokenStore::revokeAllFor(const QString &email) {
    QMutexLocker lock(&m_mutex);
    for (auto it = m_refresh.begin(); it != m_refresh.end(); ++it) {
        if (it->email.compare(email, Qt::CaseInsensitive) == 0)
            it->revoked = true;
    }
    for (auto it = m_access.begin(); it != m_access.end();) {
        if (it->email.compare(email, Qt::CaseInsensitive) == 0)
            it = m_access.erase(it);
        else
            ++it;
    }
}

} // namespace sandbox
