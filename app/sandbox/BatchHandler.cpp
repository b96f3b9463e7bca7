#include "BatchHandler.h"

#include "GoogleError.h"

#include <QRandomGenerator>
#include <QUrl>

namespace sandbox {

namespace {

// Splits a header block ("Name: value" lines, CRLF or LF) into pairs; false on a line without colon.
bool parseHeaders(QByteArrayView block, QList<QPair<QByteArray, QByteArray>> *out) {
    while (!block.isEmpty()) {
        qsizetype eol = block.indexOf('\n');
        QByteArrayView line = eol < 0 ? block : block.first(eol);
        block = eol < 0 ? QByteArrayView() : block.sliced(eol + 1);
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty())
            continue;
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return false;
        out->append(
            {line.first(colon).trimmed().toByteArray(), line.sliced(colon + 1).trimmed().toByteArray()});
    }
    return true;
}

// Head and body of a MIME entity or HTTP message: split at the first empty line.
std::pair<QByteArrayView, QByteArrayView> splitHead(QByteArrayView entity) {
    const qsizetype crlf = entity.indexOf("\r\n\r\n");
    const qsizetype lf = entity.indexOf("\n\n");
    if (crlf >= 0 && (lf < 0 || crlf < lf))
        return {entity.first(crlf), entity.sliced(crlf + 4)};
    if (lf >= 0)
        return {entity.first(lf), entity.sliced(lf + 2)};
    return {entity, QByteArrayView()};
}

QByteArray responseContentId(const QByteArray &requestId) {
    if (requestId.startsWith('<') && requestId.endsWith('>'))
        return "<response-" + requestId.mid(1, requestId.size() - 2) + '>';
    return "response-" + requestId;
}

} // namespace

QByteArray BatchHandler::boundaryOf(const QByteArray &contentType) {
    const QList<QByteArray> params = contentType.split(';');
    if (params.isEmpty() || params.first().trimmed().toLower() != "multipart/mixed")
        return {};
    for (qsizetype i = 1; i < params.size(); ++i) {
        const QByteArray p = params[i].trimmed();
        if (p.size() > 9 && p.first(9).toLower() == "boundary=") {
            QByteArray value = p.mid(9);
            if (value.size() >= 2 && value.startsWith('"') && value.endsWith('"'))
                value = value.mid(1, value.size() - 2);
            return value;
        }
    }
    return {};
}

