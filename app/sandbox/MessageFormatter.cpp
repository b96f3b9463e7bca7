#include "MessageFormatter.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QStringDecoder>

#include <gmime/gmime.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <vector>

namespace sandbox {

namespace {

// GMime must be initialised once per process before any thread parses (g_mime_init is not re-entrant).
void ensureGMime() {
    static std::once_flag once;
    std::call_once(once, [] { g_mime_init(); });
}

struct GObjectDeleter {
    void operator()(gpointer object) const { g_object_unref(object); }
};
template<typename T>
using GPtr = std::unique_ptr<T, GObjectDeleter>;

struct GFreeDeleter {
    void operator()(gpointer p) const { g_free(p); }
};
using GString = std::unique_ptr<char, GFreeDeleter>;

GPtr<GMimeMessage> parse(const QByteArray &raw) {
    ensureGMime();
    GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.constData(), size_t(raw.size())));
    GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
    return GPtr<GMimeMessage>(g_mime_parser_construct_message(parser.get(), nullptr));
}

// Gmail encodes bytes fields (raw, body.data) as base64url with padding (RFC 4648 §5); recorded Gmail
// responses end body.data with "==" where the length calls for it.
QString base64Url(const QByteArray &bytes) {
    return QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding));
}

// Header values as Gmail shows them: raw (encoded-words kept), unfolded by deleting the CRLF of each
// fold (RFC 5322 §2.2.3), leading white space after the colon dropped.
QString unfold(const char *rawValue) {
    QByteArray value(rawValue ? rawValue : "");
    value.replace("\r\n", "").replace('\n', "").replace('\r', "");
    return QString::fromUtf8(value.trimmed());
}

QJsonArray headersOf(std::initializer_list<GMimeObject *> objects, const QStringList &only) {
    // GMime splits a message's header block between the message (RFC 5322 fields) and its top-level
    // part (Content-*); Gmail shows them as one list in the original order, which the offsets restore.
    std::vector<GMimeHeader *> all;
    for (GMimeObject *object : objects) {
        GMimeHeaderList *list = object ? g_mime_object_get_header_list(object) : nullptr;
        const int count = list ? g_mime_header_list_get_count(list) : 0;
        for (int i = 0; i < count; ++i)
            all.push_back(g_mime_header_list_get_header_at(list, i));
    }
    std::stable_sort(all.begin(), all.end(), [](GMimeHeader *a, GMimeHeader *b) {
        return g_mime_header_get_offset(a) < g_mime_header_get_offset(b);
    });
    QJsonArray headers;
    for (GMimeHeader *header : all) {
        const QString name = QString::fromUtf8(g_mime_header_get_name(header));
        if (!only.isEmpty() && !only.contains(name, Qt::CaseInsensitive))
            continue;
        headers.append(QJsonObject{{QStringLiteral("name"), name},
                                   {QStringLiteral("value"), unfold(g_mime_header_get_raw_value(header))}});
    }
    return headers;
}

// The header fields of the message's top-level block.
QJsonArray messageHeaders(GMimeMessage *message, const QStringList &only) {
    if (!message)
        return {};
    return headersOf({GMIME_OBJECT(message), g_mime_message_get_mime_part(message)}, only);
}

QString mimeTypeOf(GMimeObject *object) {
    GMimeContentType *type = g_mime_object_get_content_type(object);
    if (!type)
        return QStringLiteral("text/plain");
    GString name(g_mime_content_type_get_mime_type(type));
    return QString::fromUtf8(name.get()).toLower();
}

// The decoded bytes (transfer encoding undone, charset kept) of a leaf part.
QByteArray decodedContent(GMimeObject *object) {
    GPtr<GMimeStream> out(g_mime_stream_mem_new());
    if (GMIME_IS_PART(object)) {
        GMimeDataWrapper *content = g_mime_part_get_content(GMIME_PART(object));
        if (content)
            g_mime_data_wrapper_write_to_stream(content, out.get());
    } else if (GMIME_IS_MESSAGE_PART(object)) {
        GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object));
        if (inner)
            g_mime_object_write_to_stream(GMIME_OBJECT(inner), nullptr, out.get());
    }
    GByteArray *bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out.get()));
    if (!bytes || bytes->len == 0)
        return QByteArray(""); // empty but not null: the part exists
    return QByteArray(reinterpret_cast<const char *>(bytes->data), qsizetype(bytes->len));
}

