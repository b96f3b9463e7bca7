#include "JsonFormat.h"

#include "db/EmailRecord.h"

#include <QJsonArray>
#include <QJsonDocument>

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

QDateTime JsonFormat::emailDate(const db::EmailRecord &r) {
    return r.sentAt.isValid() ? r.sentAt : r.internalDate;
}

QString JsonFormat::sender(const db::EmailRecord &r) {
    return r.fromName.isEmpty() ? r.fromAddress
                                : r.fromName + QStringLiteral(" <") + r.fromAddress + QLatin1Char('>');
}

QJsonObject JsonFormat::email(const db::EmailRecord &r) {
    const auto textOrNull = [](const QString &s) {
        return s.isNull() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
    };
    return QJsonObject{{QStringLiteral("gmailMessageId"), r.gmailMessageId},
                       {QStringLiteral("threadId"), r.threadId},
                       {QStringLiteral("subject"), textOrNull(r.subject)},
                       {QStringLiteral("fromName"), textOrNull(r.fromName)},
                       {QStringLiteral("fromAddress"), textOrNull(r.fromAddress)},
                       {QStringLiteral("to"), QJsonArray::fromStringList(r.to)},
                       {QStringLiteral("cc"), QJsonArray::fromStringList(r.cc)},
                       {QStringLiteral("bcc"), QJsonArray::fromStringList(r.bcc)},
                       {QStringLiteral("date"), dateTime(emailDate(r))},
                       {QStringLiteral("labels"), QJsonArray::fromStringList(r.labels)},
                       {QStringLiteral("snippet"), textOrNull(r.snippet)},
                       {QStringLiteral("bodyHtml"), textOrNull(r.bodyHtml)},
                       {QStringLiteral("bodyText"), textOrNull(r.bodyText)},
                       {QStringLiteral("priority"), r.priority},
                       {QStringLiteral("attachments"), QJsonDocument::fromJson(r.attachmentsJson).array()}};
}

} // namespace cli
