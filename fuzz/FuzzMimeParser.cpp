// libFuzzer target for gmail::MessageParser::parse (issue 11 part 5): arbitrary bytes as a format=raw
// message. Property: no crash, no sanitizer report, no hang (libFuzzer -timeout).
#include "gmail/MessageParser.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const gmail::MessageParser parser;
    const QByteArray raw(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    gmail::ParseContext context;
    context.attachmentIds.insert(QStringLiteral("1"), QStringLiteral("att-1"));
    const gmail::ParsedMessage parsed = parser.parse(raw, context);
    (void)parsed;
    return 0;
}
