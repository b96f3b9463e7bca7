#include "push/PushEnvelope.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

#include <cmath>

namespace push {

std::optional<QByteArray> PushEnvelope::messageData(const QByteArray &body) {
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (!doc.isObject())
        return std::nullopt;
    const QJsonObject message = doc.object().value(QLatin1String("message")).toObject();
    if (message.isEmpty())
        return std::nullopt;
    return message.value(QLatin1String("data")).toString().toLatin1();
}

std::optional<QByteArray> PushEnvelope::decodeData(const QByteArray &data) {
    auto decoded = QByteArray::fromBase64Encoding(data, QByteArray::Base64Encoding |
                                                            QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        decoded = QByteArray::fromBase64Encoding(data, QByteArray::Base64UrlEncoding |
                                                           QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    return decoded.decoded;
}

std::optional<PushEnvelope::Notification> PushEnvelope::parseNotification(const QByteArray &json,
                                                                          QString *error) {
    const auto fail = [error](const QString &why) -> std::optional<Notification> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isObject())
        return fail(QStringLiteral("data is not a JSON object"));
    const QJsonObject object = doc.object();
    Notification notification;
    notification.emailAddress = object.value(QLatin1String("emailAddress")).toString().trimmed();
    if (notification.emailAddress.isEmpty())
        return fail(QStringLiteral("emailAddress missing"));
    const QJsonValue history = object.value(QLatin1String("historyId"));
    if (history.isString())
        notification.historyId = history.toString().toLongLong();
    else if (history.isDouble()) {
        // A number outside qint64 (1e300, -1e19) cannot be converted (undefined behaviour): 0.
        const double value = history.toDouble();
        if (std::isfinite(value) && value > -9.2e18 && value < 9.2e18)
            notification.historyId = static_cast<qint64>(value);
    }
    return notification;
}

} // namespace push
