#include "gmail/MessageParser.h"

#include "gmail/CharsetDecoder.h"
#include "gmail/EncodedWords.h"
#include "gmail/GMimeRuntime.h"
#include "gmail/GObjectPtr.h"

#include <gmime/gmime.h>

#include <cctype>
#include <cstring>
#include <memory>
#include <vector>

namespace gmail {

QString priorityName(Priority p) {
    switch (p) {
    case Priority::High:
        return QStringLiteral("high");
    case Priority::Low:
        return QStringLiteral("low");
    case Priority::Normal:
        break;
    }
    return QStringLiteral("normal");
}

namespace {

// Limit on message/multipart nesting we walk ourselves (GMime limits its parser too).
constexpr int kMaxDepth = 64;

template<typename T>
using GPtr = GObjectPtr<T>;

QString clean(const char *utf8) {
    if (!utf8)
        return {};
    QString s = QString::fromUtf8(utf8);
    s.remove(QChar(0));
    return s.trimmed();
}

// Like clean(), but copies at most maxBytes of the UTF-8 text (cut on a character boundary) and says
// whether it had to cut. Used for values whose size the sender controls.
QString cleanCapped(const char *utf8, qsizetype maxBytes, bool *cut) {
    *cut = false;
    if (!utf8)
        return {};
    qsizetype n = qsizetype(qstrnlen(utf8, size_t(maxBytes) + 1));
    if (n > maxBytes) {
        *cut = true;
        n = maxBytes;
        while (n > 0 && (static_cast<unsigned char>(utf8[n]) & 0xC0) == 0x80) // RFC 3629 §3
            --n;
    }
    QString s = QString::fromUtf8(utf8, n);
    s.remove(QChar(0));
    return s.trimmed();
}

void addWarning(QStringList *warnings, const QString &w) {
    if (!warnings->contains(w))
        warnings->append(w);
}

// GMime's parser warnings, only those that mean something could not be read. Items (header
// values) are left out on purpose: warnings are stored and logged, message content is not.
void onParserWarning(gint64, GMimeParserWarning code, const gchar *, gpointer userData) {
    auto *warnings = static_cast<QStringList *>(userData);
    QString w;
    switch (code) {
    case GMIME_WARN_INVALID_RFC2047_HEADER_VALUE:
        w = QStringLiteral("invalid RFC 2047 encoded word in a header");
        break;
    case GMIME_WARN_MALFORMED_MULTIPART:
        w = QStringLiteral("multipart without parts");
        break;
    case GMIME_WARN_TRUNCATED_MESSAGE:
        w = QStringLiteral("message is truncated (missing closing boundary)");
        break;
    case GMIME_WARN_MALFORMED_MESSAGE:
        w = QStringLiteral("malformed message");
        break;
    case GMIME_CRIT_INVALID_HEADER_NAME:
        w = QStringLiteral("invalid header line skipped");
        break;
    case GMIME_CRIT_CONFLICTING_HEADER:
        w = QStringLiteral("conflicting headers");
        break;
    case GMIME_CRIT_CONFLICTING_PARAMETER:
        w = QStringLiteral("conflicting header parameters");
        break;
    case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY:
        w = QStringLiteral("multipart without boundary parameter");
        break;
    case GMIME_WARN_INVALID_PARAMETER:
        w = QStringLiteral("invalid header parameter");
        break;
    case GMIME_WARN_INVALID_ADDRESS_LIST:
        w = QStringLiteral("invalid address list");
        break;
    case GMIME_CRIT_NESTING_OVERFLOW:
        w = QStringLiteral("MIME nesting too deep; inner parts skipped");
        break;
    case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT:
        w = QStringLiteral("MIME part without headers or content");
        break;
    default: // duplicated headers/parameters, 8-bit headers, empty parts: read anyway. An invalid
             // Content-Type is reported by the Walker, which reads it as text/plain (RFC 2045 §5.2).
        return;
    }
    addWarning(warnings, w);
}

qint64 decodedSize(GMimePart *part) {
    GMimeDataWrapper *content = g_mime_part_get_content(part);
    if (!content)
        return 0;
    GPtr<GMimeStream> counter(g_mime_stream_null_new());
    g_mime_data_wrapper_write_to_stream(content, counter.get());
    return static_cast<qint64>(GMIME_STREAM_NULL(counter.get())->written);
}

// GMime's base64 decoder skips characters outside the alphabet; say so when that happened.
bool hasInvalidBase64(GMimePart *part) {
    if (g_mime_part_get_content_encoding(part) != GMIME_CONTENT_ENCODING_BASE64)
        return false;
    GMimeDataWrapper *content = g_mime_part_get_content(part);
    GMimeStream *encoded = content ? g_mime_data_wrapper_get_stream(content) : nullptr;
    if (!encoded)
        return false;
    g_mime_stream_reset(encoded);
    char buffer[4096];
    bool invalid = false;
    for (gssize n; !invalid && (n = g_mime_stream_read(encoded, buffer, sizeof buffer)) > 0;) {
        for (gssize i = 0; i < n; ++i) {
            const auto c = static_cast<unsigned char>(buffer[i]);
            if (!(g_ascii_isalnum(c) || c == '+' || c == '/' || c == '=' || g_ascii_isspace(c))) {
                invalid = true;
                break;
            }
        }
    }
    g_mime_stream_reset(encoded);
    return invalid;
}

QString formatAddress(InternetAddress *ia) {
    const QString addr = clean(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)));
    if (clean(internet_address_get_name(ia)).isEmpty())
        return addr;
    // encode=FALSE: UTF-8 display name, quoted per RFC 5322 §3.2.4 when it holds specials.
    char *text = internet_address_to_string(ia, nullptr, FALSE);
    const QString s = clean(text);
    g_free(text);
    return s;
}

