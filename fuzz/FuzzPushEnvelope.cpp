// libFuzzer target for the Pub/Sub push request → Gmail notification parsing (issue 11 part 5):
// push::PushEnvelope, the pure half of PushEndpoint/NotificationHandler. The input is tried as a
// request body (and its message.data decoded and parsed, as the endpoint does), as base64 data and as
// notification JSON. Property: no crash, no sanitizer report (UBSan: float-cast-overflow on historyId).
#include "push/PushEnvelope.h"

#include <cstddef>
#include <cstdint>

namespace {

void parseData(const QByteArray &data) {
    if (const auto decoded = push::PushEnvelope::decodeData(data)) {
        QString error;
        (void)push::PushEnvelope::parseNotification(*decoded, &error);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const QByteArray input(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    if (const auto messageData = push::PushEnvelope::messageData(input))
        parseData(*messageData);
    parseData(input);
    QString error;
    (void)push::PushEnvelope::parseNotification(input, &error);
    return 0;
}
