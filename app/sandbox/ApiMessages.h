#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

namespace sandbox {

// One HTTP request as the sandbox's handlers see it, whether it came from the socket or from a part of
// a batch request. A plain copy, so a handler may answer later (latency faults) without the socket's
// request object, which QtHttpServer reuses for the connection's next request.
struct ApiRequest {
    QByteArray method; // "GET", "POST", …
    QString path;      // percent-decoded
    QUrlQuery query;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QHostAddress remoteAddress;

    QByteArray header(QByteArrayView name) const {
        for (const auto &h : headers) {
            if (QByteArrayView(h.first).compare(name, Qt::CaseInsensitive) == 0)
                return h.second;
        }
        return {};
    }
    void setHeader(const QByteArray &name, const QByteArray &value) {
        for (auto &h : headers) {
            if (QByteArrayView(h.first).compare(name, Qt::CaseInsensitive) == 0) {
                h.second = value;
                return;
            }
        }
        headers.append({name, value});
    }
};

// One HTTP answer before it is written to the socket (or into a batch response part).
struct ApiResponse {
    int status = 200;
    QByteArray body;
    QByteArray contentType = QByteArrayLiteral("application/json; charset=UTF-8");
    QList<QPair<QByteArray, QByteArray>> headers;

    static ApiResponse json(const QJsonObject &object, int status = 200);
    static ApiResponse empty(int status = 204);
    void addHeader(const QByteArray &name, const QByteArray &value) { headers.append({name, value}); }
    // "HTTP/1.1 200 OK\r\n" + headers (Content-Type, Content-Length, extra) + "\r\n" + body.
    QByteArray serialize() const;
    QByteArray serializeHead() const;
    static QByteArray reasonPhrase(int status);
};

} // namespace sandbox
