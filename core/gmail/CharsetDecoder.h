#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace gmail {

// Turns the bytes of a text part into UTF-16 from whatever charset it declares. Follows the WHATWG
// Encoding Standard's habit of reading a label as its superset (iso-8859-1 → windows-1252,
// gb2312 → gb18030, shift_jis → cp932, ks_c_5601 → cp949) because mail clients mislabel that way.
// Never drops text: invalid bytes become U+FFFD, an unknown charset is read as UTF-8 when the bytes
// are valid UTF-8 and as windows-1252 otherwise, each with a warning. NUL characters are removed.
class CharsetDecoder final {
public:
    static QString decode(const QByteArray &bytes, const QByteArray &charset, QStringList *warnings);

    // The first charset a message declares (a Content-Type charset parameter in its first 64 KiB),
    // as the superset iconv should read it; empty when none, or when it is UTF-8/ASCII. Mail clients
    // read raw 8-bit header bytes in the body's charset; the parser does the same with this hint.
    static QByteArray declaredCharsetHint(const QByteArray &raw);

    // Keeps a converter from this charset open on the calling thread (as decode() does for the ones it
    // uses), so the gconv module stays loaded while GMime opens and closes its own converters for
    // encoded words in headers: glibc would otherwise load and unload it for every message.
    static void keepConverterOpen(const QByteArray &charsetLabel);

    // windows-1252 with the five undefined bytes mapped to C1 controls (WHATWG); total, never fails.
    static QString decodeWindows1252(const QByteArray &bytes);

private:
    CharsetDecoder() = delete;
};

} // namespace gmail
