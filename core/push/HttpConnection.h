#pragma once

#include "push/HttpListener.h"

#include <QByteArray>
#include <QObject>
#include <QTimer>

class QTcpSocket;

namespace push {

// One accepted connection of HttpListener: reads one request at a time (RFC 9112), the head into a buffer
// capped at Limits::maxHeaderBytes and the body only once its Content-Length has been accepted; stops
// reading while the handler works (the socket's read buffer is bounded, so TCP pushes back); answers,
// then reads the next request (keep-alive) or closes. Deletes itself when the socket is gone.
class HttpConnection final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpConnection)

public:
    HttpConnection(HttpListener *listener, QTcpSocket *socket);
    ~HttpConnection() override;

    void respond(quint64 serial, const HttpListener::Response &response);

private:
    enum class State { Head, Body, Handling, Closing };

    void process();
    // 0 when the head is acceptable, else the status to refuse it with.
    int parseHead(const QByteArray &head);
    int parseRequestLine(const QByteArray &line, bool *http11); // method, path, keep-alive
    int parseFields(const QList<QByteArray> &lines);            // the header fields after the request line
    int checkFields(bool http11);                               // Host, Connection, Content-Length …
    // Rate, routing and the body limit once the head is parsed; false when refused.
    bool checkRequest();
    void dispatch();
    void refuse(int status, QList<std::pair<QByteArray, QByteArray>> headers = {});
    void write(const HttpListener::Response &response, bool close);
    void close();
    void onTimeout();

    HttpListener *m_listener;
    QTcpSocket *m_socket;
    QTimer m_timer;
    State m_state = State::Head;
    bool m_inRequest = false; // a byte of the current request has arrived
    bool m_keepAlive = true;
    qint64 m_contentLength = 0;
    QByteArray m_buffer; // head bytes (and what followed them in the same read)
    HttpListener::Request m_request;
    quint64 m_serial = 0;
};

} // namespace push
