#include "ApiMessages.h"

#include <QJsonDocument>

namespace sandbox {

ApiResponse ApiResponse::json(const QJsonObject &object, int status) {
    ApiResponse r;
    r.status = status;
    r.body = QJsonDocument(object).toJson(QJsonDocument::Compact);
    return r;
}

ApiResponse ApiResponse::empty(int status) {
    ApiResponse r;
    r.status = status;
    r.contentType.clear();
    return r;
}

QByteArray ApiResponse::reasonPhrase(int status) {
    // RFC 9110 §15 reason phrases for the codes the sandbox sends.
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 204:
        return "No Content";
    case 302:
        return "Found";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 409:
        return "Conflict";
    case 413:
        return "Content Too Large";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return status < 400 ? "OK" : "Error";
    }
}

QByteArray ApiResponse::serializeHead() const {
    QByteArray out;
    out.reserve(256);
    out += "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    if (!contentType.isEmpty())
        out += "Content-Type: " + contentType + "\r\n";
    if (status != 204 && status != 304) // RFC 9110 §8.6: no Content-Length in a 204
        out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    for (const auto &h : headers)
        out += h.first + ": " + h.second + "\r\n";
    out += "\r\n";
    return out;
}

QByteArray ApiResponse::serialize() const {
    return serializeHead() + body;
}

} // namespace sandbox
