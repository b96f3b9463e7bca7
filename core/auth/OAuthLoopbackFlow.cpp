#include "OAuthLoopbackFlow.h"

#include "auth/Pkce.h"
#include "auth/TokenLifetime.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrlQuery>

#include <openssl/rand.h>

namespace auth {

namespace {

QByteArray randomState() {
    unsigned char bytes[24];
    if (RAND_bytes(bytes, sizeof bytes) != 1) // CSPRNG; fall back only if OpenSSL's fails
        QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes), sizeof bytes / 4);
    return QByteArray(reinterpret_cast<const char *>(bytes), sizeof bytes)
        .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QString htmlEscape(const QString &text) {
    return text.toHtmlEscaped();
}

// Google's token endpoint errors: {"error": "...", "error_description": "..."}.
QString describeTokenError(const QJsonObject &body, int status) {
    const QString error = body.value(QLatin1String("error")).toString();
    const QString description = body.value(QLatin1String("error_description")).toString();
    if (error.isEmpty())
        return QStringLiteral("the token endpoint answered HTTP %1").arg(status);
    return description.isEmpty() ? error : error + QStringLiteral(": ") + description;
}

} // namespace

OAuthLoopbackFlow::OAuthLoopbackFlow(Params params, QObject *parent)
    : QObject(parent)
    , m_params(std::move(params))
    , m_server(new QTcpServer(this))
    , m_network(new QNetworkAccessManager(this)) {
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        finishWithError(QStringLiteral("no answer from the browser within %1 s; start the connection again")
                            .arg(m_params.timeoutSeconds));
    });
    connect(m_server, &QTcpServer::newConnection, this, &OAuthLoopbackFlow::onNewConnection);
}

OAuthLoopbackFlow::~OAuthLoopbackFlow() = default;

QUrl OAuthLoopbackFlow::redirectUri() const {
    // RFC 8252 §7.3 / Google: the loopback IP literal with the port, any path.
    return QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(m_server->serverPort()));
}

void OAuthLoopbackFlow::start() {
    if (m_params.clientId.isEmpty())
        return finishWithError(QStringLiteral("no OAuth client id configured"));
    if (!m_server->listen(QHostAddress::LocalHost, 0))
        return finishWithError(QStringLiteral("cannot listen on 127.0.0.1: %1").arg(m_server->errorString()));
    m_state = randomState();
    m_verifier = Pkce::generateVerifier();

    QUrl url = m_params.authorizationUrl;
    QUrlQuery query(url);
    query.addQueryItem(QStringLiteral("client_id"), m_params.clientId);
    query.addQueryItem(QStringLiteral("redirect_uri"), redirectUri().toString());
    query.addQueryItem(QStringLiteral("response_type"), QStringLiteral("code"));
    query.addQueryItem(QStringLiteral("scope"), m_params.scopes.join(u' '));
    query.addQueryItem(QStringLiteral("state"), QString::fromLatin1(m_state));
    query.addQueryItem(QStringLiteral("code_challenge"),
                       QString::fromLatin1(Pkce::challengeS256(m_verifier)));
    query.addQueryItem(QStringLiteral("code_challenge_method"), QStringLiteral("S256"));
    // A refresh token is only issued with access_type=offline; prompt=consent issues one again on reconnect.
    query.addQueryItem(QStringLiteral("access_type"), QStringLiteral("offline"));
    query.addQueryItem(QStringLiteral("prompt"), QStringLiteral("consent"));
    if (!m_params.loginHint.isEmpty())
        query.addQueryItem(QStringLiteral("login_hint"), m_params.loginHint);
    // Encode everything the query carries ('+', ':', '/' in scopes and redirect_uri) unambiguously.
    url.setQuery(query.query(QUrl::FullyEncoded), QUrl::StrictMode);
    m_timeout.start(std::chrono::seconds(m_params.timeoutSeconds));
    Q_EMIT authorizationUrlReady(url);
}

void OAuthLoopbackFlow::cancel() {
    finishWithError(QStringLiteral("cancelled"));
}

void OAuthLoopbackFlow::onNewConnection() {
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
            // Only the request line matters: "GET /?code=…&state=… HTTP/1.1".
            if (!socket->canReadLine()) {
                if (socket->bytesAvailable() > 8192)
                    socket->abort();
                return;
            }
            const QList<QByteArray> parts = socket->readLine().trimmed().split(' ');
            socket->readAll();
            if (parts.size() < 3 || parts.at(0) != "GET") {
                reply(socket, 405, tr("Not supported"), tr("Only the browser's redirect is served here."));
                return;
            }
            onCallback(socket, QUrl(QString::fromLatin1(parts.at(1))));
        });
    }
}