void collectAddresses(InternetAddressList *list, QStringList *out,
                      QList<InternetAddress *> *mailboxes = nullptr) {
    if (!list)
        return;
    const int n = internet_address_list_length(list);
    for (int i = 0; i < n; ++i) {
        InternetAddress *ia = internet_address_list_get_address(list, i);
        if (INTERNET_ADDRESS_IS_GROUP(ia)) { // RFC 5322 §3.4 group: keep its members
            collectAddresses(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)), out, mailboxes);
        } else if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
            const QString s = formatAddress(ia);
            if (!s.isEmpty())
                out->append(s);
            if (mailboxes)
                mailboxes->append(ia);
        }
    }
}

QString msgIdList(GMimeParserOptions *options, const char *headerValue) {
    if (!headerValue)
        return {};
    GMimeReferences *refs = g_mime_references_parse(options, headerValue);
    QStringList ids;
    const int n = refs ? g_mime_references_length(refs) : 0;
    for (int i = 0; i < n; ++i)
        ids.append(QLatin1Char('<') + clean(g_mime_references_get_message_id(refs, i)) + QLatin1Char('>'));
    if (refs)
        g_mime_references_free(refs);
    if (ids.isEmpty())
        return clean(headerValue);
    return ids.join(QLatin1Char(' '));
}

Priority headerPriority(GMimeObject *message) {
    const auto header = [message](const char *name) {
        return clean(g_mime_object_get_header(message, name)).toLower();
    };
    // X-Priority: "1 (Highest)" … "5 (Lowest)"; Importance (RFC 2156 §5.3): high|normal|low;
    // Priority (RFC 2156): urgent|normal|non-urgent; X-MSMail-Priority: High|Normal|Low.
    const QString x = header("X-Priority");
    if (!x.isEmpty() && (x.startsWith(QLatin1Char('1')) || x.startsWith(QLatin1Char('2'))))
        return Priority::High;
    if (!x.isEmpty() && (x.startsWith(QLatin1Char('4')) || x.startsWith(QLatin1Char('5'))))
        return Priority::Low;
    const QString importance = header("Importance");
    const QString priority = header("Priority");
    const QString ms = header("X-MSMail-Priority");
    if (importance == u"high" || priority == u"urgent" || ms == u"high")
        return Priority::High;
    if (importance == u"low" || priority == u"non-urgent" || ms == u"low")
        return Priority::Low;
    return Priority::Normal;
}

// RFC 2045 §5.1: token := 1*<any (US-ASCII) CHAR except SPACE, CTLs, or tspecials>.
bool isTokenChar(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7F && !std::strchr("()<>@,;:\\\"/[]?=", c);
}

