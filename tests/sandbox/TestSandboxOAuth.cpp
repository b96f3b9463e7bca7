#include "MailboxStore.h"
#include "OAuthService.h"
#include "ServiceAccountRegistry.h"
#include "TokenStore.h"

#include "auth/Jwt.h"
#include "auth/Pkce.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QEventLoop>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTest>
#include <QTimer>
#include <QUrlQuery>

#include <memory>

namespace {

struct Reply {
    int status = 0;
    QByteArray body;
    QByteArray location;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

// Form encoding for the token endpoint (RFC 6749 Appendix B).
QByteArray form(const QList<QPair<QString, QString>> &fields) {
    QByteArray out;
    for (const auto &field : fields) {
        if (!out.isEmpty())
            out += '&';
        out += QUrl::toPercentEncoding(field.first) + '=' + QUrl::toPercentEncoding(field.second);
    }
    return out;
}

} // namespace

// The OAuth side of the sandbox, driven over real HTTP on 127.0.0.1 as a desktop app would drive Google:
// consent page → Allow → loopback redirect → code exchange with PKCE, refresh, revocation, service-account
// JWT bearer grants.
class TestSandboxOAuth final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void codeFlowWithPkce();
    void wrongVerifierRefused();
    void codeReuseRefused();
    void wrongRedirectUriAtTokenEndpointRefused();
    void unvalidatedRedirectUriGetsErrorPage_data();
    void unvalidatedRedirectUriGetsErrorPage();
    void plainPkceRefused();
    void denyRedirectsWithAccessDenied();
    void refreshAndRevocation();
    void revokeEndpointRevokesGrant();
    void registeredClientSecretChecked();
    void serviceAccountJwtAccepted();
    void serviceAccountJwtRefused_data();
    void serviceAccountJwtRefused();
    void jwksPublishesSigningKey();
    void statsCountTokenRequests();
    void shortAccessTokenLifetime();
    void autoConsentRedirectsAtOnce();

private:
    Reply send(const QByteArray &verb, const QUrl &url, const QByteArray &body = {},
               const QByteArray &contentType = "application/x-www-form-urlencoded");
    Reply post(const QString &path, const QByteArray &body,
               const QByteArray &contentType = "application/x-www-form-urlencoded") {
        return send("POST", m_base.resolved(QUrl(path)), body, contentType);
    }
    Reply postJson(const QString &path, const QJsonObject &body) {
        return post(path, QJsonDocument(body).toJson(QJsonDocument::Compact), "application/json");
    }
    QUrl authorizationUrl(const QString &clientId, const QString &redirectUri, const QByteArray &verifier,
                          const QString &state, const QString &method = QStringLiteral("S256"));
    // Drives the consent page like a browser: GET, then submit the form with the Allow/Deny button.
    // Returns the Location the sandbox redirects to.
    QByteArray consent(const QUrl &authorizationUrl, const QString &decision, int *pageStatus = nullptr);
    // Follows the redirect to the test's loopback receiver; returns its query as seen by the receiver.
    QUrlQuery followToReceiver(const QByteArray &location);
    QJsonObject exchange(const QString &code, const QByteArray &verifier, int *status,
                         const QString &redirectUri = {});
    QByteArray signedAssertion(const QJsonObject &keyFile, const QJsonObject &claimsOverride,
                               const QByteArray &otherKeyPem = {});

    sandbox::TokenStore m_tokens;
    sandbox::MailboxStore m_mailboxes;
    sandbox::ServiceAccountRegistry m_accounts;
    std::unique_ptr<sandbox::OAuthService> m_oauth;
    QHttpServer m_server;
    QHttpServer m_receiver; // the desktop app's loopback listener
    QUrl m_base;
    QString m_redirectUri;
    QUrlQuery m_lastReceived;
    QNetworkAccessManager m_nam;
    const QString m_clientId = QStringLiteral("123-sandbox.apps.googleusercontent.com");
    const QString m_user = QStringLiteral("alice@example.com");
};

