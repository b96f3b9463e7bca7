#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace db {
struct EmailRecord;
}

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
    // One email as `emails --json` prints it: {"gmailMessageId","threadId","subject","fromName",
    // "fromAddress","to","cc","bcc","date","labels","snippet","bodyHtml","bodyText","priority",
    // "attachments"}. "date" is the Date header, or Gmail's internalDate when the header is missing or
    // unreadable.
    static QJsonObject email(const db::EmailRecord &record);
    static QDateTime emailDate(const db::EmailRecord &record); // that "date"
    static QString sender(const db::EmailRecord &record);      // "Name <address>" or the address
};

} // namespace cli