// Whether a raw Content-Type value starts with `type "/" subtype` (RFC 2045 §5.1). GMime reads a value
// that does not as application/octet-stream; "text" alone (no subtype) is the common case.
bool hasValidMediaType(QByteArrayView value) {
    qsizetype i = 0;
    while (i < value.size() && std::isspace(static_cast<unsigned char>(value[i])))
        ++i;
    const qsizetype typeStart = i;
    while (i < value.size() && isTokenChar(value[i]))
        ++i;
    if (i == typeStart || i >= value.size() || value[i] != '/')
        return false;
    const qsizetype subtypeStart = ++i;
    while (i < value.size() && isTokenChar(value[i]))
        ++i;
    return i > subtypeStart;
}

// The media type and charset a leaf part is read with.
struct LeafType {
    QString mimeType;   // lower case "type/subtype"
    QByteArray charset; // as declared; empty when none
};

class Walker {
public:
    Walker(const ParseContext &context, ParsedMessage *out)
        : m_context(context)
        , m_out(out) {}

    void walk(GMimeObject *object, const QString &partId, int depth) {
        if (!object)
            return;
        if (depth > kMaxDepth) {
            addWarning(&m_out->warnings, QStringLiteral("MIME nesting too deep; inner parts skipped"));
            return;
        }
        if (GMIME_IS_MULTIPART(object)) {
            GMimeMultipart *multipart = GMIME_MULTIPART(object);
            const int n = g_mime_multipart_get_count(multipart);
            if (n == 0)
                addWarning(&m_out->warnings, QStringLiteral("multipart without parts"));
            for (int i = 0; i < n; ++i)
                walk(g_mime_multipart_get_part(multipart, i), childId(partId, i), depth + 1);
        } else if (GMIME_IS_MESSAGE_PART(object)) {
            addAttachedMessage(GMIME_MESSAGE_PART(object), partId);
        } else if (GMIME_IS_PART(object)) {
            addLeaf(GMIME_PART(object), partId);
        }
    }

private:
    // Gmail's partId numbering (users.messages payload): children of the root are "0", "1", …;
    // their children "1.0", "1.1", …
    static QString childId(const QString &parent, int index) {
        return parent.isEmpty() ? QString::number(index) : parent + QLatin1Char('.') + QString::number(index);
    }

    QString mimeType(GMimeObject *object) const {
        GMimeContentType *type = g_mime_object_get_content_type(object);
        if (!type)
            return QStringLiteral("application/octet-stream");
        return (clean(g_mime_content_type_get_media_type(type)) + QLatin1Char('/') +
                clean(g_mime_content_type_get_media_subtype(type)))
            .toLower();
    }

    // RFC 2045 §5.2: a missing Content-Type means text/plain; charset=us-ascii (GMime applies that, and
    // message/rfc822 inside multipart/digest, RFC 2046 §5.1.5); "It is also recommend[ed] that this
    // default be assumed when a syntactically invalid Content-Type header field is encountered", which
    // GMime reads as application/octet-stream instead. A charset parameter that can still be read from
    // the broken value is kept (robustness: "text; charset=utf-8" means UTF-8), else us-ascii, which
    // CharsetDecoder reads as UTF-8 or windows-1252 when 8-bit bytes show up anyway.
    LeafType leafType(GMimeObject *object) const {
        LeafType t{mimeType(object), g_mime_object_get_content_type_parameter(object, "charset")};
        // What GMime makes of a value it cannot read (or of "/plain"); anything else it read is trusted.
        const bool unreadable = t.mimeType == u"application/octet-stream" ||
                                t.mimeType.startsWith(QLatin1Char('/')) ||
                                t.mimeType.endsWith(QLatin1Char('/'));
        GMimeHeaderList *headers = g_mime_object_get_header_list(object);
        GMimeHeader *header = headers ? g_mime_header_list_get_header(headers, "Content-Type") : nullptr;
        const char *rawValue = header ? g_mime_header_get_raw_value(header) : nullptr;
        if (!unreadable || !rawValue || hasValidMediaType(QByteArrayView(rawValue)))
            return t;
        t.mimeType = QStringLiteral("text/plain");
        t.charset = "us-ascii";
        const QByteArrayView value(rawValue);
        if (const qsizetype semicolon = value.indexOf(';'); semicolon >= 0) {
            const QByteArray repaired = "text/plain" + value.sliced(semicolon).toByteArray();
            GPtr<GMimeContentType> parsed(g_mime_content_type_parse(nullptr, repaired.constData()));
            const char *charset =
                parsed ? g_mime_content_type_get_parameter(parsed.get(), "charset") : nullptr;
            if (charset && *charset)
                t.charset = charset;
        }
        addWarning(&m_out->warnings, QStringLiteral("invalid Content-Type; read as text/plain"));
        return t;
    }

