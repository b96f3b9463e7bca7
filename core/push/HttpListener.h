#pragma once

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>

#include <chrono>
#include <functional>
#include <utility>

class QTcpServer;
class QTcpSocket;

namespace push {

class HttpConnection;

// A small, strict HTTP/1.1 server for the push endpoint (RFC 9112), in place of QtHttpServer (which
// buffers whole requests of any size before routing). Limits are enforced while reading: the header block
// (431), Content-Length (413, answered from the headers before any body byte is read), no
// Transfer-Encoding (501), concurrent connections (503), requests per client address (token bucket, 429
// with Retry-After), time for one request's headers and body (408) and keep-alive idle time (close).
// Serves POST on one path (the handler may answer later, e.g. after a JWKS fetch) and GET /health.
// Lives on, and serves on, the thread that owns it; never blocks it.
class HttpListener final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpListener)

public:
    struct Limits {
        qsizetype maxHeaderBytes = 16 * 1024; // request line + header fields
        int maxHeaderFields = 64;
        qint64 maxBodyBytes = 64 * 1024; // a Pub/Sub push envelope of a Gmail notification is < 1 KiB
        int maxConnections = 64;
        double requestsPerSecond = 50;                   // per client address, sustained
        double requestBurst = 200;                       // per client address
        std::chrono::milliseconds requestTimeout{10000}; // first byte (or accept) to last body byte
        std::chrono::milliseconds keepAliveIdle{30000};  // between requests on one connection
    };
    struct Request {
        QByteArray method;
        QByteArray path;                                  // the request-target as sent (origin-form)
        QList<std::pair<QByteArray, QByteArray>> headers; // names lower-cased
        QByteArray body;
        QHostAddress peer;
        // The first value of a header (`name` lower case), empty when absent.
        QByteArray header(const QByteArray &name) const;
    };
    struct Response {
        int status = 200;
        QByteArray body;
        QByteArray contentType = QByteArrayLiteral("application/json");
        QList<std::pair<QByteArray, QByteArray>> headers;
    };

    // Answers one request, once; a no-op when the connection has gone (closed, timed out).
    class Responder final {
    public:
        void send(const Response &response) const;

    private:
        friend class HttpConnection;
        QPointer<HttpConnection> m_connection;
        quint64 m_serial = 0;
    };

    using Handler = std::function<void(const Request &request, const Responder &responder)>;

    HttpListener(QString postPath, Limits limits, Handler handler, QObject *parent = nullptr);
    ~HttpListener() override;

    Q_REQUIRED_RESULT bool listen(const QHostAddress &host, quint16 port);
    quint16 port() const;
    QString errorString() const { return m_error; }
    int connectionCount() const { return m_connections; }

    static QByteArray reasonPhrase(int status);

private:
    friend class HttpConnection;
    void onNewConnection();
    // Token bucket per address: false (and *retryAfterSeconds) when the address is over its rate.
    bool takeToken(const QHostAddress &peer, int *retryAfterSeconds);
    void connectionClosed() { --m_connections; }

    struct Bucket {
        double tokens = 0;
        qint64 updatedMs = 0;
    };

    QString m_postPath;
    Limits m_limits;
    Handler m_handler;
    QTcpServer *m_server = nullptr;
    int m_connections = 0;
    QHash<QByteArray, Bucket> m_buckets; // key: the address in network order
    QString m_error;
};

} // namespace push