void TestSandboxOAuth::initTestCase() {
    m_mailboxes.create(m_user);
    m_mailboxes.create(QStringLiteral("bob@example.com"));
    m_oauth = std::make_unique<sandbox::OAuthService>(m_tokens, m_mailboxes, m_accounts);
    m_oauth->registerRoutes(m_server);
    auto *tcp = new QTcpServer(&m_server);
    QVERIFY(tcp->listen(QHostAddress::LocalHost, 0));
    m_server.bind(tcp);
    m_base = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(tcp->serverPort()));

    m_receiver.route(QStringLiteral("/callback"), [this](const QHttpServerRequest &request) {
        m_lastReceived = request.query();
        return QStringLiteral("Signed in. You can close this window.");
    });
    auto *receiverTcp = new QTcpServer(&m_receiver);
    QVERIFY(receiverTcp->listen(QHostAddress::LocalHost, 0));
    m_receiver.bind(receiverTcp);
    m_redirectUri = QStringLiteral("http://127.0.0.1:%1/callback").arg(receiverTcp->serverPort());
}

Reply TestSandboxOAuth::send(const QByteArray &verb, const QUrl &url, const QByteArray &body,
                             const QByteArray &contentType) {
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    if (!body.isEmpty() || verb == "POST")
        request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    QNetworkReply *reply = m_nam.sendCustomRequest(request, verb, body);
    QEventLoop loop;
    connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    loop.exec();
    Reply result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.location = reply->rawHeader("Location");
    reply->deleteLater();
    return result;
}

QUrl TestSandboxOAuth::authorizationUrl(const QString &clientId, const QString &redirectUri,
                                        const QByteArray &verifier, const QString &state,
                                        const QString &method) {
    QUrl url = m_base.resolved(QUrl(QStringLiteral("/o/oauth2/v2/auth")));
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("client_id"), clientId);
    query.addQueryItem(QStringLiteral("redirect_uri"),
                       QString::fromLatin1(QUrl::toPercentEncoding(redirectUri)));
    query.addQueryItem(QStringLiteral("response_type"), QStringLiteral("code"));
    query.addQueryItem(QStringLiteral("scope"),
                       QStringLiteral("https://www.googleapis.com/auth/gmail.readonly%20openid"));
    query.addQueryItem(QStringLiteral("state"), QString::fromLatin1(QUrl::toPercentEncoding(state)));
    query.addQueryItem(QStringLiteral("code_challenge"),
                       QString::fromLatin1(auth::Pkce::challengeS256(verifier)));
    query.addQueryItem(QStringLiteral("code_challenge_method"), method);
    query.addQueryItem(QStringLiteral("access_type"), QStringLiteral("offline"));
    query.addQueryItem(QStringLiteral("login_hint"), m_user);
    url.setQuery(query.query(QUrl::FullyEncoded), QUrl::StrictMode);
    return url;
}

QByteArray TestSandboxOAuth::consent(const QUrl &url, const QString &decision, int *pageStatus) {
    const Reply page = send("GET", url);
    if (pageStatus)
        *pageStatus = page.status;
    if (page.status != 200)
        return {};
    const QString html = QString::fromUtf8(page.body);
    if (!html.contains(QLatin1String("id=\"allow\"")) || !html.contains(QLatin1String("id=\"deny\"")))
        return {};
    // The form's hidden fields, as a browser would submit them.
    const QRegularExpression hidden(
        QStringLiteral("<input type=\"hidden\"[^>]*name=\"([^\"]+)\" value=\"([^\"]*)\""));
    QList<QPair<QString, QString>> fields;
    auto it = hidden.globalMatch(html);
    while (it.hasNext()) {
        const auto match = it.next();
        fields.append(
            {match.captured(1), match.captured(2).replace(QLatin1String("&amp;"), QLatin1String("&"))});
    }
    fields.append({QStringLiteral("decision"), decision});
    const Reply answer = post(QStringLiteral("/o/oauth2/v2/auth"), form(fields));
    if (answer.status != 302)
        return {};
    return answer.location;
}

