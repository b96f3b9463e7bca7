#include "push/PushTokenVerifier.h"

#include "auth/Jwt.h"
#include "log/LogEvent.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

namespace push {

PushTokenVerifier::PushTokenVerifier(Settings settings, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_network(new QNetworkAccessManager(this)) {}

PushTokenVerifier::~PushTokenVerifier() {
    // Waiting requests are dropped unanswered (their connections go with the endpoint).
    m_waiting.clear();
    if (m_inFlight)
        m_inFlight->disconnect(this);
}

void PushTokenVerifier::verify(const QByteArray &authorization, Callback done) {
    // RFC 6750 §2.1: "Bearer" is case-insensitive.
    if (!authorization.left(7).toLower().startsWith("bearer ")) {
        done(Result::Unauthenticated, QStringLiteral("no bearer token"));
        return;
    }
    const QByteArray compact = authorization.mid(7).trimmed();
    QString error;
    const auto unverified = auth::Jwt::decode(compact, &error);
    if (!unverified) {
        done(Result::Unauthenticated, error);
        return;
    }
    const QString kid = unverified->header.value(QLatin1String("kid")).toString();
    if (kid.isEmpty()) {
        done(Result::Unauthenticated, QStringLiteral("token has no key id"));
        return;
    }

    const QDateTime now = QDateTime::currentDateTimeUtc();
    const bool lastFailed = m_lastAttempt.isValid() && m_lastAttempt != m_lastSuccess;
    const auto sinceAttempt =
        std::chrono::milliseconds(m_lastAttempt.isValid() ? m_lastAttempt.msecsTo(now) : 0);
    const bool stale = !m_keysExpire.isValid() || now >= m_keysExpire;
    if (m_keys.contains(kid)) {
        // A known key verifies at once; past the cache's max-age the set is refreshed in the background
        // (Google publishes a new key well before it signs with it).
        if (stale && !m_inFlight && sinceAttempt >= m_settings.failedRefetchInterval)
            startFetch();
        const Result result = check(compact, kid, &error);
        done(result, error);
        return;
    }
    if (!m_inFlight) {
        const auto interval = lastFailed ? m_settings.failedRefetchInterval : m_settings.minRefetchInterval;
        if (m_lastAttempt.isValid() && !stale && sinceAttempt < interval) {
            // The negative cache: the set was fetched moments ago and this kid was not in it.
            if (m_keys.isEmpty())
                done(Result::Unavailable, QStringLiteral("no JWKS keys yet (the last fetch failed)"));
            else
                done(Result::Unauthenticated, QStringLiteral("token signed by an unknown key"));
            return;
        }
        if (m_lastAttempt.isValid() && lastFailed && sinceAttempt < interval) {
            done(Result::Unavailable, QStringLiteral("the JWKS cannot be fetched now"));
            return;
        }
        startFetch();
    }
    if (m_waiting.size() >= m_settings.maxWaiting) {
        done(Result::Unavailable, QStringLiteral("too many requests wait for the JWKS"));
        return;
    }
    m_waiting.append(Waiting{compact, kid, std::move(done)});
}

PushTokenVerifier::Result PushTokenVerifier::check(const QByteArray &compact, const QString &kid,
                                                   QString *error) const {
    const auto token = auth::Jwt::verifyRs256(compact, m_keys.value(kid), error);
    if (!token)
        return Result::Unauthenticated;

    const QJsonObject &claims = token->claims;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const qint64 skew = m_settings.clockSkew.count();
    const QJsonValue exp = claims.value(QLatin1String("exp"));
    if (!exp.isDouble() || static_cast<qint64>(exp.toDouble()) + skew < now) {
        *error = QStringLiteral("token expired or without exp");
        return Result::Unauthenticated;
    }
    const QJsonValue iat = claims.value(QLatin1String("iat"));
    if (iat.isDouble() && static_cast<qint64>(iat.toDouble()) - skew > now) {
        *error = QStringLiteral("token issued in the future");
        return Result::Unauthenticated;
    }
    // OpenID Connect Core 1.0 §3.1.3.7 and developers.google.com/identity/openid-connect/
    // openid-connect#validatinganidtoken: Google's iss is either spelling.
    const QString iss = claims.value(QLatin1String("iss")).toString();
    if (iss != QLatin1String("https://accounts.google.com") && iss != QLatin1String("accounts.google.com")) {
        *error = QStringLiteral("token issuer is not Google");
        return Result::Forbidden;
    }
    // "aud" may be a string or an array (RFC 7519 §4.1.3).
    const QJsonValue aud = claims.value(QLatin1String("aud"));
    const bool audienceOk = aud.isArray() ? aud.toArray().contains(QJsonValue(m_settings.audience))
                                          : aud.toString() == m_settings.audience;
    if (m_settings.audience.isEmpty() || !audienceOk) {
        *error = QStringLiteral("token audience is not ours");
        return Result::Forbidden;
    }
    if (m_settings.serviceAccountEmail.isEmpty() ||
        claims.value(QLatin1String("email"))
                .toString()
                .compare(m_settings.serviceAccountEmail, Qt::CaseInsensitive) != 0) {
        *error = QStringLiteral("token email is not the push service account");
        return Result::Forbidden;
    }
    const QJsonValue verified = claims.value(QLatin1String("email_verified"));
    if (!(verified.toBool() || verified.toString() == QLatin1String("true"))) {
        *error = QStringLiteral("token email is not verified");
        return Result::Forbidden;
    }
    return Result::Valid;
}

void PushTokenVerifier::startFetch() {
    ++m_fetches;
    QNetworkRequest request(m_settings.jwksUrl);
    const int timeoutMs = static_cast<int>(m_settings.fetchTimeout.count());
    request.setTransferTimeout(timeoutMs);
    QNetworkReply *reply = m_network->get(request);
    m_inFlight = reply;
    // The transfer timeout counts silence only; a server trickling bytes is cut off here.
    QTimer::singleShot(timeoutMs, reply, &QNetworkReply::abort);
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onFetched(reply); });
}

