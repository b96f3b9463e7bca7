#include "ProgressUpdate.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QVariant>

namespace syncengine {

std::optional<ProgressUpdate> ProgressUpdate::fromJson(const QByteArray &payload) {
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(payload, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    const QJsonObject o = doc.object();
    if (!o.value(QLatin1String("jobId")).isDouble() && !o.value(QLatin1String("jobId")).isString())
        return std::nullopt;
    ProgressUpdate e;
    // Numbers may arrive as JSON numbers or as strings of digits (bigint through json_build_object is a
    // number, through to_json(text) a string); accept both.
    e.jobId = o.value(QLatin1String("jobId")).toVariant().toLongLong();
    e.tenantId = o.value(QLatin1String("tenantId")).toString();
    e.phase = o.value(QLatin1String("phase")).toString();
    e.processed = o.value(QLatin1String("processed")).toVariant().toLongLong();
    const QJsonValue total = o.value(QLatin1String("total"));
    if (!total.isNull() && !total.isUndefined())
        e.total = total.toVariant().toLongLong();
    e.rate = o.value(QLatin1String("rate")).toVariant().toDouble();
    if (e.jobId <= 0)
        return std::nullopt;
    return e;
}

} // namespace syncengine