    // Inline text parts follow one another separated by a blank line, as mail clients show them. A
    // part usually ends in a line break already (RFC 2046 §5.1.1 gives the last CRLF to the boundary,
    // so a part that ended in a blank line ends in one CRLF): only what is missing is added.
    static void appendBody(QString *body, const QString &text) {
        if (text.isEmpty())
            return;
        if (!body->isEmpty()) {
            if (!body->endsWith(QLatin1Char('\n')))
                *body += QStringLiteral("\n\n");
            else if (!body->endsWith(QStringLiteral("\n\n")))
                *body += QLatin1Char('\n');
        }
        *body += text;
    }

    QString attachmentIdFor(const QString &partId) const {
        return m_context.attachmentIds.value(partId, partId);
    }

    void addAttachedMessage(GMimeMessagePart *part, const QString &partId) {
        GMimeObject *object = GMIME_OBJECT(part);
        ParsedAttachment a;
        a.mimeType = mimeType(object);
        a.filename = clean(g_mime_object_get_content_disposition_parameter(object, "filename"));
        if (a.filename.isEmpty())
            a.filename = clean(g_mime_object_get_content_type_parameter(object, "name"));
        GMimeMessage *inner = g_mime_message_part_get_message(part);
        if (inner) {
            if (a.filename.isEmpty()) {
                const QString subject = clean(g_mime_message_get_subject(inner));
                a.filename =
                    (subject.isEmpty() ? QStringLiteral("message") : subject) + QStringLiteral(".eml");
            }
            // Size in the canonical CRLF form (RFC 5322 §2.1), as it travelled inside the outer message.
            std::unique_ptr<GMimeFormatOptions, decltype(&g_mime_format_options_free)> format(
                g_mime_format_options_new(), &g_mime_format_options_free);
            g_mime_format_options_set_newline_format(format.get(), GMIME_NEWLINE_FORMAT_DOS);
            GPtr<GMimeStream> counter(g_mime_stream_null_new());
            g_mime_object_write_to_stream(GMIME_OBJECT(inner), format.get(), counter.get());
            a.size = static_cast<qint64>(GMIME_STREAM_NULL(counter.get())->written);
        }
        a.attachmentId = attachmentIdFor(partId);
        m_out->attachments.append(a);
    }

    void addLeaf(GMimePart *part, const QString &partId) {
        GMimeObject *object = GMIME_OBJECT(part);
        const LeafType type = leafType(object);
        bool cut = false;
        const QString filename = cleanCapped(g_mime_part_get_filename(part), MessageParser::MaxPartNameBytes,
                                             &cut); // RFC 2231/2047
        if (cut)
            addWarning(&m_out->warnings, QStringLiteral("part file name longer than %1 bytes; cut")
                                             .arg(MessageParser::MaxPartNameBytes));
        // RFC 2183 §2.8: an unrecognised disposition type is read as "attachment"; none (or an empty
        // one) and "inline" (any case, §2) mean the part is shown in the message.
        const char *disposition = g_mime_object_get_disposition(object);
        const bool isAttachment =
            disposition && *disposition && g_ascii_strcasecmp(disposition, "inline") != 0;
        // RFC 2183 §2.3: a filename parameter is only a suggested name for storing the part; it does not
        // make an inline text part an attachment. Gmail shows such parts as message text.
        const bool isBody =
            !isAttachment && (type.mimeType == u"text/plain" || type.mimeType == u"text/html");

        if (hasInvalidBase64(part))
            addWarning(&m_out->warnings,
                       QStringLiteral("invalid base64 in part %1; decoded what could be read").arg(partId));

        if (isBody) {
            const QByteArray bytes = GMimeRuntime::decodedContent(part);
            // Bodies are stored with LF line ends (format=raw has CRLF on the wire, RFC 5322 §2.1).
            QString text = CharsetDecoder::decode(bytes, type.charset, &m_out->warnings);
            text.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
            appendBody(type.mimeType == u"text/html" ? &m_out->bodyHtml : &m_out->bodyText, text);
            return;
        }
        ParsedAttachment a;
        a.filename = filename;
        a.mimeType = type.mimeType;
        a.size = decodedSize(part);
        a.attachmentId = attachmentIdFor(partId);
        a.contentId =
            cleanCapped(g_mime_object_get_content_id(object), MessageParser::MaxPartNameBytes, &cut);
        a.inlinePart = !isAttachment;
        m_out->attachments.append(a);
    }

