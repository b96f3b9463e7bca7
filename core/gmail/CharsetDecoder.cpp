#include "gmail/CharsetDecoder.h"

#include <gmime/gmime.h>

#include <QHash>
#include <QStringDecoder>

#include <cctype>
#include <cerrno>

namespace gmail {

namespace {

// WHATWG Encoding Standard §4.2 "Names and labels": labels that browsers (and mail clients)
// decode as a superset of the named charset.
QByteArray supersetFor(const QByteArray &lower) {
    static const QHash<QByteArray, QByteArray> map = {
        {"iso-8859-1", "windows-1252"},
        {"iso8859-1", "windows-1252"},
        {"latin1", "windows-1252"},
        {"l1", "windows-1252"},
        {"us-ascii", "windows-1252"},
        {"ascii", "windows-1252"},
        {"iso-8859-9", "windows-1254"},
        {"latin5", "windows-1254"},
        {"iso-8859-11", "cp874"},
        {"tis-620", "cp874"},
        {"gb2312", "gb18030"},
        {"gbk", "gb18030"},
        {"x-gbk", "gb18030"},
        {"gb_2312-80", "gb18030"},
        {"euc-cn", "gb18030"},
        {"shift_jis", "cp932"},
        {"shift-jis", "cp932"},
        {"sjis", "cp932"},
        {"x-sjis", "cp932"},
        {"ms_kanji", "cp932"},
        {"windows-31j", "cp932"},
        {"euc-kr", "cp949"},
        {"ks_c_5601-1987", "cp949"},
        {"ks_c_5601", "cp949"},
        {"big5", "big5-hkscs"},
        {"x-mac-roman", "macintosh"},
        {"x-user-defined", "windows-1252"},
        {"unicode-1-1-utf-7", "utf-7"},
    };
    return map.value(lower, lower);
}

bool isUtf8Label(const QByteArray &lower) {
    return lower == "utf-8" || lower == "utf8" || lower == "unicode-1-1-utf-8";
}

bool isValidUtf8(const QByteArray &bytes) {
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString ignored = decoder.decode(bytes);
    return !decoder.hasError();
}

QString finish(QString text) {
    if (text.startsWith(QChar(0xFEFF)))
        text.remove(0, 1);
    text.remove(QChar(0));
    return text;
}

// glibc loads a gconv module on iconv_open and unloads it shortly after its last iconv_close, so a
// converter opened per text part made dlopen/dlclose a quarter of a sync's CPU (perf, bench_sync).
// Each thread keeps its converters open instead: a mailbox uses a handful of charsets; they are
// closed when the thread ends. Open descriptors also keep the modules loaded for GMime's own header
// decoding on the same thread.
class ConverterCache final {
public:
    ConverterCache() = default;
    ~ConverterCache() { clear(); }
    ConverterCache(const ConverterCache &) = delete;
    ConverterCache &operator=(const ConverterCache &) = delete;

    // A converter to UTF-8 in its initial shift state, or (GIConv)-1 when iconv does not know the name.
    GIConv get(const char *iconvName) {
        const QByteArray key(iconvName);
        if (const auto it = m_open.constFind(key); it != m_open.cend()) {
            if (*it != invalid())
                g_iconv(*it, nullptr, nullptr, nullptr, nullptr); // back to the initial state
            return *it;
        }
        if (m_open.size() >= MaxOpen) // hostile mail with hundreds of charset names: stay bounded
            clear();
        const GIConv cd = g_iconv_open("UTF-8", iconvName);
        m_open.insert(key, cd); // unknown names too: no second lookup for them
        return cd;
    }

    static GIConv invalid() { return reinterpret_cast<GIConv>(-1); }

private:
    void clear() {
        for (const GIConv cd : std::as_const(m_open)) {
            if (cd != invalid())
                g_iconv_close(cd);
        }
        m_open.clear();
    }

