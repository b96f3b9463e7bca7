#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>

#include <chrono>
#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace push {

// Verifies the OIDC ID token Pub/Sub attaches to push requests (Authorization: Bearer)
// (cloud.google.com/pubsub/docs/authenticate-push-subscriptions): RS256 signature by a key of the JWKS
// (keys cached by "kid"), "iss" https://accounts.google.com or accounts.google.com, "aud" the configured
// audience, "email" the configured push service account with "email_verified" true, and "exp" not passed.
//
// Never blocks: the JWKS is fetched asynchronously, one fetch at a time. A token whose kid is cached is
// verified at once (even while a fetch is in flight or the cache is past its max-age, which starts a
// background refresh); a token with an unknown kid waits for the fetch in flight (or starts one), and is
// answered 401 without any fetch when the last successful fetch is younger than minRefetchInterval (the
// negative cache). Callbacks run on the owning thread, possibly before verify() returns.
class PushTokenVerifier final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PushTokenVerifier)

public:
    struct Settings {
        QUrl jwksUrl = QUrl(QStringLiteral("https://www.googleapis.com/oauth2/v3/certs"));
        QString audience;
        QString serviceAccountEmail;
        std::chrono::seconds clockSkew{60};
        // Unknown kids do not refetch more often than this after a successful fetch.
        std::chrono::seconds minRefetchInterval{300};
        // ... nor more often than this after a failed one (then 503: Pub/Sub redelivers).
        std::chrono::seconds failedRefetchInterval{10};
        // Positive cache lifetime when the JWKS response has no Cache-Control max-age; capped at a day.
        std::chrono::seconds defaultMaxAge{3600};
        std::chrono::milliseconds fetchTimeout{5000};
        int maxWaiting = 256; // requests waiting for one fetch; beyond it 503 at once
    };
    enum class Result {
        Valid,
        Unauthenticated, // 401: missing, malformed, bad signature, unknown key, expired
        Forbidden,       // 403: a valid Google token, but not for us (iss, aud, email, email_verified)
        Unavailable,     // 503: the JWKS cannot be fetched (or too many wait for it); try again later
    };
    // `error` says why (never the token).
    using Callback = std::function<void(Result result, const QString &error)>;

    explicit PushTokenVerifier(Settings settings, QObject *parent = nullptr);
    ~PushTokenVerifier() override;

    // `authorization`: the Authorization header's value.
    void verify(const QByteArray &authorization, Callback done);

    int fetchCount() const { return m_fetches; }

private:
    struct Waiting {
        QByteArray compact;
        QString kid;
        Callback done;
    };
    void startFetch();
    void onFetched(QNetworkReply *reply);
    Result check(const QByteArray &compact, const QString &kid, QString *error) const;
    static std::chrono::seconds maxAgeOf(const QByteArray &cacheControl, std::chrono::seconds fallback);

    Settings m_settings;
    QNetworkAccessManager *m_network;
    QPointer<QNetworkReply> m_inFlight;
    QList<Waiting> m_waiting;
    QHash<QString, QJsonObject> m_keys; // kid → JWK
    QDateTime m_lastSuccess;            // of the last successful fetch
    QDateTime m_lastAttempt;            // of the last fetch, successful or not
    QDateTime m_keysExpire;             // Cache-Control max-age of the last successful fetch
    int m_fetches = 0;
};

} // namespace push
