#include "push/PushEndpoint.h"

#include "log/LogEvent.h"
#include "push/PushEnvelope.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace push {

namespace {

HttpListener::Response answer(int status, const QString &message) {
    HttpListener::Response response{status};
    if (status != 204)
        response.body =
            QJsonDocument(QJsonObject{{QStringLiteral("error"), message}}).toJson(QJsonDocument::Compact);
    return response;
}

} // namespace

PushEndpoint::PushEndpoint(Settings settings, std::function<void(qint64)> onEnqueued, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_verifier(new PushTokenVerifier(m_settings.token, this))
    , m_http(new HttpListener(
          m_settings.path, m_settings.limits,
          [this](const HttpListener::Request &request, const HttpListener::Responder &responder) {
              handle(request, responder);
          },
          this))
    , m_handler(std::move(onEnqueued)) {}

PushEndpoint::~PushEndpoint() = default;

bool PushEndpoint::listen(const QHostAddress &host, quint16 port) {
    if (!m_http->listen(host, port)) {
        m_error = m_http->errorString();
        return false;
    }
    m_port = m_http->port();
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

void PushEndpoint::handle(const HttpListener::Request &request, const HttpListener::Responder &responder) {
    const QByteArray body = request.body;
    m_verifier->verify(request.header("authorization"), [this, body,
                                                         responder](PushTokenVerifier::Result verdict,
                                                                    const QString &error) {
        if (verdict == PushTokenVerifier::Result::Valid) {
            handleVerified(body, responder);
            return;
        }
        const int status = verdict == PushTokenVerifier::Result::Forbidden     ? 403
                           : verdict == PushTokenVerifier::Result::Unavailable ? 503
                                                                               : 401;
        logging::LogEvent(logging::Level::Warning, "push request refused").error(error).write();
        Q_EMIT notificationHandled(status, QStringLiteral("refused"), 0);
        HttpListener::Response response = answer(status, error);
        if (status == 401)
            response.headers.emplaceBack("WWW-Authenticate", "Bearer error=\"invalid_token\""); // RFC 6750 §3
        if (status == 503)
            response.headers.emplaceBack("Retry-After", "10");
        responder.send(response);
    });
}

void PushEndpoint::handleVerified(const QByteArray &body, const HttpListener::Responder &responder) {
    const std::optional<QByteArray> data = PushEnvelope::messageData(body);
    if (!data) {
        Q_EMIT notificationHandled(400, QStringLiteral("bad-request"), 0);
        responder.send(answer(400, QStringLiteral("not a Pub/Sub push request")));
        return;
    }
    const NotificationHandler::Outcome outcome = m_handler.handleBase64(*data);
    const bool ack = NotificationHandler::shouldAcknowledge(outcome.result);
    const int status = ack ? 204 : 503;
    Q_EMIT notificationHandled(status, NotificationHandler::resultName(outcome.result), outcome.jobId);
    responder.send(answer(status, QStringLiteral("cannot queue the sync job now")));
}

} // namespace push