QUrlQuery TestSandboxOAuth::followToReceiver(const QByteArray &location) {
    m_lastReceived.clear();
    const Reply reply = send("GET", QUrl::fromEncoded(location));
    if (reply.status != 200)
        return {};
    return m_lastReceived;
}

QJsonObject TestSandboxOAuth::exchange(const QString &code, const QByteArray &verifier, int *status,
                                       const QString &redirectUri) {
    const Reply reply =
        post(QStringLiteral("/token"),
             form({{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                   {QStringLiteral("code"), code},
                   {QStringLiteral("client_id"), m_clientId},
                   {QStringLiteral("redirect_uri"), redirectUri.isEmpty() ? m_redirectUri : redirectUri},
                   {QStringLiteral("code_verifier"), QString::fromLatin1(verifier)}}));
    *status = reply.status;
    return reply.json();
}

void TestSandboxOAuth::codeFlowWithPkce() {
    const QByteArray verifier = auth::Pkce::generateVerifier();
    const QString state = QStringLiteral("st&te=+/x");
    const QByteArray location =
        consent(authorizationUrl(m_clientId, m_redirectUri, verifier, state), "allow");
    QVERIFY2(location.startsWith(QByteArray(m_redirectUri.toUtf8() + '?')), location.constData());

    const QUrlQuery received = followToReceiver(location);
    QCOMPARE(received.queryItemValue(QStringLiteral("state"), QUrl::FullyDecoded), state);
    const QString code = received.queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);
    QVERIFY(!code.isEmpty());
    QCOMPARE(received.queryItemValue(QStringLiteral("scope"), QUrl::FullyDecoded),
             QStringLiteral("https://www.googleapis.com/auth/gmail.readonly openid"));

    int status = 0;
    const QJsonObject token = exchange(code, verifier, &status);
    QCOMPARE(status, 200);
    QCOMPARE(token.value(QLatin1String("token_type")).toString(), QStringLiteral("Bearer"));
    QCOMPARE(token.value(QLatin1String("expires_in")).toInt(), 3599);
    QVERIFY(!token.value(QLatin1String("refresh_token")).toString().isEmpty()); // access_type=offline
    const QString accessToken = token.value(QLatin1String("access_token")).toString();
    QCOMPARE(m_tokens.emailForAccessToken(accessToken), std::optional<QString>(m_user));
    QVERIFY(m_tokens.scopesForAccessToken(accessToken)
                .contains(QStringLiteral("https://www.googleapis.com/auth/gmail.readonly")));
}

void TestSandboxOAuth::wrongVerifierRefused() {
    const QByteArray verifier = auth::Pkce::generateVerifier();
    const QUrlQuery received = followToReceiver(
        consent(authorizationUrl(m_clientId, m_redirectUri, verifier, QStringLiteral("s")), "allow"));
    const QString code = received.queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);
    QVERIFY(!code.isEmpty());
    int status = 0;
    const QJsonObject error = exchange(code, auth::Pkce::generateVerifier(), &status);
    QCOMPARE(status, 400);
    QCOMPARE(error.value(QLatin1String("error")).toString(), QStringLiteral("invalid_grant"));
    QVERIFY(!error.value(QLatin1String("error_description")).toString().isEmpty());
    QVERIFY(!error.contains(QLatin1String("access_token")));
}

void TestSandboxOAuth::codeReuseRefused() {
    const QByteArray verifier = auth::Pkce::generateVerifier();
    const QString code =
        followToReceiver(
            consent(authorizationUrl(m_clientId, m_redirectUri, verifier, QStringLiteral("s")), "allow"))
            .queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);
    int status = 0;
    exchange(code, verifier, &status);
    QCOMPARE(status, 200);
    const QJsonObject second = exchange(code, verifier, &status);
    QCOMPARE(status, 400);
    QCOMPARE(second.value(QLatin1String("error")).toString(), QStringLiteral("invalid_grant"));
}

