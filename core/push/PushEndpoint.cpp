#include "push/PushEndpoint.h"

#include "log/LogEvent.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>

namespace push {

namespace {

using Status = QHttpServerResponse::StatusCode;

QHttpServerResponse answer(Status status, const QString &message) {
    if (status == Status::NoContent)
        return QHttpServerResponse(status);
    return QHttpServerResponse(QJsonObject{{QStringLiteral("error"), message}}, status);
}

} // namespace

PushEndpoint::PushEndpoint(Settings settings, std::function<void(qint64)> onEnqueued, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_http(std::make_unique<QHttpServer>())
    , m_verifier(m_settings.token)
    , m_handler(std::move(onEnqueued)) {
    m_http->route(m_settings.path, QHttpServerRequest::Method::Post,
                  [this](const QHttpServerRequest &request) { return handle(request); });
}

PushEndpoint::~PushEndpoint() = default;

bool PushEndpoint::listen(const QHostAddress &host, quint16 port) {
    auto *tcp = new QTcpServer(m_http.get());
    if (!tcp->listen(host, port)) {
        m_error = QStringLiteral("cannot listen on %1:%2: %3")
                      .arg(host.toString())
                      .arg(port)
                      .arg(tcp->errorString());
        delete tcp;
        return false;
    }
    m_http->bind(tcp);
    m_port = tcp->serverPort();
    logging::LogEvent(logging::Level::Info, "push endpoint listening").count("port", m_port).write();
    return true;
}

bool PushEndpoint::parseHostPort(const QString &text, QHostAddress *host, quint16 *port, QString *error) {
    const qsizetype colon = text.lastIndexOf(u':');
    QString hostText = text.left(colon);
    if (hostText.startsWith(u'[') && hostText.endsWith(u']'))
        hostText = hostText.mid(1, hostText.size() - 2);
    bool ok = false;
    const uint number = text.mid(colon + 1).toUInt(&ok);
    if (colon <= 0 || !ok || number > 65535 || !host->setAddress(hostText)) {
        *error = QStringLiteral("--listen wants HOST:PORT with an IP address, e.g. 127.0.0.1:8080, not "
                                "\"%1\"")
                     .arg(text);
        return false;
    }
    *port = static_cast<quint16>(number);
    return true;
}

QHttpServerResponse PushEndpoint::handle(const QHttpServerRequest &request) {
    QString error;
    const PushTokenVerifier::Result verdict = m_verifier.verify(request.value("Authorization"), &error);
    if (verdict != PushTokenVerifier::Result::Valid) {
        const Status status = verdict == PushTokenVerifier::Result::Forbidden     ? Status::Forbidden
                              : verdict == PushTokenVerifier::Result::Unavailable ? Status::ServiceUnavailable
                                                                                  : Status::Unauthorized;
        logging::LogEvent(logging::Level::Warning, "push request refused").error(error).write();
        Q_EMIT notificationHandled(int(status), QStringLiteral("refused"), 0);
        QHttpServerResponse response = answer(status, error);
        if (status == Status::Unauthorized)
            response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\""); // RFC 6750 §3
        return response;
    }

    const QJsonDocument doc = QJsonDocument::fromJson(request.body());
    const QJsonObject message = doc.object().value(QLatin1String("message")).toObject();
    if (!doc.isObject() || message.isEmpty()) {
        Q_EMIT notificationHandled(400, QStringLiteral("bad-request"), 0);
        return answer(Status::BadRequest, QStringLiteral("not a Pub/Sub push request"));
    }
    const NotificationHandler::Outcome outcome =
        m_handler.handleBase64(message.value(QLatin1String("data")).toString().toLatin1());
    const bool ack = NotificationHandler::shouldAcknowledge(outcome.result);
    const Status status = ack ? Status::NoContent : Status::ServiceUnavailable;
    Q_EMIT notificationHandled(int(status), NotificationHandler::resultName(outcome.result), outcome.jobId);
    return answer(status, QStringLiteral("cannot queue the sync job now"));
}

} // namespace push
