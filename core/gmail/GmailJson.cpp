#include "gmail/GmailJson.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace gmail::json {

namespace {

QStringList stringList(const QJsonValue &v) {
    QStringList out;
    for (const QJsonValue &s : v.toArray())
        out.append(s.toString());
    return out;
}

quint64 u64(const QJsonValue &v) // the API sends int64/uint64 as JSON strings
{
    return v.isString() ? v.toString().toULongLong() : static_cast<quint64>(v.toDouble());
}

qint64 i64(const QJsonValue &v) {
    return v.isString() ? v.toString().toLongLong() : static_cast<qint64>(v.toDouble());
}

MessageRef messageRef(const QJsonObject &o) {
    return {o.value(QLatin1String("id")).toString(), o.value(QLatin1String("threadId")).toString(),
            stringList(o.value(QLatin1String("labelIds")))};
}

QList<LabelChange> labelChanges(const QJsonValue &v) {
    QList<LabelChange> out;
    for (const QJsonValue &c : v.toArray()) {
        const QJsonObject o = c.toObject();
        out.append({messageRef(o.value(QLatin1String("message")).toObject()),
                    stringList(o.value(QLatin1String("labelIds")))});
    }
    return out;
}

QList<MessageRef> wrappedMessages(const QJsonValue &v) // [{"message": {...}}]
{
    QList<MessageRef> out;
    for (const QJsonValue &m : v.toArray())
        out.append(messageRef(m.toObject().value(QLatin1String("message")).toObject()));
    return out;
}

HistoryRecord historyRecord(const QJsonObject &r) {
    HistoryRecord record;
    record.id = u64(r.value(QLatin1String("id")));
    for (const QJsonValue &m : r.value(QLatin1String("messages")).toArray())
        record.messages.append(messageRef(m.toObject()));
    record.messagesAdded = wrappedMessages(r.value(QLatin1String("messagesAdded")));
    record.messagesDeleted = wrappedMessages(r.value(QLatin1String("messagesDeleted")));
    record.labelsAdded = labelChanges(r.value(QLatin1String("labelsAdded")));
    record.labelsRemoved = labelChanges(r.value(QLatin1String("labelsRemoved")));
    return record;
}

} // namespace

std::optional<QJsonObject> object(const QByteArray &body) {
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    return doc.object();
}

bool isObject(const QByteArray &body) {
    return object(body).has_value();
}

Profile profile(const QJsonObject &o) {
    Profile p;
    p.emailAddress = o.value(QLatin1String("emailAddress")).toString();
    p.historyId = u64(o.value(QLatin1String("historyId")));
    p.messagesTotal = i64(o.value(QLatin1String("messagesTotal")));
    p.threadsTotal = i64(o.value(QLatin1String("threadsTotal")));
    return p;
}

MessageListPage messageListPage(const QJsonObject &o) {
    MessageListPage page;
    for (const QJsonValue &m : o.value(QLatin1String("messages")).toArray())
        page.messages.append(messageRef(m.toObject()));
    page.nextPageToken = o.value(QLatin1String("nextPageToken")).toString();
    page.resultSizeEstimate = i64(o.value(QLatin1String("resultSizeEstimate")));
    return page;
}

HistoryPage historyPage(const QJsonObject &o) {
    HistoryPage page;
    for (const QJsonValue &h : o.value(QLatin1String("history")).toArray())
        page.history.append(historyRecord(h.toObject()));
    page.nextPageToken = o.value(QLatin1String("nextPageToken")).toString();
    page.historyId = u64(o.value(QLatin1String("historyId")));
    return page;
}

WatchResponse watchResponse(const QJsonObject &o) {
    return WatchResponse{u64(o.value(QLatin1String("historyId"))), i64(o.value(QLatin1String("expiration")))};
}

std::optional<RawMessage> rawMessage(const QByteArray &body) {
    const auto o = object(body);
    if (!o || !o->contains(QLatin1String("raw")))
        return std::nullopt;
    RawMessage m;
    m.id = o->value(QLatin1String("id")).toString();
    m.threadId = o->value(QLatin1String("threadId")).toString();
    m.labelIds = stringList(o->value(QLatin1String("labelIds")));
    m.historyId = u64(o->value(QLatin1String("historyId")));
    m.internalDate = i64(o->value(QLatin1String("internalDate")));
    m.sizeEstimate = i64(o->value(QLatin1String("sizeEstimate")));
    m.snippet = o->value(QLatin1String("snippet")).toString();
    // format=raw is base64url (RFC 4648 §5), with or without padding. Some servers speaking the API send
    // the standard alphabet; the lenient url decoder would silently skip its '+' and '/', so a payload
    // holding either is read as standard base64 instead.
    const QByteArray encoded = o->value(QLatin1String("raw")).toString().toLatin1();
    const bool standardAlphabet = encoded.contains('+') || encoded.contains('/');
    const auto decoded = QByteArray::fromBase64Encoding(
        encoded, standardAlphabet ? QByteArray::Base64Encoding : QByteArray::Base64UrlEncoding);
    if (!decoded)
        return std::nullopt;
    m.raw = *decoded;
    return m;
}

} // namespace gmail::json
