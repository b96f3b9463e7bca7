// libFuzzer target for gmail::BatchCodec::decode (issue 11 part 5). The input's first line is the
// Content-Type value of the batch answer (it carries the boundary), the rest is the body. Each input
// is decoded without a part cap and with a small one (the tooLarge path). Property: no crash, no
// sanitizer report, no hang.
#include "gmail/BatchCodec.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const QByteArray input(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    const qsizetype newline = input.indexOf('\n');
    const QByteArray contentType = newline < 0 ? input : input.left(newline);
    const QByteArray body = newline < 0 ? QByteArray() : input.mid(newline + 1);
    QString error;
    (void)gmail::BatchCodec::decode(contentType, body, &error);
    (void)gmail::BatchCodec::decode(contentType, body, &error, 64);
    return 0;
}
