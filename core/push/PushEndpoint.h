#pragma once

#include "push/HttpListener.h"
#include "push/NotificationHandler.h"
#include "push/PushTokenVerifier.h"

#include <QHostAddress>
#include <QObject>
#include <QString>

#include <memory>

namespace push {

// The Pub/Sub push endpoint (cloud.google.com/pubsub/docs/push): POST {path} with
// {"message":{"data","messageId","publishTime","attributes"},"subscription"} and an OIDC token.
// Answers 204 (an acknowledgement) only once the notification is handled — job queued, coalesced, or a
// notification that can never succeed dropped — so Pub/Sub redelivers on failure (503); 401/403 for a
// bad token, 400 for a body that is not a push request. Serves on the thread that owns it, through
// HttpListener (its Limits: sizes, connections, rate, timeouts), and never blocks it: a token whose key
// must first be fetched waits for PushTokenVerifier's one asynchronous JWKS fetch.
class PushEndpoint final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PushEndpoint)

public:
    struct Settings {
        QString path = QStringLiteral("/push");
        PushTokenVerifier::Settings token;
        HttpListener::Limits limits;
    };
    PushEndpoint(Settings settings, std::function<void(qint64 jobId)> onEnqueued = {},
                 QObject *parent = nullptr);
    ~PushEndpoint() override;

    Q_REQUIRED_RESULT bool listen(const QHostAddress &host, quint16 port);
    quint16 port() const { return m_port; }
    // JWKS fetches started so far (for tests and diagnostics).
    int jwksFetchCount() const { return m_verifier->fetchCount(); }
    QString errorString() const { return m_error; }

    // "HOST:PORT" as `worker --listen` takes it (IPv6 as [::1]:PORT).
    static bool parseHostPort(const QString &text, QHostAddress *host, quint16 *port, QString *error);

Q_SIGNALS:
    void notificationHandled(int httpStatus, const QString &result, qint64 jobId);

private:
    void handle(const HttpListener::Request &request, const HttpListener::Responder &responder);
    void handleVerified(const QByteArray &body, const HttpListener::Responder &responder);

    Settings m_settings;
    PushTokenVerifier *m_verifier; // child
    HttpListener *m_http;          // child
    NotificationHandler m_handler;
    quint16 m_port = 0;
    QString m_error;
};

} // namespace push
