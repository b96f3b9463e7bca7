#include "gmail/GMimeRuntime.h"

#include "gmail/GObjectPtr.h"

#include <gmime/gmime.h>

#include <mutex>

namespace gmail {

void GMimeRuntime::ensure() {
    static std::once_flag once;
    // Never shut down: worker threads may still parse during static destruction.
    std::call_once(once, [] { g_mime_init(); });
}

QByteArray GMimeRuntime::decodedContent(GMimePart *part) {
    GMimeDataWrapper *content = part ? g_mime_part_get_content(part) : nullptr;
    if (!content)
        return {};
    GObjectPtr<GMimeStream> mem(g_mime_stream_mem_new());
    g_mime_data_wrapper_write_to_stream(content, mem.get());
    const GByteArray *bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem.get()));
    return QByteArray(reinterpret_cast<const char *>(bytes->data), static_cast<qsizetype>(bytes->len));
}

} // namespace gmail