// The quoted value of parameter `name` in a raw (unfolded) header value, or empty.
QByteArray quotedParameter(const QByteArray &value, const QByteArray &name) {
    qsizetype pos = 0;
    const QByteArray key = name + "=\"";
    while ((pos = value.indexOf(key, pos)) >= 0) {
        const bool atStart =
            pos == 0 || value.at(pos - 1) == ';' || value.at(pos - 1) == ' ' || value.at(pos - 1) == '\t';
        const qsizetype start = pos + name.size() + 2;
        const qsizetype end = value.indexOf('"', start);
        if (atStart && end > start)
            return value.mid(start, end - start);
        pos = start;
    }
    return {};
}

// RFC 2047 §6.2: each encoded-word is decoded on its own, white space between adjacent ones dropped,
// and the bytes of adjacent same-charset words joined before conversion (a character may be split).
// GMime 3.2 instead joins the base64 text of adjacent words, which truncates at the first word that
// ends in "=" padding; mailers such as Python's email package split long values exactly like that.
QString decodeEncodedWords(const QByteArray &text) {
    static const QRegularExpression word(
        QStringLiteral("=\\?([^?*]+)(?:\\*[^?]*)?\\?([BbQq])\\?([^?]*)\\?="));
    const QString input = QString::fromLatin1(text);
    QString out;
    QByteArray pending;
    QString pendingCharset;
    const auto flush = [&] {
        if (pending.isEmpty())
            return;
        QStringDecoder decoder(pendingCharset.toLatin1().constData());
        out += decoder.isValid() ? decoder.decode(pending) : QString::fromLatin1(pending);
        pending.clear();
    };
    qsizetype last = 0;
    auto it = word.globalMatch(input);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        const QStringView between = QStringView(input).mid(last, m.capturedStart() - last);
        if (last == 0 || !between.trimmed().isEmpty()) {
            flush();
            out += QString::fromUtf8(text.mid(last, m.capturedStart() - last));
        }
        const QString charset = m.captured(1).toLower();
        if (charset != pendingCharset)
            flush();
        pendingCharset = charset;
        const QByteArray payload = m.captured(3).toLatin1();
        if (m.captured(2).compare(u"B", Qt::CaseInsensitive) == 0) {
            pending += QByteArray::fromBase64(payload);
        } else {
            QByteArray q = payload;
            q.replace('_', ' ');
            pending += QByteArray::fromPercentEncoding(q, '=');
        }
        last = m.capturedEnd();
    }
    flush();
    out += QString::fromUtf8(text.mid(last));
    return out;
}

QString filenameOf(GMimeObject *object) {
    if (!GMIME_IS_PART(object))
        return {};
    const QString filename = QString::fromUtf8(g_mime_part_get_filename(GMIME_PART(object)));
    // Mailers often put several encoded-words inside a quoted filename (RFC 2047 §5 forbids it; every
    // mail client shows the whole name): decode those ourselves.
    GMimeHeaderList *list = g_mime_object_get_header_list(object);
    const std::pair<const char *, QByteArray> sources[] = {{"Content-Disposition", "filename"},
                                                           {"Content-Type", "name"}};
    for (const auto &[header, parameter] : sources) {
        GMimeHeader *h = list ? g_mime_header_list_get_header(list, header) : nullptr;
        const char *raw = h ? g_mime_header_get_raw_value(h) : nullptr;
        if (!raw)
            continue;
        QByteArray value(raw);
        value.replace("\r\n", "").replace('\n', "");
        const QByteArray quoted = quotedParameter(value, parameter);
        if (quoted.count("=?") >= 2)
            return decodeEncodedWords(quoted);
    }
    return filename;
}

// Gmail hands out attachment bodies by id (users.messages.attachments.get). Ours name the message and
// the part so attachmentData() can find the part again without any server-side state.
const QString attachmentPrefix = QStringLiteral("ANGjdJ");

