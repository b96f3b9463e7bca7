#include "push/HttpListener.h"

#include "log/LogEvent.h"
#include "push/HttpConnection.h"

#include <QDateTime>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <cmath>

namespace push {

QByteArray HttpListener::Request::header(const QByteArray &name) const {
    for (const auto &[key, value] : headers)
        if (key == name)
            return value;
    return {};
}

void HttpListener::Responder::send(const Response &response) const {
    if (m_connection)
        m_connection->respond(m_serial, response);
}

HttpListener::HttpListener(QString postPath, Limits limits, Handler handler, QObject *parent)
    : QObject(parent)
    , m_postPath(std::move(postPath))
    , m_limits(limits)
    , m_handler(std::move(handler)) {}

HttpListener::~HttpListener() {
    // Connections are children; each decrements m_connections as it goes.
    qDeleteAll(findChildren<HttpConnection *>(Qt::FindDirectChildrenOnly));
}

bool HttpListener::listen(const QHostAddress &host, quint16 port) {
    delete m_server;
    m_server = new QTcpServer(this);
    if (!m_server->listen(host, port)) {
        m_error = QStringLiteral("cannot listen on %1:%2: %3")
                      .arg(host.toString())
                      .arg(port)
                      .arg(m_server->errorString());
        delete m_server;
        m_server = nullptr;
        return false;
    }
    connect(m_server, &QTcpServer::newConnection, this, &HttpListener::onNewConnection);
    return true;
}

quint16 HttpListener::port() const {
    return m_server ? m_server->serverPort() : 0;
}

void HttpListener::onNewConnection() {
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        if (m_connections >= m_limits.maxConnections) {
            // Over the cap: a short 503 and close, without reading anything (RFC 9110 §15.6.4).
            logging::LogEvent(logging::Level::Warning, "push endpoint connection cap reached")
                .count("connections", m_connections)
                .write();
            socket->setParent(this);
            socket->setReadBufferSize(1);
            socket->write("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\n"
                          "Connection: close\r\n\r\n");
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            socket->disconnectFromHost();
            if (socket->state() != QAbstractSocket::UnconnectedState)
                QTimer::singleShot(1000, socket, [socket] { socket->abort(); });
            continue;
        }
        ++m_connections;
        new HttpConnection(this, socket);
    }
}

bool HttpListener::takeToken(const QHostAddress &peer, int *retryAfterSeconds) {
    // One bucket per IPv4 address, per /64 for IPv6 (one host usually has a whole /64).
    Q_IPV6ADDR address = peer.toIPv6Address();
    bool ok = false;
    peer.toIPv4Address(&ok);
    if (!ok)
        for (int i = 8; i < 16; ++i)
            address[i] = 0;
    const QByteArray key(reinterpret_cast<const char *>(&address), sizeof(address));

    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const auto refill = [this, now](Bucket &bucket) {
        bucket.tokens = qMin(m_limits.requestBurst, bucket.tokens + double(now - bucket.updatedMs) / 1000.0 *
                                                                        m_limits.requestsPerSecond);
        bucket.updatedMs = now;
    };
    if (m_buckets.size() > 10000) { // a spray of addresses: forget those back at a full bucket
        for (auto it = m_buckets.begin(); it != m_buckets.end();) {
            refill(*it);
            it = it->tokens >= m_limits.requestBurst ? m_buckets.erase(it) : std::next(it);
        }
    }
    auto it = m_buckets.find(key);
    if (it == m_buckets.end())
        it = m_buckets.insert(key, Bucket{m_limits.requestBurst, now});
    refill(*it);
    if (it->tokens >= 1.0) {
        it->tokens -= 1.0;
        return true;
    }
    *retryAfterSeconds = qMax(1, int(std::ceil((1.0 - it->tokens) / m_limits.requestsPerSecond)));
    return false;
}

QByteArray HttpListener::reasonPhrase(int status) {
    switch (status) { // RFC 9110 §15, RFC 6585
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 204:
        return "No Content";
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
    case 408:
        return "Request Timeout";
    case 411:
        return "Length Required";
    case 413:
        return "Content Too Large";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Status";
    }
}

} // namespace push
