#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QString>
#include <QUrl>

#include <chrono>

namespace push {

// Verifies the OIDC ID token Pub/Sub attaches to push requests (Authorization: Bearer)
// (cloud.google.com/pubsub/docs/authenticate-push-subscriptions): RS256 signature by a key of the JWKS
// (keys cached by "kid"; an unknown kid refetches the set, at most once per minRefetchInterval), "iss"
// https://accounts.google.com or accounts.google.com, "aud" the configured audience, "email" the
// configured push service account with "email_verified" true, and "exp" not passed.
// Fetches the JWKS synchronously (a local event loop), on the calling thread.
class PushTokenVerifier final {
public:
    struct Settings {
        QUrl jwksUrl = QUrl(QStringLiteral("https://www.googleapis.com/oauth2/v3/certs"));
        QString audience;
        QString serviceAccountEmail;
        std::chrono::seconds clockSkew{60};
        std::chrono::seconds minRefetchInterval{30};
        std::chrono::milliseconds fetchTimeout{10000};
    };
    enum class Result {
        Valid,
        Unauthenticated, // 401: missing, malformed, bad signature, unknown key, expired
        Forbidden,       // 403: a valid Google token, but not for us (iss, aud, email, email_verified)
        Unavailable,     // 503: the JWKS cannot be fetched; try again later
    };

    explicit PushTokenVerifier(Settings settings);

    // `authorization`: the Authorization header's value. *error says why (never the token).
    Result verify(const QByteArray &authorization, QString *error);

private:
    bool refreshKeys(QString *error);

    Settings m_settings;
    QHash<QString, QJsonObject> m_keys; // kid → JWK
    QDateTime m_lastFetch;
};

} // namespace push
