#include "push/HttpConnection.h"

#include <QDateTime>
#include <QLocale>
#include <QTcpSocket>

namespace push {

namespace {

// RFC 9110 §5.6.2: tchar.
bool isToken(QByteArrayView text) {
    if (text.isEmpty())
        return false;
    for (const char c : text) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
        if (!ok)
            return false;
    }
    return true;
}

bool hasConnectionOption(const QByteArray &value, QByteArrayView option) {
    for (const QByteArray &part : value.split(','))
        if (part.trimmed().compare(option, Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

} // namespace

HttpConnection::HttpConnection(HttpListener *listener, QTcpSocket *socket)
    : QObject(listener)
    , m_listener(listener)
    , m_socket(socket) {
    m_socket->setParent(this);
    // Bounded: while a request is handled nothing is read, and the kernel's window pushes back.
    m_socket->setReadBufferSize(qMax<qint64>(m_listener->m_limits.maxHeaderBytes, 16 * 1024));
    m_request.peer = m_socket->peerAddress();
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &HttpConnection::onTimeout);
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::process);
    connect(m_socket, &QTcpSocket::disconnected, this, &QObject::deleteLater);
    // The first request must arrive whole within the request timeout of the accept (no idle grace).
    m_inRequest = true;
    m_timer.start(m_listener->m_limits.requestTimeout);
}

HttpConnection::~HttpConnection() {
    m_listener->connectionClosed();
}

void HttpConnection::process() {
    const HttpListener::Limits &limits = m_listener->m_limits;
    if (m_state == State::Head) {
        const qsizetype room = limits.maxHeaderBytes - m_buffer.size();
        if (room > 0 && m_socket->bytesAvailable() > 0)
            m_buffer += m_socket->read(room);
        // RFC 9112 §2.2: empty lines before the request-line are ignored.
        while (m_buffer.startsWith("\r\n"))
            m_buffer.remove(0, 2);
        if (m_buffer.isEmpty())
            return;
        if (!m_inRequest) {
            m_inRequest = true;
            m_timer.start(limits.requestTimeout);
        }
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        if (end < 0 || end + 4 > limits.maxHeaderBytes) {
            if (m_buffer.size() >= limits.maxHeaderBytes)
                refuse(431); // RFC 6585 §5
            return;
        }
        const QByteArray head = m_buffer.left(end + 2);
        m_buffer.remove(0, end + 4);
        if (const int status = parseHead(head); status != 0) {
            refuse(status);
            return;
        }
        if (!checkRequest())
            return;
        m_state = State::Body;
    }
    if (m_state == State::Body) {
        const qint64 missing = m_contentLength - m_request.body.size();
        if (missing > 0 && !m_buffer.isEmpty()) {
            m_request.body += m_buffer.left(missing);
            m_buffer.remove(0, qMin<qint64>(missing, m_buffer.size()));
        }
        const qint64 stillMissing = m_contentLength - m_request.body.size();
        if (stillMissing > 0 && m_socket->bytesAvailable() > 0)
            m_request.body += m_socket->read(stillMissing);
        if (m_request.body.size() < m_contentLength)
            return;
        dispatch();
    }
}

namespace {

// RFC 9112 §2.2: lines end in CRLF; a bare CR or LF (or a NUL) is refused.
bool hasBadLineEnd(const QByteArray &head) {
    for (qsizetype i = 0; i < head.size(); ++i) {
        const char c = head.at(i);
        if (c == '\0' || (c == '\n' && (i == 0 || head.at(i - 1) != '\r')) ||
            (c == '\r' && (i + 1 == head.size() || head.at(i + 1) != '\n')))
            return true;
    }
    return false;
}

// RFC 9112 §6.3: a list of identical values may be taken as one; anything else is invalid.
bool readContentLength(const QByteArray &value, QByteArray *length, bool *hasLength) {
    for (const QByteArray &item : value.split(',')) {
        const QByteArray v = item.trimmed();
        if (v.isEmpty() || v.size() > 18 || (*hasLength && v != *length))
            return false;
        for (const char c : v)
            if (c < '0' || c > '9')
                return false;
        *length = v;
        *hasLength = true;
    }
    return true;
}

} // namespace

int HttpConnection::parseHead(const QByteArray &head) {
    m_request.method.clear();
    m_request.path.clear();
    m_request.headers.clear();
    m_request.body.clear();
    m_contentLength = 0;
    if (hasBadLineEnd(head))
        return 400;
    QList<QByteArray> lines = head.chopped(2).split('\n');
    for (QByteArray &line : lines)
        if (line.endsWith('\r'))
            line.chop(1);
    bool http11 = false;
    if (const int status = parseRequestLine(lines.first(), &http11))
        return status;
    if (const int status = parseFields(lines))
        return status;
    return checkFields(http11);
}

int HttpConnection::parseRequestLine(const QByteArray &line, bool *http11) {
    // RFC 9112 §3: request-line = method SP request-target SP HTTP-version.
    const QList<QByteArray> parts = line.split(' ');
    if (parts.size() != 3 || !isToken(parts[0]) || !parts[1].startsWith('/'))
        return 400;
    if (parts[2] != "HTTP/1.1" && parts[2] != "HTTP/1.0")
        return parts[2].startsWith("HTTP/") ? 505 : 400;
    *http11 = parts[2] == "HTTP/1.1";
    m_request.method = parts[0];
    m_request.path = parts[1];
    m_keepAlive = *http11; // HTTP/1.0: one request per connection
    return 0;
}

int HttpConnection::parseFields(const QList<QByteArray> &lines) {
    if (lines.size() - 1 > m_listener->m_limits.maxHeaderFields)
        return 431;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray &line = lines[i];
        // RFC 9112 §5.2: obs-fold is refused; §5.1: no whitespace between field name and colon.
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(QByteArrayView(line).first(colon)))
            return 400;
        m_request.headers.append({line.left(colon).toLower(), line.mid(colon + 1).trimmed()});
    }
    return 0;
}