    const ParseContext &m_context;
    ParsedMessage *m_out;
};

// The raw (folded, undecoded) value of a header with adjacent encoded words joined; empty when the
// header is absent or needed no joining, so GMime's own decoded value can be used.
QByteArray mergedRawHeader(GMimeObject *object, const char *name) {
    GMimeHeaderList *headers = g_mime_object_get_header_list(object);
    GMimeHeader *header = headers ? g_mime_header_list_get_header(headers, name) : nullptr;
    const char *rawValue = header ? g_mime_header_get_raw_value(header) : nullptr;
    if (!rawValue)
        return {};
    const QByteArray raw(rawValue);
    const QByteArray merged = EncodedWords::mergeAdjacent(raw);
    if (merged == raw)
        return {};
    char *unfolded = g_mime_utils_header_unfold(merged.constData());
    const QByteArray result(unfolded);
    g_free(unfolded);
    return result;
}

QString decodedSubject(GMimeMessage *message, GMimeParserOptions *options, QStringList *warnings) {
    bool cut = false;
    QString s;
    const QByteArray merged = mergedRawHeader(GMIME_OBJECT(message), "Subject");
    if (merged.isEmpty()) {
        s = cleanCapped(g_mime_message_get_subject(message), MessageParser::MaxSubjectBytes, &cut);
    } else {
        char *text = g_mime_utils_header_decode_text(options, merged.constData());
        s = cleanCapped(text, MessageParser::MaxSubjectBytes, &cut);
        g_free(text);
    }
    if (cut)
        addWarning(warnings,
                   QStringLiteral("subject longer than %1 bytes; cut").arg(MessageParser::MaxSubjectBytes));
    return s;
}

// Addresses of one header; reparsed from the joined raw value only when words had to be joined.
void headerAddresses(GMimeMessage *message, GMimeParserOptions *options, GMimeAddressType type,
                     const char *name, QStringList *out, QList<InternetAddress *> *mailboxes,
                     std::vector<GPtr<InternetAddressList>> *keep) {
    const QByteArray merged = mergedRawHeader(GMIME_OBJECT(message), name);
    if (merged.isEmpty()) {
        collectAddresses(g_mime_message_get_addresses(message, type), out, mailboxes);
        return;
    }
    keep->emplace_back(internet_address_list_parse(options, merged.constData()));
    collectAddresses(keep->back().get(), out, mailboxes);
}

QDateTime toQDateTime(GDateTime *dt) {
    const qint64 secs = g_date_time_to_unix(dt);
    const int offsetSecs = static_cast<int>(g_date_time_get_utc_offset(dt) / G_TIME_SPAN_SECOND);
    return QDateTime::fromSecsSinceEpoch(secs, Qt::OffsetFromUTC, offsetSecs);
}

} // namespace

