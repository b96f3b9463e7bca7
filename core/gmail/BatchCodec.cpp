#include "gmail/BatchCodec.h"

#include "gmail/GMimeRuntime.h"
#include "gmail/GObjectPtr.h"

#include <gmime/gmime.h>

#include <QRandomGenerator>
#include <QString>

#include <algorithm>
#include <memory>

namespace gmail {

namespace {

template<typename T>
using GPtr = GObjectPtr<T>;

// The embedded answer: "HTTP/1.1 200 OK", header lines, empty line, body.
bool parseHttpResponse(const QByteArray &http, BatchCodec::Response *out) {
    // The head is looked for only in the first MaxHeadBytes: a part without a sane head is unreadable,
    // and no unbounded header block is split into lines and copied.
    const QByteArrayView window = QByteArrayView(http).first(std::min(http.size(), BatchCodec::MaxHeadBytes));
    qsizetype headEnd = window.indexOf("\r\n\r\n");
    qsizetype bodyStart = headEnd + 4;
    // Bare-LF heads: look for "\n\n" only before the CRLF end (not through a large body).
    const qsizetype lfEnd = window.first(headEnd < 0 ? window.size() : headEnd).indexOf("\n\n");
    if (headEnd < 0 || lfEnd >= 0) {
        headEnd = lfEnd;
        bodyStart = lfEnd + 2;
    }
    if (headEnd < 0 && http.size() > BatchCodec::MaxHeadBytes)
        return false;
    const QByteArray head = headEnd < 0 ? http : http.left(headEnd);
    out->body = headEnd < 0 ? QByteArray() : http.mid(bodyStart);
    const QList<QByteArray> lines = head.split('\n');
    if (lines.isEmpty())
        return false;
    const QList<QByteArray> statusLine = lines.first().trimmed().split(' ');
    if (statusLine.size() < 2 || !statusLine.first().startsWith("HTTP/"))
        return false;
    bool ok = false;
    out->status = statusLine.at(1).toInt(&ok);
    if (!ok)
        return false;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            out->headers.insert(line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed());
    }
    return true;
}

QByteArray stripAngles(QByteArray id) {
    id = id.trimmed();
    if (id.startsWith('<') && id.endsWith('>'))
        id = id.mid(1, id.size() - 2);
    if (id.startsWith("response-"))
        id = id.mid(9);
    return id;
}

} // namespace

QByteArray BatchCodec::encode(const QList<Request> &requests, QByteArray *contentType) {
    const QByteArray boundary = "batch_" + QByteArray::number(QRandomGenerator::global()->generate64(), 36) +
                                QByteArray::number(QRandomGenerator::global()->generate64(), 36);
    *contentType = "multipart/mixed; boundary=" + boundary;
    QByteArray body;
    for (const Request &r : requests) {
        body += "--" + boundary + "\r\nContent-Type: application/http\r\nContent-ID: <" + r.contentId +
                ">\r\n\r\n";
        body += r.method + ' ' + r.path + "\r\n\r\n";
    }
    body += "--" + boundary + "--\r\n";
    return body;
}

std::optional<QList<BatchCodec::Response>> BatchCodec::decode(const QByteArray &contentType,
                                                              const QByteArray &body, QString *error,
                                                              qint64 maxPartBytes) {
    GMimeRuntime::ensure();
    if (!contentType.trimmed().toLower().startsWith("multipart/")) {
        *error = QStringLiteral("batch answer is not multipart");
        return std::nullopt;
    }
    // Hand GMime a MIME entity: the outer Content-Type header, then the body.
    const QByteArray entity = "Content-Type: " + contentType + "\r\n\r\n" + body;
    GPtr<GMimeStream> stream(
        g_mime_stream_mem_new_with_buffer(entity.constData(), static_cast<gsize>(entity.size())));
    GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
    GPtr<GMimeObject> root(g_mime_parser_construct_part(parser.get(), nullptr));
    if (!root || !GMIME_IS_MULTIPART(root.get())) {
        *error = QStringLiteral("batch answer is not a readable multipart body");
        return std::nullopt;
    }
    GMimeMultipart *multipart = GMIME_MULTIPART(root.get());
    QList<Response> responses;
    const int n = g_mime_multipart_get_count(multipart);
    for (int i = 0; i < n; ++i) {
        GMimeObject *part = g_mime_multipart_get_part(multipart, i);
        if (!GMIME_IS_PART(part))
            continue;
        Response r;
        r.contentId = stripAngles(g_mime_object_get_header(part, "Content-ID"));
        if (maxPartBytes > 0) {
            // The part's size as GMime holds it, before anything is copied out of it.
            GMimeDataWrapper *content = g_mime_part_get_content(GMIME_PART(part));
            GMimeStream *stream = content ? g_mime_data_wrapper_get_stream(content) : nullptr;
            const gint64 size = stream ? g_mime_stream_length(stream) : -1;
            if (size > maxPartBytes) {
                r.tooLarge = true;
                r.size = size;
                responses.append(r);
                continue;
            }
        }
        const QByteArray http = GMimeRuntime::decodedContent(GMIME_PART(part));
        if (maxPartBytes > 0 && http.size() > maxPartBytes) {
            r.tooLarge = true;
            r.size = http.size();
            responses.append(r);
            continue;
        }
        if (!parseHttpResponse(http, &r)) {
            r.status = 0; // unreadable part: the caller retries that id
            r.body.clear();
        }
        responses.append(r);
    }
    if (responses.isEmpty()) {
        *error = QStringLiteral("batch answer holds no parts");
        return std::nullopt;
    }
    return responses;
}

} // namespace gmail