int HttpConnection::checkFields(bool http11) {
    int hosts = 0;
    QByteArray length;
    bool hasLength = false;
    for (const auto &[name, value] : std::as_const(m_request.headers)) {
        if (name == "host") {
            ++hosts;
        } else if (name == "connection") {
            if (hasConnectionOption(value, "close"))
                m_keepAlive = false;
        } else if (name == "transfer-encoding") {
            // RFC 9112 §6.1: a transfer coding the server does not take → 501. Pub/Sub sends Content-Length.
            return 501;
        } else if (name == "content-length" && !readContentLength(value, &length, &hasLength)) {
            return 400;
        }
    }
    if (http11 && hosts != 1) // RFC 9112 §3.2: exactly one Host in HTTP/1.1
        return 400;
    if (hasLength)
        m_contentLength = length.toLongLong();
    else if (m_request.method == "POST")
        return 411; // RFC 9110 §15.5.12
    return 0;
}

bool HttpConnection::checkRequest() {
    int retryAfter = 0;
    if (!m_listener->takeToken(m_request.peer, &retryAfter)) {
        refuse(429, {{"Retry-After", QByteArray::number(retryAfter)}}); // RFC 6585 §4
        return false;
    }
    const qsizetype query = m_request.path.indexOf('?');
    const QByteArray path = query < 0 ? m_request.path : m_request.path.left(query);
    if (path == m_listener->m_postPath.toUtf8()) {
        if (m_request.method != "POST") {
            refuse(405, {{"Allow", "POST"}});
            return false;
        }
    } else if (path == "/health") {
        if (m_request.method != "GET") {
            refuse(405, {{"Allow", "GET"}});
            return false;
        }
    } else {
        refuse(404);
        return false;
    }
    if (m_contentLength > m_listener->m_limits.maxBodyBytes) {
        refuse(413); // RFC 9110 §15.5.14: answered from the headers, the body is never read
        return false;
    }
    // RFC 9110 §10.1.1: answer 100 (Continue) to a client waiting for it.
    if (m_contentLength > 0 && m_request.header("expect").compare("100-continue", Qt::CaseInsensitive) == 0)
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    return true;
}

void HttpConnection::dispatch() {
    m_state = State::Handling;
    m_timer.stop();
    HttpListener::Responder responder;
    responder.m_connection = this;
    responder.m_serial = ++m_serial;
    if (m_request.method == "GET") {
        respond(m_serial, HttpListener::Response{200, QByteArrayLiteral("{\"status\":\"ok\"}")});
        return;
    }
    m_listener->m_handler(m_request, responder);
}

void HttpConnection::respond(quint64 serial, const HttpListener::Response &response) {
    if (serial != m_serial || m_state != State::Handling)
        return;
    m_request.body.clear();
    write(response, !m_keepAlive);
    if (!m_keepAlive) {
        close();
        return;
    }
    m_state = State::Head;
    m_inRequest = false;
    m_timer.start(m_listener->m_limits.keepAliveIdle);
    // A pipelined request may already be buffered: no readyRead will announce it.
    QMetaObject::invokeMethod(this, &HttpConnection::process, Qt::QueuedConnection);
}

void HttpConnection::refuse(int status, QList<std::pair<QByteArray, QByteArray>> headers) {
    // Refused before its body was read (or with a broken head): nothing after it can be trusted.
    if (status != 404 && status != 405)
        m_keepAlive = false;
    if (m_contentLength > 0)
        m_keepAlive = false;
    HttpListener::Response response{status};
    response.body = "{\"error\":\"" + HttpListener::reasonPhrase(status) + "\"}";
    response.headers = std::move(headers);
    m_state = State::Handling;
    respond(m_serial, response);
}

void HttpConnection::write(const HttpListener::Response &response, bool close) {
    QByteArray out = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' +
                     HttpListener::reasonPhrase(response.status) + "\r\n";
    // RFC 9110 §6.6.1: an origin server with a clock sends Date.
    out += "Date: " +
           QLocale::c()
               .toString(QDateTime::currentDateTimeUtc(), QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"))
               .toLatin1() +
           "\r\n";
    // RFC 9110 §8.6: no Content-Length in a 204.
    if (response.status != 204) {
        out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
        if (!response.body.isEmpty())
            out += "Content-Type: " + response.contentType + "\r\n";
    }
    for (const auto &[name, value] : response.headers)
        out += name + ": " + value + "\r\n";
    if (close)
        out += "Connection: close\r\n";
    out += "\r\n";
    if (response.status != 204)
        out += response.body;
    m_socket->write(out);
}

void HttpConnection::close() {
    m_state = State::Closing;
    m_timer.stop();
    // Flushes what was written, then closes; a peer that does not read is cut off after a second.
    m_socket->disconnectFromHost();
    if (m_socket->state() != QAbstractSocket::UnconnectedState)
        QTimer::singleShot(1000, this, [this] { m_socket->abort(); });
}

void HttpConnection::onTimeout() {
    if (m_state == State::Handling || m_state == State::Closing)
        return;
    m_keepAlive = false;
    // RFC 9110 §15.5.9: 408 for a request not completed in time; an idle connection is just closed.
    if (m_state == State::Body || !m_buffer.isEmpty())
        refuse(408);
    else
        close();
}

} // namespace push