QString attachmentIdFor(const QString &messageId, const QString &partId) {
    const QByteArray key = (messageId + u'/' + partId).toUtf8();
    return attachmentPrefix +
           QString::fromLatin1(key.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

// Gmail serves named parts and non-text bodies (images, attached messages, octet streams) through
// messages.attachments.get; text bodies come inline in body.data.
bool isAttachment(GMimeObject *object, const QString &filename) {
    if (!filename.isEmpty() || GMIME_IS_MESSAGE_PART(object))
        return true;
    return !mimeTypeOf(object).startsWith(u"text/");
}

QJsonObject partJson(const StoredMessage &m, GMimeObject *object, const QString &partId,
                     const QJsonArray &headers) {
    QJsonObject part;
    part.insert(QStringLiteral("partId"), partId);
    part.insert(QStringLiteral("mimeType"), mimeTypeOf(object));
    const QString filename = filenameOf(object);
    part.insert(QStringLiteral("filename"), filename);
    part.insert(QStringLiteral("headers"), headers);

    if (GMIME_IS_MULTIPART(object)) {
        GMimeMultipart *multipart = GMIME_MULTIPART(object);
        QJsonArray parts;
        const int count = g_mime_multipart_get_count(multipart);
        for (int i = 0; i < count; ++i) {
            GMimeObject *child = g_mime_multipart_get_part(multipart, i);
            const QString childId =
                partId.isEmpty() ? QString::number(i) : partId + u'.' + QString::number(i);
            parts.append(partJson(m, child, childId, headersOf({child}, {})));
        }
        part.insert(QStringLiteral("body"), QJsonObject{{QStringLiteral("size"), 0}});
        part.insert(QStringLiteral("parts"), parts);
        return part;
    }

    const QByteArray content = decodedContent(object);
    QJsonObject body;
    if (isAttachment(object, filename)) {
        body.insert(QStringLiteral("attachmentId"), attachmentIdFor(m.id, partId));
        body.insert(QStringLiteral("size"), int(content.size()));
    } else {
        body.insert(QStringLiteral("size"), int(content.size()));
        if (!content.isEmpty())
            body.insert(QStringLiteral("data"), base64Url(content));
    }
    part.insert(QStringLiteral("body"), body);
    return part;
}

GMimeObject *findPart(GMimeObject *object, const QString &partId, const QString &wanted) {
    if (partId == wanted)
        return object;
    if (!GMIME_IS_MULTIPART(object))
        return nullptr;
    GMimeMultipart *multipart = GMIME_MULTIPART(object);
    const int count = g_mime_multipart_get_count(multipart);
    for (int i = 0; i < count; ++i) {
        const QString childId = partId.isEmpty() ? QString::number(i) : partId + u'.' + QString::number(i);
        if (wanted == childId || wanted.startsWith(childId + u'.')) {
            return findPart(g_mime_multipart_get_part(multipart, i), childId, wanted);
        }
    }
    return nullptr;
}

// RFC 2045 §5.2: a syntactically invalid Content-Type ("text" without a subtype, garbage) means
// text/plain, as a missing one does; GMime reads it as application/octet-stream instead.
bool hasInvalidContentType(GMimeObject *object) {
    GMimeContentType *type = g_mime_object_get_content_type(object);
    const char *raw = g_mime_object_get_header(object, "Content-Type");
    if (!type || !raw)
        return false;
    if (!*g_mime_content_type_get_media_type(type) || !*g_mime_content_type_get_media_subtype(type))
        return true;
    return mimeTypeOf(object) == u"application/octet-stream" &&
           !QByteArray(raw).trimmed().toLower().startsWith("application/octet-stream");
}

// Message text as Gmail shows it (and puts in its snippet): a text part without a disposition or with
// "inline" (RFC 2183 §2.1; anything else reads as attachment, §2.8), whatever its file name (§2.3).
bool isBodyText(GMimeObject *object, const QString &type) {
    if (!GMIME_IS_TEXT_PART(object))
        return false;
    const char *disposition = g_mime_object_get_disposition(object);
    if (disposition && *disposition && g_ascii_strcasecmp(disposition, "inline") != 0)
        return false;
    return (hasInvalidContentType(object) ? QStringLiteral("text/plain") : mimeTypeOf(object)) == type;
}

// The body text parts of one type, depth first, in order (attached messages are not entered).
void collectText(GMimeObject *object, const QString &type, QList<GMimeObject *> *out) {
    if (GMIME_IS_MULTIPART(object)) {
        GMimeMultipart *multipart = GMIME_MULTIPART(object);
        const int count = g_mime_multipart_get_count(multipart);
        for (int i = 0; i < count; ++i)
            collectText(g_mime_multipart_get_part(multipart, i), type, out);
    } else if (isBodyText(object, type)) {
        out->append(object);
    }
}

// A text part's content converted to UTF-8 from its charset (via iconv). For a broken Content-Type the
// charset parameter, when one can still be read, is applied first ("text; charset=iso-8859-1").
QString textOf(GMimeObject *part) {
    const QByteArray raw = g_mime_object_get_header(part, "Content-Type");
    if (hasInvalidContentType(part) && raw.contains(';')) {
        const QByteArray repaired = "text/plain" + raw.mid(raw.indexOf(';'));
        GPtr<GMimeContentType> type(g_mime_content_type_parse(nullptr, repaired.constData()));
        const char *charset = type ? g_mime_content_type_get_parameter(type.get(), "charset") : nullptr;
        if (charset && *charset)
            g_mime_text_part_set_charset(GMIME_TEXT_PART(part), charset);
    }
    GString utf8(g_mime_text_part_get_text(GMIME_TEXT_PART(part)));
    return QString::fromUtf8(utf8.get());
}

QString decodeEntities(const QString &html) {
    static const QRegularExpression entity(QStringLiteral("&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);"));
    QString out;
    qsizetype last = 0;
    auto it = entity.globalMatch(html);
    while (it.hasNext()) {
        const auto match = it.next();
        out += QStringView(html).mid(last, match.capturedStart() - last);
        const QString name = match.captured(1);
        char32_t code = 0;
        if (name.startsWith(u"#x") || name.startsWith(u"#X"))
            code = name.mid(2).toUInt(nullptr, 16);
        else if (name.startsWith(u'#'))
            code = name.mid(1).toUInt();
        else if (name == u"amp")
            code = '&';
        else if (name == u"lt")
            code = '<';
        else if (name == u"gt")
            code = '>';
        else if (name == u"quot")
            code = '"';
        else if (name == u"apos")
            code = '\'';
        else if (name == u"nbsp")
            code = 0xA0;
        if (code > 0 && code < 0x110000)
            out += QString::fromUcs4(&code, 1);
        else
            out += match.captured(0);
        last = match.capturedEnd();
    }
    out += QStringView(html).mid(last);
    return out;
}

QString htmlToText(const QString &html) {
    static const QRegularExpression invisible(QStringLiteral("<(script|style|head)\\b[^>]*>.*?</\\1\\s*>"),
                                              QRegularExpression::CaseInsensitiveOption |
                                                  QRegularExpression::DotMatchesEverythingOption);
    static const QRegularExpression tag(QStringLiteral("<[^>]*>"));
    QString text = html;
    text.remove(invisible);
    text.replace(tag, QStringLiteral(" "));
    return decodeEntities(text);
}

QString escapeHtml(const QString &text) {
    QString out;
    out.reserve(text.size() + 16);
    for (const QChar c : text) {
        switch (c.unicode()) {
        case '&':
            out += u"&amp;";
            break;
        case '<':
            out += u"&lt;";
            break;
        case '>':
            out += u"&gt;";
            break;
        case '"':
            out += u"&quot;";
            break;
        case '\'':
            out += u"&#39;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

QString snippetOf(GMimeMessage *message) {
    GMimeObject *root = message ? g_mime_message_get_mime_part(message) : nullptr;
    if (!root)
        return {};
    // The text parts (all of them, in order: a short first part does not end the snippet); the HTML
    // ones only when there is no text/plain one.
    QList<GMimeObject *> parts;
    collectText(root, QStringLiteral("text/plain"), &parts);
    const bool html = parts.isEmpty();
    if (html)
        collectText(root, QStringLiteral("text/html"), &parts);
    if (parts.isEmpty())
        return {};
    QStringList texts;
    for (GMimeObject *part : parts)
        texts.append(html ? htmlToText(textOf(part)) : textOf(part));
    QString text = texts.join(u' ');
    text = text.simplified();
    text.replace(QChar(0xA0), u' ');
    // Gmail's snippets hold about 200 characters of text; the cut may fall mid-word.
    constexpr qsizetype snippetLength = 200;
    if (text.size() > snippetLength) {
        qsizetype cut = snippetLength;
        if (text.at(cut - 1).isHighSurrogate())
            --cut;
        text.truncate(cut);
        text = text.trimmed();
    }
    return escapeHtml(text);
}

} // namespace

std::optional<MessageFormat> MessageFormatter::parseFormat(const QString &name) {
    const QString lower = name.toLower();
    if (lower == u"minimal")
        return MessageFormat::Minimal;
    if (lower == u"metadata")
        return MessageFormat::Metadata;
    if (lower == u"full" || lower.isEmpty())
        return MessageFormat::Full; // users.messages.get: full is the default
    if (lower == u"raw")
        return MessageFormat::Raw;
    return std::nullopt;
}

QJsonObject MessageFormatter::toJson(const StoredMessage &m, MessageFormat f,
                                     const QStringList &metadataHeaders) {
    QJsonObject json;
    json.insert(QStringLiteral("id"), m.id);
    json.insert(QStringLiteral("threadId"), m.threadId);
    if (!m.labelIds.isEmpty()) // Google's JSON leaves out empty repeated fields
        json.insert(QStringLiteral("labelIds"), QJsonArray::fromStringList(m.labelIds));
    json.insert(QStringLiteral("historyId"), QString::number(m.historyId));
    json.insert(QStringLiteral("internalDate"), QString::number(m.internalDateMs));
    json.insert(QStringLiteral("sizeEstimate"), int(m.raw.size()));

    json.insert(QStringLiteral("snippet"), m.snippet.isNull() ? snippet(m) : m.snippet);
    if (f == MessageFormat::Minimal)
        return json;
    if (f == MessageFormat::Raw) { // no MIME parse on this path: it serves every sync's bulk fetch
        json.insert(QStringLiteral("raw"), base64Url(m.raw));
        return json;
    }

    const GPtr<GMimeMessage> message = parse(m.raw);
    switch (f) {
    case MessageFormat::Minimal:
    case MessageFormat::Raw:
        break;
    case MessageFormat::Metadata: {
        QJsonObject payload;
        payload.insert(QStringLiteral("partId"), QString());
        payload.insert(QStringLiteral("mimeType"),
                       message && g_mime_message_get_mime_part(message.get())
                           ? mimeTypeOf(g_mime_message_get_mime_part(message.get()))
                           : QStringLiteral("text/plain"));
        payload.insert(QStringLiteral("filename"), QString());
        payload.insert(QStringLiteral("headers"), messageHeaders(message.get(), metadataHeaders));
        json.insert(QStringLiteral("payload"), payload);
        break;
    }
    case MessageFormat::Full: {
        GMimeObject *root = message ? g_mime_message_get_mime_part(message.get()) : nullptr;
        if (root) {
            json.insert(QStringLiteral("payload"),
                        partJson(m, root, QString(), messageHeaders(message.get(), {})));
        } else {
            // Not parseable as MIME at all: one text/plain part holding the bytes, as a lenient reader would.
            QJsonObject body{{QStringLiteral("size"), int(m.raw.size())}};
            if (!m.raw.isEmpty())
                body.insert(QStringLiteral("data"), base64Url(m.raw));
            json.insert(QStringLiteral("payload"),
                        QJsonObject{{QStringLiteral("partId"), QString()},
                                    {QStringLiteral("mimeType"), QStringLiteral("text/plain")},
                                    {QStringLiteral("filename"), QString()},
                                    {QStringLiteral("headers"), messageHeaders(message.get(), {})},
                                    {QStringLiteral("body"), body}});
        }
        break;
    }
    }
    return json;
}

QByteArray MessageFormatter::attachmentData(const StoredMessage &m, const QString &attachmentId) {
    if (!attachmentId.startsWith(attachmentPrefix))
        return {};
    const QByteArray key = QByteArray::fromBase64(attachmentId.mid(attachmentPrefix.size()).toLatin1(),
                                                  QByteArray::Base64UrlEncoding);
    const qsizetype slash = key.indexOf('/');
    if (slash < 0 || QString::fromUtf8(key.left(slash)) != m.id)
        return {};
    const QString partId = QString::fromUtf8(key.mid(slash + 1));
    const GPtr<GMimeMessage> message = parse(m.raw);
    GMimeObject *root = message ? g_mime_message_get_mime_part(message.get()) : nullptr;
    GMimeObject *part = root ? findPart(root, QString(), partId) : nullptr;
    if (!part || GMIME_IS_MULTIPART(part))
        return {};
    return decodedContent(part);
}

QString MessageFormatter::snippet(const StoredMessage &m) {
    const GPtr<GMimeMessage> message = parse(m.raw);
    return snippetOf(message.get());
}

} // namespace sandbox