namespace {

// Looks over the top-level header block once: keeps the converters of the charsets named by encoded
// words open on this thread (see CharsetDecoder::keepConverterOpen), and when the block holds raw 8-bit
// bytes returns the charset the message declares (empty otherwise: no fallback hint needed).
QByteArray prepareHeaderCharsets(const QByteArray &raw) {
    qsizetype end = raw.indexOf("\n\r\n");
    if (end < 0)
        end = raw.indexOf("\n\n");
    const QByteArrayView head = QByteArrayView(raw).first(end < 0 ? raw.size() : end);
    bool eightBit = false;
    for (qsizetype i = 0; i < head.size(); ++i) {
        const char c = head[i];
        if (c & 0x80) {
            eightBit = true;
        } else if (c == '=' && i + 1 < head.size() && head[i + 1] == '?') {
            qsizetype stop = i + 2;
            while (stop < head.size() && stop - i < 48 && head[stop] != '?' && head[stop] != '*' &&
                   !std::isspace(static_cast<unsigned char>(head[stop])))
                ++stop;
            if (stop < head.size() && (head[stop] == '?' || head[stop] == '*'))
                CharsetDecoder::keepConverterOpen(head.sliced(i + 2, stop - i - 2).toByteArray());
            i = stop;
        }
    }
    return eightBit ? CharsetDecoder::declaredCharsetHint(raw) : QByteArray();
}

} // namespace

namespace {

// Where the top-level header block ends (the empty line, RFC 5322 §2.1), looked for only in the first
// `limit` bytes; -1 when it is not there.
qsizetype headerBlockEnd(const QByteArray &raw, qsizetype limit) {
    const QByteArrayView head = QByteArrayView(raw).first(qMin(raw.size(), limit));
    const qsizetype crlf = head.indexOf("\n\r\n");
    const qsizetype lf = head.indexOf("\n\n");
    if (crlf < 0 || lf < 0)
        return qMax(crlf, lf);
    return qMin(crlf, lf);
}

} // namespace

namespace {

using ParserOptions = std::unique_ptr<GMimeParserOptions, decltype(&g_mime_parser_options_free)>;

// Bounds, checked before anything is copied or handed to GMime: why the message cannot be stored, or
// an empty string.
QString boundsError(const QByteArray &raw) {
    if (raw.isEmpty())
        return QStringLiteral("message is empty (0 bytes): nothing to store");
    if (raw.size() > MessageParser::MaxMessageBytes)
        return QStringLiteral("message is %1 MiB, over the parser's limit of %2 MiB")
            .arg(raw.size() / (1024 * 1024))
            .arg(MessageParser::MaxMessageBytes / (1024 * 1024));
    const bool emptyHeaderBlock = raw.startsWith('\n') || raw.startsWith("\r\n");
    if (raw.size() > MessageParser::MaxHeaderBlockBytes && !emptyHeaderBlock &&
        headerBlockEnd(raw, MessageParser::MaxHeaderBlockBytes + 3) < 0)
        return QStringLiteral("message header block is over the parser's limit of %1 KiB")
            .arg(MessageParser::MaxHeaderBlockBytes / 1024);
    return {};
}

// What Gmail knows when the message itself tells nothing: internalDate as the date, IMPORTANT.
void applyGmailFallbacks(ParsedMessage *out, const ParseContext &context) {
    out->sentAt = context.internalDate;
    if (context.labelIds.contains(QStringLiteral("IMPORTANT")))
        out->priority = Priority::High;
}

// Own options per call: GMime's defaults are process-global, ours must not leak across threads.
// hint (prepareHeaderCharsets) must outlive the options.
ParserOptions parserOptions(const QByteArray &hint, QStringList *warnings) {
    ParserOptions options(g_mime_parser_options_new(), &g_mime_parser_options_free);
    g_mime_parser_options_set_rfc2047_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_parameter_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_address_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_allow_addresses_without_domain(options.get(), TRUE);
    // Raw 8-bit header text: UTF-8 when it is valid UTF-8, else the charset the message declares for its
    // body (legacy clients write headers in it), else windows-1252.
    const char *withHint[] = {"UTF-8", hint.constData(), "windows-1252", nullptr};
    const char *withoutHint[] = {"UTF-8", "windows-1252", nullptr};
    g_mime_parser_options_set_fallback_charsets(options.get(), hint.isEmpty() ? withoutHint : withHint);
    g_mime_parser_options_set_warning_callback(options.get(), &onParserWarning, warnings);
    return options;
}

// From, To, Cc, Bcc and Reply-To.
void readAddresses(GMimeMessage *message, GMimeParserOptions *options, ParsedMessage *out) {
    std::vector<GPtr<InternetAddressList>> reparsed; // owns lists the InternetAddress pointers point into
    const auto addresses = [&](GMimeAddressType type, const char *name, QStringList *list,
                               QList<InternetAddress *> *mailboxes = nullptr) {
        headerAddresses(message, options, type, name, list, mailboxes, &reparsed);
    };
    QStringList from;
    QList<InternetAddress *> fromMailboxes;
    addresses(GMIME_ADDRESS_TYPE_FROM, "From", &from, &fromMailboxes);
    if (!fromMailboxes.isEmpty()) {
        out->fromName = clean(internet_address_get_name(fromMailboxes.first()));
        out->fromAddress =
            clean(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(fromMailboxes.first())));
    } else if (g_mime_object_get_header(GMIME_OBJECT(message), "From")) {
        addWarning(&out->warnings, QStringLiteral("unreadable From header"));
    }
    addresses(GMIME_ADDRESS_TYPE_TO, "To", &out->to);
    addresses(GMIME_ADDRESS_TYPE_CC, "Cc", &out->cc);
    addresses(GMIME_ADDRESS_TYPE_BCC, "Bcc", &out->bcc);
    QStringList replyTo;
    addresses(GMIME_ADDRESS_TYPE_REPLY_TO, "Reply-To", &replyTo);
    out->replyTo = replyTo.join(QStringLiteral(", "));
}

