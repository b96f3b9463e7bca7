#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QTimer>
#include <QUrl>

class QTcpServer;
class QTcpSocket;
class QNetworkAccessManager;

namespace auth {

// The OAuth 2.0 flow for installed apps with a loopback redirect
// (developers.google.com/identity/protocols/oauth2/native-app; RFC 8252 §7.3): listen on 127.0.0.1 at a
// random port, send the user's browser to the authorization URL with PKCE S256 (RFC 7636) and a random
// `state`, take the redirect, check `state`, exchange the code, and read the Gmail profile to learn the
// account's address. Event-driven: runs on any thread with an event loop (GUI or CLI), never blocks.
//
// Why not QtNetworkAuth's QOAuthHttpServerReplyHandler: in Qt 6.4 it serves one fixed page whatever the
// outcome, answers every request on the port as the callback (a browser's /favicon.ico ends the flow),
// and the code flow has no PKCE; the listener below is ~80 lines and does exactly what the spec asks.
class OAuthLoopbackFlow final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OAuthLoopbackFlow)
public:
    struct Params {
        QUrl authorizationUrl = QUrl(QStringLiteral("https://accounts.google.com/o/oauth2/v2/auth"));
        QUrl tokenUrl = QUrl(QStringLiteral("https://oauth2.googleapis.com/token"));
        QUrl gmailApiUrl = QUrl(QStringLiteral("https://gmail.googleapis.com"));
        QString clientId;
        QString clientSecret; // an installed app's secret is not confidential (Google's words)
        QStringList scopes = {QStringLiteral("https://www.googleapis.com/auth/gmail.readonly")};
        QString loginHint; // the expected account, if known
        int timeoutSeconds = 300;
    };
    struct Result {
        QString email;        // from users.getProfile
        QString refreshToken; // secret: store it sealed, never log it
        QString accessToken;  // secret
        QDateTime accessTokenExpiresAt;
        QStringList grantedScopes;
    };

    explicit OAuthLoopbackFlow(Params params, QObject *parent = nullptr);
    ~OAuthLoopbackFlow() override;

    // Starts listening; emits authorizationUrlReady (open it in the system browser and show it for
    // copying) or failed.
    void start();
    void cancel();
    QUrl redirectUri() const;

Q_SIGNALS:
    void authorizationUrlReady(const QUrl &url);
    void succeeded(const auth::OAuthLoopbackFlow::Result &result);
    // One clear line (never a token); `denied` when the user refused consent.
    void failed(const QString &message, bool denied);

private:
    void onNewConnection();
    void onCallback(QTcpSocket *socket, const QUrl &target);
    void reply(QTcpSocket *socket, int status, const QString &title, const QString &text);
    void exchangeCode(const QString &code);
    void readProfile(const QString &accessToken);
    void finishWithError(const QString &message, bool denied = false);
    void finishWithResult();

    Params m_params;
    QTcpServer *m_server = nullptr;
    QNetworkAccessManager *m_network = nullptr;
    QTimer m_timeout;
    QByteArray m_state;
    QByteArray m_verifier;
    Result m_result;
    bool m_callbackTaken = false;
    bool m_finished = false;
};

} // namespace auth
