#include "push/PushTokenVerifier.h"

#include "auth/Jwt.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace push {

PushTokenVerifier::PushTokenVerifier(Settings settings)
    : m_settings(std::move(settings)) {}

PushTokenVerifier::Result PushTokenVerifier::verify(const QByteArray &authorization, QString *error) {
    // RFC 6750 §2.1: "Bearer" is case-insensitive.
    if (!authorization.left(7).toLower().startsWith("bearer ")) {
        *error = QStringLiteral("no bearer token");
        return Result::Unauthenticated;
    }
    const QByteArray compact = authorization.mid(7).trimmed();
    const auto unverified = auth::Jwt::decode(compact, error);
    if (!unverified)
        return Result::Unauthenticated;
    const QString kid = unverified->header.value(QLatin1String("kid")).toString();
    if (kid.isEmpty()) {
        *error = QStringLiteral("token has no key id");
        return Result::Unauthenticated;
    }
    if (!m_keys.contains(kid)) {
        const bool mayRefetch =
            !m_lastFetch.isValid() ||
            m_lastFetch.secsTo(QDateTime::currentDateTimeUtc()) >= m_settings.minRefetchInterval.count();
        if (mayRefetch && !refreshKeys(error))
            return Result::Unavailable;
        if (!mayRefetch && m_keys.isEmpty()) { // the last fetch failed moments ago
            *error = QStringLiteral("no JWKS keys yet");
            return Result::Unavailable;
        }
        if (!m_keys.contains(kid)) {
            *error = QStringLiteral("token signed by an unknown key");
            return Result::Unauthenticated;
        }
    }
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

bool PushTokenVerifier::refreshKeys(QString *error) {
    QNetworkAccessManager network;
    QNetworkRequest request(m_settings.jwksUrl);
    request.setTransferTimeout(static_cast<int>(m_settings.fetchTimeout.count()));
    QNetworkReply *reply = network.get(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    reply->deleteLater();
    m_lastFetch = QDateTime::currentDateTimeUtc();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->error() != QNetworkReply::NoError || status != 200) {
        *error = QStringLiteral("cannot fetch the JWKS from %1: HTTP %2 %3")
                     .arg(m_settings.jwksUrl.toString())
                     .arg(status)
                     .arg(reply->errorString());
        return false;
    }
    // RFC 7517 §5: {"keys": [JWK…]}.
    const QJsonArray keys =
        QJsonDocument::fromJson(reply->readAll()).object().value(QLatin1String("keys")).toArray();
    if (keys.isEmpty()) {
        *error = QStringLiteral("the JWKS from %1 has no keys").arg(m_settings.jwksUrl.toString());
        return false;
    }
    // Replace the set: a key Google rotated out must stop verifying.
    m_keys.clear();
    for (const QJsonValue &value : keys) {
        const QJsonObject key = value.toObject();
        const QString kid = key.value(QLatin1String("kid")).toString();
        if (!kid.isEmpty() && key.value(QLatin1String("kty")).toString() == QLatin1String("RSA"))
            m_keys.insert(kid, key);
    }
    return true;
}

} // namespace push