// Message-ID, In-Reply-To and References (the thread view's links).
void readMessageIds(GMimeMessage *message, GMimeParserOptions *options, ParsedMessage *out) {
    GMimeObject *root = GMIME_OBJECT(message);
    const QString messageId = clean(g_mime_message_get_message_id(message));
    if (!messageId.isEmpty())
        out->messageIdHeader = QLatin1Char('<') + messageId + QLatin1Char('>');
    out->inReplyTo = msgIdList(options, g_mime_object_get_header(root, "In-Reply-To"));
    out->references = msgIdList(options, g_mime_object_get_header(root, "References"));
}

void readDate(GMimeMessage *message, const ParseContext &context, ParsedMessage *out) {
    if (GDateTime *date = g_mime_message_get_date(message)) {
        out->sentAt = toQDateTime(date);
        return;
    }
    addWarning(&out->warnings, g_mime_object_get_header(GMIME_OBJECT(message), "Date")
                                   ? QStringLiteral("unreadable Date header; internalDate used")
                                   : QStringLiteral("no Date header; internalDate used"));
    out->sentAt = context.internalDate;
}

} // namespace

MessageParser::MessageParser() {
    GMimeRuntime::ensure();
}

ParsedMessage MessageParser::parse(const QByteArray &raw, const ParseContext &context) const {
    ParsedMessage out;
    if (const QString error = boundsError(raw); !error.isEmpty()) {
        out.fatalError = error;
        out.warnings.append(error); // also on the row, should a caller store it anyway
        applyGmailFallbacks(&out, context);
        return out;
    }
    const QByteArray hint = prepareHeaderCharsets(raw);
    const ParserOptions options = parserOptions(hint, &out.warnings);

    QByteArray bytes = raw; // shared, not copied, unless NUL bytes have to go
    if (raw.contains('\0')) {
        addWarning(&out.warnings, QStringLiteral("NUL bytes removed"));
        bytes.replace('\0', QByteArray()); // PostgreSQL text cannot hold NUL; GMime would stop at them
    }
    GPtr<GMimeStream> stream(
        g_mime_stream_mem_new_with_buffer(bytes.constData(), static_cast<gsize>(bytes.size())));
    GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
    g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
    GPtr<GMimeMessage> message(g_mime_parser_construct_message(parser.get(), options.get()));
    if (!message) {
        addWarning(&out.warnings, QStringLiteral("not a MIME message; nothing could be read"));
        applyGmailFallbacks(&out, context);
        return out;
    }
    out.subject = decodedSubject(message.get(), options.get(), &out.warnings);
    readAddresses(message.get(), options.get(), &out);
    readMessageIds(message.get(), options.get(), &out);
    readDate(message.get(), context, &out);

    Walker walker(context, &out);
    walker.walk(g_mime_message_get_mime_part(message.get()), QString(), 0);

    out.priority = context.labelIds.contains(QStringLiteral("IMPORTANT"))
                       ? Priority::High
                       : headerPriority(GMIME_OBJECT(message.get()));
    return out;
}

} // namespace gmail