void OAuthLoopbackFlow::onCallback(QTcpSocket *socket, const QUrl &target) {
    if (target.path() != QLatin1String("/")) { // e.g. /favicon.ico: not the redirect
        reply(socket, 404, tr("Not found"), tr("Nothing here."));
        return;
    }
    if (m_callbackTaken || m_finished) {
        reply(socket, 409, tr("Already done"),
              tr("This sign-in has already been handled. You can close this tab."));
        return;
    }
    const QUrlQuery query(target);
    const QString state = query.queryItemValue(QStringLiteral("state"), QUrl::FullyDecoded);
    // RFC 6749 §10.12: the state binds the answer to our request; anything else may be forged.
    if (state.toLatin1() != m_state) {
        reply(socket, 400, tr("Sign-in failed"),
              tr("The answer did not match this sign-in request (state mismatch). Start again from the "
                 "application."));
        finishWithError(
            QStringLiteral("the browser's answer did not carry this request's state (possible forgery); "
                           "nothing was stored"));
        return;
    }
    m_callbackTaken = true;
    const QString error = query.queryItemValue(QStringLiteral("error"), QUrl::FullyDecoded);
    if (!error.isEmpty()) {
        const bool denied = error == QLatin1String("access_denied");
        reply(socket, 200, tr("Sign-in cancelled"),
              denied ? tr("Access was not granted. You can close this tab.")
                     : tr("Google answered: %1. You can close this tab.").arg(error));
        finishWithError(denied ? QStringLiteral("access was denied in the browser; nothing was stored")
                               : QStringLiteral("the authorization server answered %1").arg(error),
                        denied);
        return;
    }
    const QString code = query.queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);
    if (code.isEmpty()) {
        reply(socket, 400, tr("Sign-in failed"), tr("The answer carried no authorization code."));
        finishWithError(QStringLiteral("the browser's answer carried no authorization code"));
        return;
    }
    reply(socket, 200, tr("Signed in"),
          tr("Gmail Sync Admin received the authorization. You can close this tab and return to the "
             "application."));
    exchangeCode(code);
}

void OAuthLoopbackFlow::reply(QTcpSocket *socket, int status, const QString &title, const QString &text) {
    const QByteArray body =
        QStringLiteral("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>%1</title></head>"
                       "<body style=\"font-family:sans-serif;margin:3em\"><h1 id=\"result\">%1</h1>"
                       "<p>%2</p></body></html>")
            .arg(htmlEscape(title), htmlEscape(text))
            .toUtf8();
    QByteArray response =
        "HTTP/1.1 " + QByteArray::number(status) + " " + (status == 200 ? "OK" : "Error") +
        "\r\nContent-Type: text/html; charset=utf-8\r\nCache-Control: no-store\r\nConnection: close"
        "\r\nContent-Length: " +
        QByteArray::number(body.size()) + "\r\n\r\n" + body;
    socket->write(response);
    // Hand the page to the OS now: the flow may end (and the program exit) right after this.
    socket->flush();
    socket->disconnectFromHost();
}

void OAuthLoopbackFlow::exchangeCode(const QString &code) {
    QUrlQuery form;
    form.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("authorization_code"));
    form.addQueryItem(QStringLiteral("code"), code);
    form.addQueryItem(QStringLiteral("client_id"), m_params.clientId);
    if (!m_params.clientSecret.isEmpty())
        form.addQueryItem(QStringLiteral("client_secret"), m_params.clientSecret);
    form.addQueryItem(QStringLiteral("redirect_uri"), redirectUri().toString());
    form.addQueryItem(QStringLiteral("code_verifier"), QString::fromLatin1(m_verifier));
    QNetworkRequest request(m_params.tokenUrl);
    request.setHeader(QNetworkRequest::ContentTypeHeader,
                      QStringLiteral("application/x-www-form-urlencoded"));
    request.setTransferTimeout(30000);
    // Form encoding: '+' and '&' inside values must be percent-encoded (QUrlQuery leaves '+' alone).
    QByteArray body = form.query(QUrl::FullyEncoded).toLatin1().replace('+', "%2B");
    QNetworkReply *reply = m_network->post(request, body);
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        if (m_finished)
            return;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QJsonObject json = QJsonDocument::fromJson(reply->readAll()).object();
        if (status != 200) {
            finishWithError(
                status == 0
                    ? QStringLiteral("cannot reach the token endpoint: %1").arg(reply->errorString())
                    : QStringLiteral("the code exchange failed: %1").arg(describeTokenError(json, status)));
            return;
        }
        m_result.accessToken = json.value(QLatin1String("access_token")).toString();
        m_result.refreshToken = json.value(QLatin1String("refresh_token")).toString();
        m_result.accessTokenExpiresAt = QDateTime::currentDateTimeUtc().addSecs(tokenLifetimeSeconds(json));
        m_result.grantedScopes =
            json.value(QLatin1String("scope")).toString().split(u' ', Qt::SkipEmptyParts);
        if (m_result.accessToken.isEmpty())
            return finishWithError(QStringLiteral("the token endpoint answered without an access token"));
        if (m_result.refreshToken.isEmpty())
            return finishWithError(
                QStringLiteral("the token endpoint issued no refresh token (offline access was "
                               "not granted); revoke the app's access in the Google account and "
                               "connect again"));
        readProfile(m_result.accessToken);
    });
}

void OAuthLoopbackFlow::readProfile(const QString &accessToken) {
    QUrl url = m_params.gmailApiUrl;
    QString base = url.path();
    while (base.endsWith(u'/'))
        base.chop(1);
    url.setPath(base + QStringLiteral("/gmail/v1/users/me/profile"));
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + accessToken.toLatin1());
    request.setTransferTimeout(30000);
    QNetworkReply *reply = m_network->get(request);
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        if (m_finished)
            return;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QJsonObject json = QJsonDocument::fromJson(reply->readAll()).object();
        const QString email = json.value(QLatin1String("emailAddress")).toString();
        if (status != 200 || email.isEmpty()) {
            finishWithError(
                QStringLiteral("signed in, but reading the Gmail profile failed (HTTP %1); is the Gmail "
                               "scope granted?")
                    .arg(status));
            return;
        }
        m_result.email = email;
        finishWithResult();
    });
}

void OAuthLoopbackFlow::finishWithError(const QString &message, bool denied) {
    if (m_finished)
        return;
    m_finished = true;
    m_timeout.stop();
    m_server->close();
    Q_EMIT failed(message, denied);
}

void OAuthLoopbackFlow::finishWithResult() {
    if (m_finished)
        return;
    m_finished = true;
    m_timeout.stop();
    m_server->close();
    Q_EMIT succeeded(m_result);
}

} // namespace auth