std::optional<QList<BatchHandler::Part>> BatchHandler::parse(const ApiRequest &outer, QString *error) {
    const QByteArray boundary = boundaryOf(outer.header("Content-Type"));
    if (boundary.isEmpty()) {
        *error = QStringLiteral("A batch request must be multipart/mixed with a boundary.");
        return std::nullopt;
    }
    // RFC 2046 §5.1.1: parts are separated by lines "--boundary"; "--boundary--" closes the body.
    const QByteArray delimiter = "--" + boundary;
    const QByteArrayView body(outer.body);
    QList<QByteArrayView> entities;
    qsizetype pos = body.indexOf(delimiter);
    if (pos < 0) {
        *error = QStringLiteral("The batch request holds no part.");
        return std::nullopt;
    }
    while (pos >= 0) {
        qsizetype after = pos + delimiter.size();
        if (body.sliced(after).startsWith("--"))
            break; // close delimiter
        const qsizetype eol = body.indexOf('\n', after);
        if (eol < 0)
            break;
        const qsizetype start = eol + 1;
        qsizetype next = body.indexOf(delimiter, start);
        // A delimiter only counts at the start of a line.
        while (next > 0 && body.at(next - 1) != '\n')
            next = body.indexOf(delimiter, next + 1);
        qsizetype end = next < 0 ? body.size() : next;
        // The line break before a delimiter belongs to the delimiter.
        if (end > start && body.at(end - 1) == '\n')
            --end;
        if (end > start && body.at(end - 1) == '\r')
            --end;
        entities.append(body.sliced(start, end - start));
        if (entities.size() > kMaxCalls) {
            *error = QStringLiteral("A batch request may hold at most %1 calls.").arg(kMaxCalls);
            return std::nullopt;
        }
        pos = next;
    }
    if (entities.isEmpty()) {
        *error = QStringLiteral("The batch request holds no part.");
        return std::nullopt;
    }

    QList<Part> parts;
    parts.reserve(entities.size());
    for (const QByteArrayView entity : entities) {
        const auto [mimeHead, http] = splitHead(entity);
        QList<QPair<QByteArray, QByteArray>> mimeHeaders;
        if (!parseHeaders(mimeHead, &mimeHeaders)) {
            *error = QStringLiteral("A batch part has a malformed header.");
            return std::nullopt;
        }
        Part part;
        for (const auto &h : mimeHeaders) {
            if (h.first.compare("Content-ID", Qt::CaseInsensitive) == 0)
                part.contentId = h.second;
        }
        // The embedded request: "GET /gmail/v1/users/me/messages/ID?format=raw [HTTP/1.1]", headers, body.
        const auto [httpHead, httpBody] = splitHead(http);
        qsizetype eol = httpHead.indexOf('\n');
        QByteArrayView requestLine = (eol < 0 ? httpHead : httpHead.first(eol)).trimmed();
        const QByteArrayView headerBlock = eol < 0 ? QByteArrayView() : httpHead.sliced(eol + 1);
        const QList<QByteArray> words = requestLine.toByteArray().split(' ');
        if (words.size() < 2 || !words[1].startsWith('/')) {
            *error = QStringLiteral("A batch part does not hold an HTTP request with a path.");
            return std::nullopt;
        }
        ApiRequest &r = part.request;
        r.method = words[0].toUpper();
        const QUrl url = QUrl::fromEncoded(words[1]);
        r.path = url.path(QUrl::FullyDecoded);
        QByteArray query = url.query(QUrl::FullyEncoded).toLatin1().replace('+', "%20");
        r.query = QUrlQuery(QString::fromLatin1(query));
        for (const auto &item : outer.query.queryItems(QUrl::FullyEncoded)) {
            if (!r.query.hasQueryItem(item.first))
                r.query.addQueryItem(item.first, item.second);
        }
        r.remoteAddress = outer.remoteAddress;
        for (const auto &h : outer.headers) {
            if (!h.first.startsWith("Content-") && !h.first.startsWith("content-") &&
                h.first.compare("Content-Length", Qt::CaseInsensitive) != 0)
                r.headers.append(h);
        }
        QList<QPair<QByteArray, QByteArray>> inner;
        if (!parseHeaders(headerBlock, &inner)) {
            *error = QStringLiteral("A batch part's request has a malformed header.");
            return std::nullopt;
        }
        for (const auto &h : inner)
            r.setHeader(h.first, h.second);
        r.body = httpBody.toByteArray();
        parts.append(std::move(part));
    }
    return parts;
}

ApiResponse BatchHandler::handle(const ApiRequest &outer,
                                 const std::function<ApiResponse(const ApiRequest &)> &call) {
    QString error;
    const std::optional<QList<Part>> parts = parse(outer, &error);
    if (!parts)
        return GoogleError::badRequest(error);

    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    QByteArray boundary = "batch_";
    for (int i = 0; i < 24; ++i)
        boundary += alphabet[QRandomGenerator::global()->bounded(62)];

    ApiResponse response;
    response.contentType = "multipart/mixed; boundary=" + boundary;
    QByteArray &out = response.body;
    for (const Part &part : *parts) {
        const ApiResponse answer = call(part.request);
        out += "--" + boundary + "\r\nContent-Type: application/http\r\n";
        if (!part.contentId.isEmpty())
            out += "Content-ID: " + responseContentId(part.contentId) + "\r\n";
        out += "\r\n";
        out += answer.serialize();
        out += "\r\n";
    }
    out += "--" + boundary + "--\r\n";
    return response;
}

} // namespace sandbox