    static constexpr qsizetype MaxOpen = 32;
    QHash<QByteArray, GIConv> m_open;
};

ConverterCache &threadConverters() {
    thread_local ConverterCache converters;
    return converters;
}

// iconv loop: an invalid sequence becomes U+FFFD and decoding continues after it.
bool convertWithIconv(const QByteArray &bytes, const char *iconvName, QString *out, bool *hadInvalid) {
    const GIConv cd = threadConverters().get(iconvName);
    if (cd == ConverterCache::invalid())
        return false;
    QByteArray utf8;
    utf8.reserve(bytes.size() * 2 + 16);
    char buffer[8192];
    char *in = const_cast<char *>(bytes.constData());
    gsize inLeft = static_cast<gsize>(bytes.size());
    while (true) {
        char *outPtr = buffer;
        gsize outLeft = sizeof buffer;
        const gsize rc = inLeft > 0 ? g_iconv(cd, &in, &inLeft, &outPtr, &outLeft)
                                    : g_iconv(cd, nullptr, nullptr, &outPtr, &outLeft); // flush state
        utf8.append(buffer, static_cast<qsizetype>(outPtr - buffer));
        if (rc != static_cast<gsize>(-1)) {
            if (inLeft == 0)
                break;
            continue;
        }
        if (errno == E2BIG)
            continue;
        *hadInvalid = true;
        utf8.append("\xEF\xBF\xBD"); // U+FFFD
        if (errno == EILSEQ && inLeft > 0) {
            ++in;
            --inLeft;
            continue;
        }
        break; // EINVAL: incomplete sequence at the end
    }
    *out = QString::fromUtf8(utf8);
    return true;
}

} // namespace

QByteArray CharsetDecoder::declaredCharsetHint(const QByteArray &raw) {
    // One pass, no copy: this runs for every message whose headers carry 8-bit bytes.
    static constexpr char needle[] = "charset=";
    constexpr qsizetype needleSize = sizeof needle - 1;
    const qsizetype end = std::min<qsizetype>(raw.size(), 64 * 1024);
    const char *data = raw.constData();
    for (qsizetype at = 0; at + needleSize <= end; ++at) {
        if ((data[at] | 0x20) != 'c' || qstrnicmp(data + at, needle, needleSize) != 0)
            continue;
        qsizetype i = at + needleSize;
        if (i < end && (data[i] == '"' || data[i] == '\''))
            ++i;
        qsizetype stop = i;
        while (stop < end && stop - i < 40 &&
               (std::isalnum(static_cast<unsigned char>(data[stop])) || data[stop] == '-' ||
                data[stop] == '_' || data[stop] == ':' || data[stop] == '.'))
            ++stop;
        const QByteArray label = QByteArray(data + i, stop - i).toLower();
        if (label.isEmpty())
            continue;
        if (isUtf8Label(label) || label == "us-ascii" || label == "ascii")
            return {};
        return g_mime_charset_iconv_name(supersetFor(label).constData());
    }
    return {};
}

void CharsetDecoder::keepConverterOpen(const QByteArray &charsetLabel) {
    const QByteArray label = charsetLabel.trimmed().toLower();
    if (label.isEmpty() || isUtf8Label(label) || label == "us-ascii" || label.size() > 40)
        return;
    threadConverters().get(g_mime_charset_iconv_name(label.constData()));
}

QString CharsetDecoder::decodeWindows1252(const QByteArray &bytes) {
    // WHATWG index-windows-1252 for 0x80..0x9F (0x81, 0x8D, 0x8F, 0x90, 0x9D map to themselves).
    static const char16_t high[32] = {0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                      0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
                                      0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                      0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};
    QString text(bytes.size(), Qt::Uninitialized);
    QChar *out = text.data();
    for (const char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        *out++ = (b >= 0x80 && b < 0xA0) ? QChar(high[b - 0x80]) : QChar(b);
    }
    return finish(text);
}

QString CharsetDecoder::decode(const QByteArray &bytes, const QByteArray &charset, QStringList *warnings) {
    const QByteArray label = charset.trimmed().toLower();
    const auto warn = [warnings](const QString &w) {
        if (warnings && !warnings->contains(w))
            warnings->append(w);
    };
    const bool plain7bit = std::all_of(bytes.cbegin(), bytes.cend(), [](char c) { return (c & 0x80) == 0; });

    // Undeclared or "us-ascii" text that carries 8-bit bytes: UTF-8 if it is valid UTF-8 (the usual
    // mislabel today), else windows-1252. iso-2022-jp is 7-bit, so it still goes through iconv.
    if (label.isEmpty() || ((label == "us-ascii" || label == "ascii") && !plain7bit)) {
        if (plain7bit || isValidUtf8(bytes))
            return finish(QString::fromUtf8(bytes));
        return decodeWindows1252(bytes);
    }
    if (isUtf8Label(label)) {
        if (isValidUtf8(bytes))
            return finish(QString::fromUtf8(bytes));
        warn(QStringLiteral("text declared UTF-8 is not valid UTF-8; read as windows-1252"));
        return decodeWindows1252(bytes);
    }
    const QByteArray target = supersetFor(label);
    if (target == "windows-1252")
        return decodeWindows1252(bytes);
    if (plain7bit && target != "utf-7" && !target.startsWith("iso-2022") && !target.startsWith("utf-16") &&
        !target.startsWith("utf-32") && !target.startsWith("hz"))
        return finish(QString::fromLatin1(bytes)); // ASCII-compatible charset, nothing to convert

    QString text;
    bool hadInvalid = false;
    const char *iconvName = g_mime_charset_iconv_name(target.constData());
    if (convertWithIconv(bytes, iconvName, &text, &hadInvalid)) {
        if (hadInvalid)
            warn(QStringLiteral("invalid bytes in %1 text replaced by U+FFFD")
                     .arg(QString::fromLatin1(label)));
        return finish(text);
    }
    const QString shown = QString::fromLatin1(label.left(40));
    if (isValidUtf8(bytes)) {
        warn(QStringLiteral("unknown charset \"%1\"; read as UTF-8").arg(shown));
        return finish(QString::fromUtf8(bytes));
    }
    warn(QStringLiteral("unknown charset \"%1\"; read as windows-1252").arg(shown));
    return decodeWindows1252(bytes);
}

} // namespace gmail
