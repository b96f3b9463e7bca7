#include "JsonFormat.h"

namespace cli {

QString JsonFormat::isoDateTime(const QDateTime &dt) {
    if (!dt.isValid())
        return {};
    const QDateTime local = dt.toLocalTime();
    const int offset = local.offsetFromUtc();
    // Always "+hh:mm" (RFC 3339 §5.6 time-numoffset), also for UTC, so readers see the offset explicitly.
    const QString sign = offset < 0 ? QStringLiteral("-") : QStringLiteral("+");
    const int minutes = qAbs(offset) / 60;
    return local.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz")) + sign +
           QStringLiteral("%1:%2")
               .arg(minutes / 60, 2, 10, QLatin1Char('0'))
               .arg(minutes % 60, 2, 10, QLatin1Char('0'));
}

QJsonValue JsonFormat::dateTime(const QDateTime &dt) {
    return dt.isValid() ? QJsonValue(isoDateTime(dt)) : QJsonValue(QJsonValue::Null);
}

QJsonValue JsonFormat::text(const QString &value) {
    return value.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(value);
}

} // namespace cli