void TestSandboxOAuth::wrongRedirectUriAtTokenEndpointRefused() {
    const QByteArray verifier = auth::Pkce::generateVerifier();
    const QString code =
        followToReceiver(
            consent(authorizationUrl(m_clientId, m_redirectUri, verifier, QStringLiteral("s")), "allow"))
            .queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);
    QVERIFY(!code.isEmpty());
    int status = 0;
    const QJsonObject error = exchange(code, verifier, &status, QStringLiteral("http://127.0.0.1:1/other"));
    QCOMPARE(status, 400);
    // Google's token endpoint names this error redirect_uri_mismatch.
    QCOMPARE(error.value(QLatin1String("error")).toString(), QStringLiteral("redirect_uri_mismatch"));
    // …and the code was consumed by the failed attempt (RFC 6749 §4.1.2: single use).
    exchange(code, verifier, &status);
    QCOMPARE(status, 400);
}

void TestSandboxOAuth::unvalidatedRedirectUriGetsErrorPage_data() {
    QTest::addColumn<QString>("redirectUri");
    QTest::newRow("https elsewhere") << QStringLiteral("https://evil.example.com/cb");
    QTest::newRow("http non-loopback") << QStringLiteral("http://192.168.1.5:8080/");
    QTest::newRow("custom scheme") << QStringLiteral("com.example.app:/cb");
    QTest::newRow("empty") << QString();
}

void TestSandboxOAuth::unvalidatedRedirectUriGetsErrorPage() {
    QFETCH(QString, redirectUri);
    const Reply reply = send("GET", authorizationUrl(m_clientId, redirectUri, auth::Pkce::generateVerifier(),
                                                     QStringLiteral("s")));
    QCOMPARE(reply.status, 400);
    QVERIFY(reply.location.isEmpty()); // never redirect to an unvalidated URI
    QVERIFY(reply.body.contains("Error 400"));
}

void TestSandboxOAuth::plainPkceRefused() {
    const Reply reply =
        send("GET", authorizationUrl(m_clientId, m_redirectUri, auth::Pkce::generateVerifier(),
                                     QStringLiteral("s"), QStringLiteral("plain")));
    QCOMPARE(reply.status, 400);
    QVERIFY(reply.location.isEmpty());
    QVERIFY(reply.body.contains("S256"));
}

void TestSandboxOAuth::denyRedirectsWithAccessDenied() {
    const QUrlQuery received = followToReceiver(consent(
        authorizationUrl(m_clientId, m_redirectUri, auth::Pkce::generateVerifier(), QStringLiteral("d1")),
        "deny"));
    QCOMPARE(received.queryItemValue(QStringLiteral("error")), QStringLiteral("access_denied"));
    QCOMPARE(received.queryItemValue(QStringLiteral("state")), QStringLiteral("d1"));
    QVERIFY(!received.hasQueryItem(QStringLiteral("code")));
}

