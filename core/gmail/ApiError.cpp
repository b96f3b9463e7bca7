#include "gmail/ApiError.h"

#include <QRegularExpression>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace gmail {

ApiError ApiError::fromHttp(int httpStatus, const QByteArray &body, const QString &endpoint) {
    ApiError e;
    e.kind = Kind::Http;
    e.httpStatus = httpStatus;
    e.endpoint = endpoint;
    const QJsonObject error = QJsonDocument::fromJson(body).object().value(QLatin1String("error")).toObject();
    e.status = error.value(QLatin1String("status")).toString();
    e.message = error.value(QLatin1String("message")).toString().left(500);
    // Gmail names the end of a per-user rate-limit window in the message, not in a Retry-After header.
    static const QRegularExpression retryAfterRe(
        QStringLiteral(R"(Retry after (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)))"));
    if (const auto m = retryAfterRe.match(e.message); m.hasMatch())
        e.retryAt = QDateTime::fromString(m.captured(1), Qt::ISODateWithMs);
    const QJsonArray errors = error.value(QLatin1String("errors")).toArray();
    if (!errors.isEmpty()) {
        e.reason = errors.first().toObject().value(QLatin1String("reason")).toString();
        e.domain = errors.first().toObject().value(QLatin1String("domain")).toString();
    }
    return e;
}

QString ApiError::toString() const {
    QString what;
    switch (kind) {
    case Kind::None:
        return {};
    case Kind::Http:
        what = QStringLiteral("HTTP %1").arg(httpStatus);
        if (!status.isEmpty())
            what += QLatin1Char(' ') + status;
        if (!reason.isEmpty())
            what += QStringLiteral(" (%1)").arg(reason);
        break;
    case Kind::Network:
        what = QStringLiteral("network error");
        break;
    case Kind::Timeout:
        what = QStringLiteral("timed out");
        break;
    case Kind::Auth:
        what = QStringLiteral("no access token");
        break;
    case Kind::AuthPermanent:
        what = QStringLiteral("authorization revoked or expired; re-authorize the integration");
        break;
    case Kind::Cancelled:
        return QStringLiteral("Gmail %1: cancelled").arg(endpoint);
    case Kind::TooLarge:
        what = QStringLiteral("answer over the size cap");
        break;
    }
    QString s = QStringLiteral("Gmail %1 failed: %2").arg(endpoint, what);
    if (!message.isEmpty())
        s += QStringLiteral(": ") + message;
    if (retries > 0)
        s += QStringLiteral(" (after %1 retries)").arg(retries);
    return s;
}

} // namespace gmail
