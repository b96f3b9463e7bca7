#pragma once

#include <QDateTime>
#include <QJsonValue>
#include <QString>

namespace cli {

// How gmail-sync writes values in --json output, the same for every command.
class JsonFormat final {
public:
    JsonFormat() = delete;
    // ISO 8601 with the local UTC offset and milliseconds, e.g. "2026-11-25T13:04:05.123+00:00";
    // an invalid (absent) time is null.
    static QJsonValue dateTime(const QDateTime &dt);
    static QString isoDateTime(const QDateTime &dt);
    // An empty string is null.
    static QJsonValue text(const QString &value);
};

} // namespace cli