void TestSandboxOAuth::refreshAndRevocation() {
    const Reply granted =
        postJson(QStringLiteral("/_sandbox/oauth/refresh-tokens"),
                 {{QStringLiteral("email"), m_user}, {QStringLiteral("clientId"), m_clientId}});
    QCOMPARE(granted.status, 200);
    const QString refreshToken = granted.json().value(QLatin1String("refresh_token")).toString();
    QVERIFY(!refreshToken.isEmpty());

    auto refresh = [&](const QString &clientId) {
        return post(QStringLiteral("/token"),
                    form({{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                          {QStringLiteral("refresh_token"), refreshToken},
                          {QStringLiteral("client_id"), clientId},
                          {QStringLiteral("client_secret"), QStringLiteral("x")}}));
    };
    const Reply ok = refresh(m_clientId);
    QCOMPARE(ok.status, 200);
    const QString accessToken = ok.json().value(QLatin1String("access_token")).toString();
    QCOMPARE(m_tokens.emailForAccessToken(accessToken), std::optional<QString>(m_user));
    QVERIFY(!ok.json().contains(QLatin1String("refresh_token")));
    QCOMPARE(ok.json().value(QLatin1String("expires_in")).toInt(), 3599);

    QCOMPARE(refresh(QStringLiteral("other-client")).status, 401);

    QCOMPARE(
        postJson(QStringLiteral("/_sandbox/oauth/revoke"), {{QStringLiteral("refreshToken"), refreshToken}})
            .status,
        200);
    const Reply revoked = refresh(m_clientId);
    QCOMPARE(revoked.status, 400);
    QCOMPARE(revoked.json().value(QLatin1String("error")).toString(), QStringLiteral("invalid_grant"));
    QCOMPARE(revoked.json().value(QLatin1String("error_description")).toString(),
             QStringLiteral("Token has been expired or revoked."));
    // Access tokens minted from the revoked grant stop working too.
    QVERIFY(!m_tokens.emailForAccessToken(accessToken));

    const Reply unknown =
        post(QStringLiteral("/token"), form({{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                                             {QStringLiteral("refresh_token"), QStringLiteral("1//nope")},
                                             {QStringLiteral("client_id"), m_clientId}}));
    QCOMPARE(unknown.status, 400);
    QCOMPARE(unknown.json().value(QLatin1String("error")).toString(), QStringLiteral("invalid_grant"));
}

void TestSandboxOAuth::revokeEndpointRevokesGrant() {
    const QString refreshToken =
        postJson(QStringLiteral("/_sandbox/oauth/refresh-tokens"),
                 {{QStringLiteral("email"), m_user}, {QStringLiteral("clientId"), m_clientId}})
            .json()
            .value(QLatin1String("refresh_token"))
            .toString();
    const QString accessToken = m_tokens.issueAccessTokenFromRefresh(refreshToken);
    QVERIFY(m_tokens.emailForAccessToken(accessToken));
    // Revoking the access token revokes the grant behind it (Google's /revoke).
    QCOMPARE(post(QStringLiteral("/revoke"), form({{QStringLiteral("token"), accessToken}})).status, 200);
    QVERIFY(!m_tokens.emailForAccessToken(accessToken));
    QVERIFY(m_tokens.refreshGrant(refreshToken)->revoked);
    const Reply again =
        post(QStringLiteral("/revoke"), form({{QStringLiteral("token"), QStringLiteral("nonsense")}}));
    QCOMPARE(again.status, 400);
    QCOMPARE(again.json().value(QLatin1String("error")).toString(), QStringLiteral("invalid_token"));
}

void TestSandboxOAuth::registeredClientSecretChecked() {
    const QString clientId = QStringLiteral("registered.apps.googleusercontent.com");
    QCOMPARE(postJson(QStringLiteral("/_sandbox/oauth/clients"),
                      {{QStringLiteral("clientId"), clientId},
                       {QStringLiteral("clientSecret"), QStringLiteral("GOCSPX-right")},
                       {QStringLiteral("name"), QStringLiteral("Gmail Sync Admin")}})
                 .status,
             200);
    const QString refreshToken =
        m_tokens.issueRefreshToken(m_user, clientId, {QStringLiteral("https://mail.google.com/")});
    auto refresh = [&](const QString &secret) {
        return post(QStringLiteral("/token"),
                    form({{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                          {QStringLiteral("refresh_token"), refreshToken},
                          {QStringLiteral("client_id"), clientId},
                          {QStringLiteral("client_secret"), secret}}));
    };
    const Reply wrong = refresh(QStringLiteral("GOCSPX-wrong"));
    QCOMPARE(wrong.status, 401);
    QCOMPARE(wrong.json().value(QLatin1String("error")).toString(), QStringLiteral("invalid_client"));
    QCOMPARE(refresh(QStringLiteral("GOCSPX-right")).status, 200);

    // The consent page names the registered app.
    const Reply page =
        send("GET", authorizationUrl(clientId, m_redirectUri, auth::Pkce::generateVerifier(), {}));
    QCOMPARE(page.status, 200);
    QVERIFY(page.body.contains("Gmail Sync Admin"));
}

QByteArray TestSandboxOAuth::signedAssertion(const QJsonObject &keyFile, const QJsonObject &claimsOverride,
                                             const QByteArray &otherKeyPem) {
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    QJsonObject claims{
        {QStringLiteral("iss"), keyFile.value(QLatin1String("client_email"))},
        {QStringLiteral("sub"), m_user},
        {QStringLiteral("scope"), QStringLiteral("https://www.googleapis.com/auth/gmail.readonly")},
        {QStringLiteral("aud"), keyFile.value(QLatin1String("token_uri"))},
        {QStringLiteral("iat"), now},
        {QStringLiteral("exp"), now + 3600}};
    for (auto it = claimsOverride.begin(); it != claimsOverride.end(); ++it) {
        if (it.value().isNull())
            claims.remove(it.key());
        else
            claims.insert(it.key(), it.value());
    }
    const QByteArray pem = otherKeyPem.isEmpty()
                               ? keyFile.value(QLatin1String("private_key")).toString().toLatin1()
                               : otherKeyPem;
    QString error;
    const auto jws = auth::Jwt::signRs256(
        {{QStringLiteral("kid"), keyFile.value(QLatin1String("private_key_id"))}}, claims, pem, &error);
    return jws.value_or(QByteArray());
}

void TestSandboxOAuth::serviceAccountJwtAccepted() {
    const Reply created = postJson(QStringLiteral("/_sandbox/service-accounts"), {});
    QCOMPARE(created.status, 200);
    const QJsonObject keyFile = created.json();
    QCOMPARE(keyFile.value(QLatin1String("type")).toString(), QStringLiteral("service_account"));
    QVERIFY(keyFile.value(QLatin1String("private_key"))
                .toString()
                .startsWith(QLatin1String("-----BEGIN PRIVATE KEY-----")));
    QVERIFY(keyFile.value(QLatin1String("client_email"))
                .toString()
                .endsWith(QLatin1String(".iam.gserviceaccount.com")));
    QCOMPARE(keyFile.value(QLatin1String("token_uri")).toString(),
             m_base.toString() + QStringLiteral("/token"));
    for (const char *field : {"project_id", "private_key_id", "client_id", "auth_uri",
                              "auth_provider_x509_cert_url", "client_x509_cert_url"})
        QVERIFY2(!keyFile.value(QLatin1String(field)).toString().isEmpty(), field);

    const Reply reply = post(
        QStringLiteral("/token"),
        form({{QStringLiteral("grant_type"), QStringLiteral("urn:ietf:params:oauth:grant-type:jwt-bearer")},
              {QStringLiteral("assertion"), QString::fromLatin1(signedAssertion(keyFile, {}))}}));
    QCOMPARE(reply.status, 200);
    const QString accessToken = reply.json().value(QLatin1String("access_token")).toString();
    QCOMPARE(m_tokens.emailForAccessToken(accessToken), std::optional<QString>(m_user)); // the delegated user
    QCOMPARE(reply.json().value(QLatin1String("token_type")).toString(), QStringLiteral("Bearer"));
    QCOMPARE(reply.json().value(QLatin1String("expires_in")).toInt(), 3599);
}

void TestSandboxOAuth::serviceAccountJwtRefused_data() {
    QTest::addColumn<QJsonObject>("claims");
    QTest::addColumn<bool>("otherKey");
    QTest::addColumn<QString>("error");
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    QTest::newRow("signed with another key") << QJsonObject() << true << QStringLiteral("invalid_grant");
    QTest::newRow("wrong aud") << QJsonObject{{QStringLiteral("aud"),
                                               QStringLiteral("https://example.com/token")}}
                               << false << QStringLiteral("invalid_grant");
    QTest::newRow("expired") << QJsonObject{{QStringLiteral("iat"), now - 7200},
                                            {QStringLiteral("exp"), now - 3600}}
                             << false << QStringLiteral("invalid_grant");
    QTest::newRow("longer than an hour")
        << QJsonObject{{QStringLiteral("iat"), now}, {QStringLiteral("exp"), now + 7200}} << false
        << QStringLiteral("invalid_grant");
    QTest::newRow("iat in the future")
        << QJsonObject{{QStringLiteral("iat"), now + 3000}, {QStringLiteral("exp"), now + 3600}} << false
        << QStringLiteral("invalid_grant");
    QTest::newRow("no scope") << QJsonObject{{QStringLiteral("scope"), QJsonValue::Null}} << false
                              << QStringLiteral("invalid_scope");
    QTest::newRow("sub without mailbox")
        << QJsonObject{{QStringLiteral("sub"), QStringLiteral("nobody@example.com")}} << false
        << QStringLiteral("invalid_grant");
    QTest::newRow("unknown issuer") << QJsonObject{{QStringLiteral("iss"),
                                                    QStringLiteral("ghost@p.iam.gserviceaccount.com")}}
                                    << false << QStringLiteral("invalid_grant");
}

void TestSandboxOAuth::serviceAccountJwtRefused() {
    QFETCH(QJsonObject, claims);
    QFETCH(bool, otherKey);
    QFETCH(QString, error);
    const QJsonObject keyFile = postJson(QStringLiteral("/_sandbox/service-accounts"), {}).json();
    QByteArray otherPem;
    if (otherKey) {
        QString keyError;
        otherPem = auth::Jwt::generateRsaPrivateKeyPem(2048, &keyError).value_or(QByteArray());
        QVERIFY2(!otherPem.isEmpty(), qPrintable(keyError));
    }
    const QByteArray assertion = signedAssertion(keyFile, claims, otherPem);
    QVERIFY(!assertion.isEmpty());
    const Reply reply = post(
        QStringLiteral("/token"),
        form({{QStringLiteral("grant_type"), QStringLiteral("urn:ietf:params:oauth:grant-type:jwt-bearer")},
              {QStringLiteral("assertion"), QString::fromLatin1(assertion)}}));
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.json().value(QLatin1String("error")).toString(), error);
    QVERIFY(!reply.json().value(QLatin1String("error_description")).toString().isEmpty());
}

void TestSandboxOAuth::jwksPublishesSigningKey() {
    const Reply reply = send("GET", m_base.resolved(QUrl(QStringLiteral("/oauth2/v3/certs"))));
    QCOMPARE(reply.status, 200);
    const QJsonArray keys = reply.json().value(QLatin1String("keys")).toArray();
    QCOMPARE(keys.size(), 1);
    const QJsonObject jwk = keys.first().toObject();
    QCOMPARE(jwk.value(QLatin1String("kty")).toString(), QStringLiteral("RSA"));
    QCOMPARE(jwk.value(QLatin1String("kid")).toString(), m_accounts.oidcKeyId());
    // A token signed with the sandbox's key verifies against the published JWK.
    QString error;
    const auto jws =
        auth::Jwt::signRs256({}, {{QStringLiteral("iss"), QStringLiteral("https://accounts.google.com")}},
                             m_accounts.oidcPrivateKeyPem(), &error);
    QVERIFY2(jws, qPrintable(error));
    QVERIFY2(auth::Jwt::verifyRs256(*jws, jwk, &error), qPrintable(error));
}

void TestSandboxOAuth::statsCountTokenRequests() {
    QCOMPARE(post(QStringLiteral("/_sandbox/oauth/stats/reset"), {}).status, 200);
    const QString refreshToken =
        m_tokens.issueRefreshToken(m_user, m_clientId, {QStringLiteral("https://mail.google.com/")});
    for (int i = 0; i < 3; ++i)
        post(QStringLiteral("/token"), form({{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                                             {QStringLiteral("refresh_token"), refreshToken},
                                             {QStringLiteral("client_id"), m_clientId}}));
    const Reply reply = send("GET", m_base.resolved(QUrl(QStringLiteral("/_sandbox/oauth/stats"))));
    QCOMPARE(reply.status, 200);
    const QJsonObject stats = reply.json();
    QCOMPARE(stats.value(QLatin1String("tokenRequests")).toInt(), 3);
    QCOMPARE(stats.value(QLatin1String("tokenRequestsByGrant"))
                 .toObject()
                 .value(QLatin1String("refresh_token"))
                 .toInt(),
             3);
    QCOMPARE(stats.value(QLatin1String("tokenRequestsByUser")).toObject().value(m_user).toInt(), 3);
    const QString key = QString::fromLatin1(
        QCryptographicHash::hash(refreshToken.toUtf8(), QCryptographicHash::Sha256).toHex().left(16));
    QCOMPARE(stats.value(QLatin1String("tokenRequestsByRefreshToken")).toObject().value(key).toInt(), 3);
    QVERIFY(!reply.body.contains(refreshToken.toUtf8())); // stats never show a token
}

void TestSandboxOAuth::shortAccessTokenLifetime() {
    QCOMPARE(
        postJson(QStringLiteral("/_sandbox/oauth/settings"), {{QStringLiteral("accessTokenLifetime"), 2}})
            .status,
        200);
    const QString refreshToken =
        m_tokens.issueRefreshToken(m_user, m_clientId, {QStringLiteral("https://mail.google.com/")});
    const Reply reply =
        post(QStringLiteral("/token"), form({{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                                             {QStringLiteral("refresh_token"), refreshToken},
                                             {QStringLiteral("client_id"), m_clientId}}));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json().value(QLatin1String("expires_in")).toInt(), 1);
    const QString accessToken = reply.json().value(QLatin1String("access_token")).toString();
    QVERIFY(m_tokens.emailForAccessToken(accessToken));
    QTest::qWait(2100);
    QVERIFY(!m_tokens.emailForAccessToken(accessToken)); // expired: the Gmail API would answer 401
    QCOMPARE(
        postJson(QStringLiteral("/_sandbox/oauth/settings"), {{QStringLiteral("accessTokenLifetime"), 0}})
            .status,
        400);
    QCOMPARE(
        postJson(QStringLiteral("/_sandbox/oauth/settings"), {{QStringLiteral("accessTokenLifetime"), 3600}})
            .status,
        200);
}

void TestSandboxOAuth::autoConsentRedirectsAtOnce() {
    QCOMPARE(postJson(QStringLiteral("/_sandbox/oauth/settings"),
                      {{QStringLiteral("autoConsent"), true},
                       {QStringLiteral("autoConsentEmail"), QStringLiteral("bob@example.com")}})
                 .status,
             200);
    const QByteArray verifier = auth::Pkce::generateVerifier();
    QUrl url = authorizationUrl(m_clientId, m_redirectUri, verifier, QStringLiteral("auto"));
    QUrlQuery query(url);
    query.removeAllQueryItems(QStringLiteral("login_hint"));
    url.setQuery(query);
    const Reply reply = send("GET", url);
    // A bad request still gets the error page, never a redirect.
    QCOMPARE(
        send("GET", authorizationUrl(m_clientId, QStringLiteral("https://evil.example.com/"), verifier, {}))
            .status,
        400);
    postJson(QStringLiteral("/_sandbox/oauth/settings"), {{QStringLiteral("autoConsent"), false}});
    QCOMPARE(reply.status, 302);
    const QUrlQuery received = followToReceiver(reply.location);
    QCOMPARE(received.queryItemValue(QStringLiteral("state")), QStringLiteral("auto"));
    int status = 0;
    const QJsonObject token =
        exchange(received.queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded), verifier, &status);
    QCOMPARE(status, 200);
    QCOMPARE(m_tokens.emailForAccessToken(token.value(QLatin1String("access_token")).toString()),
             std::optional<QString>(QStringLiteral("bob@example.com")));
}

QTEST_GUILESS_MAIN(TestSandboxOAuth)
#include "TestSandboxOAuth.moc"
