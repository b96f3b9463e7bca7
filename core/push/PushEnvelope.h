#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace push {

// The pure parsing half of a Pub/Sub push delivery (no database, no network; fuzzed by
// fuzz/FuzzPushEnvelope.cpp): the request body {"message":{"data",…},"subscription"} and the Gmail
// notification {"emailAddress","historyId"} that `data` carries as base64.
class PushEnvelope final {
public:
    struct Notification {
        QString emailAddress; // trimmed, never empty
        qint64 historyId = 0; // 0 when missing or unreadable
    };

    // message.data of a push request body (may be empty); nullopt when the body is not a JSON object
    // with a non-empty "message" object.
    static std::optional<QByteArray> messageData(const QByteArray &body);
    // Pub/Sub's JSON carries `bytes` fields as base64; the proto3 JSON mapping accepts the standard and
    // the URL-safe alphabet (protobuf.dev/programming-guides/proto3/#json). nullopt: not base64.
    static std::optional<QByteArray> decodeData(const QByteArray &data);
    // The decoded notification JSON; nullopt (and *error, no message contents) when it is not an object
    // with an "emailAddress". "historyId" is documented as a string; a number is accepted too.
    static std::optional<Notification> parseNotification(const QByteArray &json, QString *error);

private:
    PushEnvelope() = delete;
};

} // namespace push
