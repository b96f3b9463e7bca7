#include "GoogleError.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

namespace sandbox {

QString GoogleError::statusName(int httpStatus) {
    switch (httpStatus) {
    case 400:
        return QStringLiteral("INVALID_ARGUMENT");
    case 401:
        return QStringLiteral("UNAUTHENTICATED");
    case 403:
        return QStringLiteral("PERMISSION_DENIED");
    case 404:
        return QStringLiteral("NOT_FOUND");
    case 405:
        return QStringLiteral("METHOD_NOT_ALLOWED");
    case 409:
        return QStringLiteral("ABORTED");
    case 429:
        return QStringLiteral("RESOURCE_EXHAUSTED");
    case 501:
        return QStringLiteral("UNIMPLEMENTED");
    case 503:
        return QStringLiteral("UNAVAILABLE");
    case 504:
        return QStringLiteral("DEADLINE_EXCEEDED");
    default:
        return httpStatus >= 500 ? QStringLiteral("INTERNAL") : QStringLiteral("FAILED_PRECONDITION");
    }
}

ApiResponse GoogleError::make(int code, const QString &message, const QString &reason, const QString &domain,
                              const QString &location, const QString &locationType) {
    QJsonObject item{{QStringLiteral("message"), message},
                     {QStringLiteral("domain"), domain},
                     {QStringLiteral("reason"), reason}};
    if (!location.isEmpty()) {
        item.insert(QStringLiteral("location"), location);
        item.insert(QStringLiteral("locationType"), locationType);
    }
    const QJsonObject error{{QStringLiteral("code"), code},
                            {QStringLiteral("message"), message},
                            {QStringLiteral("errors"), QJsonArray{item}},
                            {QStringLiteral("status"), statusName(code)}};
    return ApiResponse::json(QJsonObject{{QStringLiteral("error"), error}}, code);
}

ApiResponse GoogleError::notFound() {
    return make(404, QStringLiteral("Requested entity was not found."), QStringLiteral("notFound"));
}

ApiResponse GoogleError::invalidArgument(const QString &message) {
    return make(400, message, QStringLiteral("invalidArgument"));
}

ApiResponse GoogleError::badRequest(const QString &message) {
    return make(400, message, QStringLiteral("badRequest"));
}

ApiResponse GoogleError::unauthenticated(bool credentialsMissing) {
    // The texts Google's front end sends for a missing and for an invalid bearer token.
    ApiResponse r =
        credentialsMissing
            ? make(401,
                   QStringLiteral("Request is missing required authentication credential. Expected "
                                  "OAuth 2 access token, login cookie or other valid authentication "
                                  "credential. See "
                                  "https://developers.google.com/identity/sign-in/web/"
                                  "devconsole-project."),
                   QStringLiteral("required"), QStringLiteral("global"), QStringLiteral("Authorization"),
                   QStringLiteral("header"))
            : make(401,
                   QStringLiteral("Request had invalid authentication credentials. Expected OAuth 2 "
                                  "access token, login cookie or other valid authentication "
                                  "credential. See "
                                  "https://developers.google.com/identity/sign-in/web/"
                                  "devconsole-project."),
                   QStringLiteral("authError"), QStringLiteral("global"), QStringLiteral("Authorization"),
                   QStringLiteral("header"));
    // RFC 6750 §3: a 401 names the scheme; error="invalid_token" when a token was sent but is bad.
    r.addHeader("WWW-Authenticate", credentialsMissing
                                        ? QByteArrayLiteral("Bearer realm=\"https://accounts.google.com/\"")
                                        : QByteArrayLiteral("Bearer realm=\"https://accounts.google.com/\", "
                                                            "error=\"invalid_token\""));
    return r;
}

ApiResponse GoogleError::delegationDenied(const QString &email) {
    return make(403, QStringLiteral("Delegation denied for ") + email, QStringLiteral("forbidden"));
}

ApiResponse GoogleError::quotaExceeded(qint64 retryAfterMs) {
    // Gmail names the moment when the user's quota admits the call again.
    const QString when = QDateTime::currentDateTimeUtc().addMSecs(retryAfterMs).toString(Qt::ISODateWithMs);
    return make(429, QStringLiteral("User-rate limit exceeded.  Retry after ") + when,
                QStringLiteral("rateLimitExceeded"), QStringLiteral("usageLimits"));
}

ApiResponse GoogleError::rateLimitExceeded() {
    return make(429, QStringLiteral("Rate Limit Exceeded"), QStringLiteral("rateLimitExceeded"),
                QStringLiteral("usageLimits"));
}

ApiResponse GoogleError::tooManyConcurrentRequests() {
    return make(429, QStringLiteral("Too many concurrent requests for user."),
                QStringLiteral("rateLimitExceeded"), QStringLiteral("usageLimits"));
}

ApiResponse GoogleError::userRateLimitExceeded() {
    return make(403, QStringLiteral("User Rate Limit Exceeded"), QStringLiteral("userRateLimitExceeded"),
                QStringLiteral("usageLimits"));
}

ApiResponse GoogleError::backendError() {
    return make(500, QStringLiteral("Backend Error"), QStringLiteral("backendError"));
}

ApiResponse GoogleError::serviceUnavailable() {
    return make(503, QStringLiteral("The service is currently unavailable."), QStringLiteral("backendError"));
}

ApiResponse GoogleError::methodNotAllowed() {
    return make(405, QStringLiteral("Method not allowed."), QStringLiteral("methodNotAllowed"));
}

} // namespace sandbox
