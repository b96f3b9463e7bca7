#pragma once

#include "push/NotificationHandler.h"
#include "push/PushTokenVerifier.h"

#include <QHostAddress>
#include <QObject>
#include <QString>

#include <memory>

class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponse;

namespace push {

// The Pub/Sub push endpoint (cloud.google.com/pubsub/docs/push): POST {path} with
// {"message":{"data","messageId","publishTime","attributes"},"subscription"} and an OIDC token.
// Answers 204 (an acknowledgement) only once the notification is handled — job queued, coalesced, or a
// notification that can never succeed dropped — so Pub/Sub redelivers on failure (503); 401/403 for a
// bad token, 400 for a body that is not a push request. Serves on the thread that owns it.
class PushEndpoint final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PushEndpoint)

public:
    struct Settings {
        QString path = QStringLiteral("/push");
        PushTokenVerifier::Settings token;
    };
    PushEndpoint(Settings settings, std::function<void(qint64 jobId)> onEnqueued = {},
                 QObject *parent = nullptr);
    ~PushEndpoint() override;

    Q_REQUIRED_RESULT bool listen(const QHostAddress &host, quint16 port);
    quint16 port() const { return m_port; }
    QString errorString() const { return m_error; }

    // "HOST:PORT" as `worker --listen` takes it (IPv6 as [::1]:PORT).
    static bool parseHostPort(const QString &text, QHostAddress *host, quint16 *port, QString *error);

Q_SIGNALS:
    void notificationHandled(int httpStatus, const QString &result, qint64 jobId);

private:
    QHttpServerResponse handle(const QHttpServerRequest &request);

    Settings m_settings;
    std::unique_ptr<QHttpServer> m_http;
    PushTokenVerifier m_verifier;
    NotificationHandler m_handler;
    quint16 m_port = 0;
    QString m_error;
};

} // namespace push