void PushTokenVerifier::onFetched(QNetworkReply *reply) {
    reply->deleteLater();
    m_inFlight = nullptr;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_lastAttempt = now;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    // RFC 7517 §5: {"keys": [JWK…]}.
    const QJsonArray keys =
        reply->error() == QNetworkReply::NoError && status == 200
            ? QJsonDocument::fromJson(reply->readAll()).object().value(QLatin1String("keys")).toArray()
            : QJsonArray();
    QString failure;
    if (reply->error() != QNetworkReply::NoError || status != 200)
        failure = QStringLiteral("cannot fetch the JWKS from %1: HTTP %2 %3")
                      .arg(m_settings.jwksUrl.toString())
                      .arg(status)
                      .arg(reply->errorString());
    else if (keys.isEmpty())
        failure = QStringLiteral("the JWKS from %1 has no keys").arg(m_settings.jwksUrl.toString());

    if (failure.isEmpty()) {
        // Replace the set: a key Google rotated out must stop verifying.
        m_keys.clear();
        for (const QJsonValue &value : keys) {
            const QJsonObject key = value.toObject();
            const QString kid = key.value(QLatin1String("kid")).toString();
            if (!kid.isEmpty() && key.value(QLatin1String("kty")).toString() == QLatin1String("RSA"))
                m_keys.insert(kid, key);
        }
        m_lastSuccess = now;
        // RFC 9111 §5.2.2.1: max-age; Google's certs carry one of several hours.
        m_keysExpire =
            now.addSecs(maxAgeOf(reply->rawHeader("Cache-Control"), m_settings.defaultMaxAge).count());
    } else {
        logging::LogEvent(logging::Level::Warning, "push JWKS fetch failed").error(failure).write();
    }

    const QList<Waiting> waiting = std::exchange(m_waiting, {});
    for (const Waiting &w : waiting) {
        QString error;
        if (m_keys.contains(w.kid)) {
            const Result result = check(w.compact, w.kid, &error);
            w.done(result, error);
        } else if (!failure.isEmpty()) {
            w.done(Result::Unavailable, failure);
        } else {
            w.done(Result::Unauthenticated, QStringLiteral("token signed by an unknown key"));
        }
    }
}

std::chrono::seconds PushTokenVerifier::maxAgeOf(const QByteArray &cacheControl,
                                                 std::chrono::seconds fallback) {
    std::chrono::seconds age = fallback;
    for (const QByteArray &part : cacheControl.split(',')) {
        const QByteArray directive = part.trimmed().toLower();
        if (directive.startsWith("max-age=")) {
            bool ok = false;
            const qint64 value = directive.mid(8).toLongLong(&ok);
            if (ok && value >= 0)
                age = std::chrono::seconds(value);
        }
    }
    // Not less than a minute (a max-age=0 must not turn every request into a refetch), not more than a day.
    return std::clamp(age, std::chrono::seconds(60), std::chrono::seconds(86400));
}

} // namespace push
