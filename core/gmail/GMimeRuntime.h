#pragma once

#include <QByteArray>

struct _GMimePart;

namespace gmail {

// GMime must be initialised once per process before any thread uses it (g_mime_init is not
// re-entrant). Every GMime user in core/gmail calls ensure() first; it is cheap after the first call.
class GMimeRuntime final {
public:
    static void ensure();

    // A leaf part's content with its transfer encoding (base64, quoted-printable) undone.
    static QByteArray decodedContent(_GMimePart *part);

private:
    GMimeRuntime() = delete;
};

} // namespace gmail
