#include "SandboxProcess.h"

#include "auth/Jwt.h"
#include "auth/Pkce.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTest>
#include <QUrlQuery>

#include <memory>

namespace {

QByteArray form(const QList<QPair<QString, QString>> &fields) {
    QByteArray out;
    for (const auto &field : fields) {
        if (!out.isEmpty())
            out += '&';
        out += QUrl::toPercentEncoding(field.first) + '=' + QUrl::toPercentEncoding(field.second);
    }
    return out;
}

const QList<QPair<QByteArray, QByteArray>> FormHeaders{{"Content-Type", "application/x-www-form-urlencoded"}};
const QString User = QStringLiteral("alice@example.com");

} // namespace

// The identity side wired into the real gmail-sandbox process: a token from the consent flow or from a
// service-account JWT opens the Gmail API; users.watch + a mailbox change reach a Pub/Sub subscription;
// Secret Manager and the merged stats answer.
class TestSandboxOAuthProcess final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void consentFlowTokenOpensGmail();
    void serviceAccountTokenOpensGmail();
    void watchNotificationReachesSubscription();
    void secretManagerAndStats();

private:
    QString gmailProfileEmail(const QString &accessToken);

    std::unique_ptr<testsupport::SandboxProcess> m_sandbox;
    QHttpServer m_receiver; // the desktop app's loopback redirect listener
    QString m_redirectUri;
    QUrlQuery m_received;
};

void TestSandboxOAuthProcess::initTestCase() {
    m_sandbox = std::make_unique<testsupport::SandboxProcess>(
        QStringList{QStringLiteral("--user"), User, QStringLiteral("--user"),
                    QStringLiteral("bob@example.com"), QStringLiteral("--generate"), QStringLiteral("3")});
    QVERIFY2(m_sandbox->isRunning(), qPrintable(m_sandbox->errorString()));
    m_receiver.route(QStringLiteral("/"), [this](const QHttpServerRequest &request) {
        m_received = request.query();
        return QStringLiteral("done");
    });
    auto *tcp = new QTcpServer(&m_receiver);
    QVERIFY(tcp->listen(QHostAddress::LocalHost, 0));
    m_receiver.bind(tcp);
    m_redirectUri = QStringLiteral("http://127.0.0.1:%1/").arg(tcp->serverPort());
}

QString TestSandboxOAuthProcess::gmailProfileEmail(const QString &accessToken) {
    const auto reply = m_sandbox->request("GET", QStringLiteral("/gmail/v1/users/me/profile"), {},
                                          {{"Authorization", "Bearer " + accessToken.toLatin1()}});
    return reply.status == 200 ? reply.json().value(QLatin1String("emailAddress")).toString() : QString();
}

void TestSandboxOAuthProcess::consentFlowTokenOpensGmail() {
    const QByteArray verifier = auth::Pkce::generateVerifier();
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("client_id"), QStringLiteral("desktop.apps.googleusercontent.com"));
    query.addQueryItem(QStringLiteral("redirect_uri"),
                       QString::fromLatin1(QUrl::toPercentEncoding(m_redirectUri)));
    query.addQueryItem(QStringLiteral("response_type"), QStringLiteral("code"));
    query.addQueryItem(QStringLiteral("scope"), QStringLiteral("https%3A%2F%2Fmail.google.com%2F"));
    query.addQueryItem(QStringLiteral("state"), QStringLiteral("xyz"));
    query.addQueryItem(QStringLiteral("code_challenge"),
                       QString::fromLatin1(auth::Pkce::challengeS256(verifier)));
    query.addQueryItem(QStringLiteral("code_challenge_method"), QStringLiteral("S256"));
    query.addQueryItem(QStringLiteral("access_type"), QStringLiteral("offline"));
    const auto page =
        m_sandbox->request("GET", QStringLiteral("/o/oauth2/v2/auth?") + query.query(QUrl::FullyEncoded));
    QCOMPARE(page.status, 200);
    // No login_hint: the page offers the sandbox's users.
    QVERIFY(page.body.contains("<option value=\"alice@example.com\">"));
    const QRegularExpression requestId(QStringLiteral("name=\"request_id\" value=\"([^\"]+)\""));
    const QString id = requestId.match(QString::fromUtf8(page.body)).captured(1);
    QVERIFY(!id.isEmpty());

    // Allow; the client follows the 302 to the loopback listener like a browser.
    m_received.clear();
    const auto allowed = m_sandbox->request("POST", QStringLiteral("/o/oauth2/v2/auth"),
                                            form({{QStringLiteral("request_id"), id},
                                                  {QStringLiteral("user"), User},
                                                  {QStringLiteral("decision"), QStringLiteral("allow")}}),
                                            FormHeaders);
    QCOMPARE(allowed.status, 200);
    QCOMPARE(m_received.queryItemValue(QStringLiteral("state")), QStringLiteral("xyz"));
    const QString code = m_received.queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);
    QVERIFY(!code.isEmpty());

    const auto token = m_sandbox->request(
        "POST", QStringLiteral("/token"),
        form({{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
              {QStringLiteral("code"), code},
              {QStringLiteral("client_id"), QStringLiteral("desktop.apps.googleusercontent.com")},
              {QStringLiteral("redirect_uri"), m_redirectUri},
              {QStringLiteral("code_verifier"), QString::fromLatin1(verifier)}}),
        FormHeaders);
    QCOMPARE(token.status, 200);
    QCOMPARE(gmailProfileEmail(token.json().value(QLatin1String("access_token")).toString()), User);

    // The refresh token works until revoked through the control API, then answers invalid_grant.
    const QString refreshToken = token.json().value(QLatin1String("refresh_token")).toString();
    const auto refresh = [&] {
        return m_sandbox->request(
            "POST", QStringLiteral("/token"),
            form({{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                  {QStringLiteral("refresh_token"), refreshToken},
                  {QStringLiteral("client_id"), QStringLiteral("desktop.apps.googleusercontent.com")}}),
            FormHeaders);
    };
    QCOMPARE(refresh().status, 200);
    int status = 0;
    m_sandbox->control("POST", QStringLiteral("/_sandbox/oauth/revoke"), {{QStringLiteral("email"), User}},
                       &status);
    QCOMPARE(status, 200);
    const auto revoked = refresh();
    QCOMPARE(revoked.status, 400);
    QCOMPARE(revoked.json().value(QLatin1String("error")).toString(), QStringLiteral("invalid_grant"));
}

void TestSandboxOAuthProcess::serviceAccountTokenOpensGmail() {
    int status = 0;
    const QJsonObject keyFile = m_sandbox
                                    ->control("POST", QStringLiteral("/_sandbox/service-accounts"),
                                              {{QStringLiteral("clientEmail"),
                                                QStringLiteral("sync@tenant-a.iam.gserviceaccount.com")}},
                                              &status)
                                    .object();
    QCOMPARE(status, 200);
    QCOMPARE(keyFile.value(QLatin1String("project_id")).toString(), QStringLiteral("tenant-a"));
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    QString error;
    const auto assertion = auth::Jwt::signRs256(
        {{QStringLiteral("kid"), keyFile.value(QLatin1String("private_key_id"))}},
        {{QStringLiteral("iss"), keyFile.value(QLatin1String("client_email"))},
         {QStringLiteral("sub"), User},
         {QStringLiteral("scope"), QStringLiteral("https://www.googleapis.com/auth/gmail.readonly")},
         {QStringLiteral("aud"), keyFile.value(QLatin1String("token_uri"))},
         {QStringLiteral("iat"), now},
         {QStringLiteral("exp"), now + 3600}},
        keyFile.value(QLatin1String("private_key")).toString().toLatin1(), &error);
    QVERIFY2(assertion, qPrintable(error));
    const auto token = m_sandbox->request(
        "POST", QStringLiteral("/token"),
        form({{QStringLiteral("grant_type"), QStringLiteral("urn:ietf:params:oauth:grant-type:jwt-bearer")},
              {QStringLiteral("assertion"), QString::fromLatin1(*assertion)}}),
        FormHeaders);
    QCOMPARE(token.status, 200);
    QCOMPARE(gmailProfileEmail(token.json().value(QLatin1String("access_token")).toString()), User);
}

void TestSandboxOAuthProcess::watchNotificationReachesSubscription() {
    const QString bob = QStringLiteral("bob@example.com");
    const QByteArray bearer = "Bearer " + m_sandbox->accessToken(bob).toLatin1();
    const QString topic = QStringLiteral("projects/tenant-a/topics/gmail-push");
    const auto created = m_sandbox->request(
        "PUT", QStringLiteral("/v1/projects/tenant-a/subscriptions/gmail-pull"),
        QJsonDocument(QJsonObject{{QStringLiteral("topic"), topic}}).toJson(), {{"Authorization", bearer}});
    QCOMPARE(created.status, 200);
    const auto watch =
        m_sandbox->request("POST", QStringLiteral("/gmail/v1/users/me/watch"),
                           QJsonDocument(QJsonObject{{QStringLiteral("topicName"), topic}}).toJson(),
                           {{"Authorization", bearer}});
    QCOMPARE(watch.status, 200);

    const QByteArray raw = "From: x@example.com\r\nTo: bob@example.com\r\nSubject: ping\r\n\r\nhello\r\n";
    int status = 0;
    m_sandbox->control(
        "POST", QStringLiteral("/_sandbox/users/%1/messages").arg(bob),
        {{QStringLiteral("raw"), QString::fromLatin1(raw.toBase64(QByteArray::Base64UrlEncoding))},
         {QStringLiteral("labelIds"), QJsonArray{QStringLiteral("INBOX")}}},
        &status);
    QCOMPARE(status, 200);
    const quint64 historyId = m_sandbox->control("GET", QStringLiteral("/_sandbox/users/%1/state").arg(bob))
                                  .object()
                                  .value(QLatin1String("historyId"))
                                  .toVariant()
                                  .toULongLong();
    QVERIFY(historyId > 0);

    QJsonArray received;
    QElapsedTimer timer;
    timer.start();
    while (received.isEmpty() && timer.elapsed() < 5000) {
        const auto pulled =
            m_sandbox->request("POST", QStringLiteral("/v1/projects/tenant-a/subscriptions/gmail-pull:pull"),
                               QJsonDocument(QJsonObject{{QStringLiteral("maxMessages"), 10}}).toJson(),
                               {{"Authorization", bearer}});
        QCOMPARE(pulled.status, 200);
        received = pulled.json().value(QLatin1String("receivedMessages")).toArray();
        if (received.isEmpty())
            QTest::qWait(100);
    }
    QCOMPARE(received.size(), 1);
    const QJsonObject data =
        QJsonDocument::fromJson(QByteArray::fromBase64(received.at(0)
                                                           .toObject()
                                                           .value(QLatin1String("message"))
                                                           .toObject()
                                                           .value(QLatin1String("data"))
                                                           .toString()
                                                           .toLatin1()))
            .object();
    QCOMPARE(data.value(QLatin1String("emailAddress")).toString(), bob);
    QCOMPARE(data.value(QLatin1String("historyId")).toString().toULongLong(), historyId);
}

void TestSandboxOAuthProcess::secretManagerAndStats() {
    int status = 0;
    m_sandbox->control("PUT", QStringLiteral("/_sandbox/secrets/tenant-a/master-key"),
                       {{QStringLiteral("data"), QString::fromLatin1(QByteArray(32, '\x11').toBase64())}},
                       &status);
    QCOMPARE(status, 200);
    const auto secret = m_sandbox->request(
        "GET", QStringLiteral("/v1/projects/tenant-a/secrets/master-key/versions/latest:access"), {},
        {{"Authorization", "Bearer " + m_sandbox->accessToken(User).toLatin1()}});
    QCOMPARE(secret.status, 200);
    QCOMPARE(QByteArray::fromBase64(secret.json()
                                        .value(QLatin1String("payload"))
                                        .toObject()
                                        .value(QLatin1String("data"))
                                        .toString()
                                        .toLatin1()),
             QByteArray(32, '\x11'));

    const QJsonObject stats = m_sandbox->control("GET", QStringLiteral("/_sandbox/stats")).object();
    const QJsonObject oauth = stats.value(QLatin1String("oauth")).toObject();
    QVERIFY(oauth.value(QLatin1String("tokenRequestsByGrant"))
                .toObject()
                .value(QLatin1String("refresh_token"))
                .toInt() >= 2);
    QCOMPARE(oauth.value(QLatin1String("tokenRequestsByGrant"))
                 .toObject()
                 .value(QLatin1String("jwt_bearer"))
                 .toInt(),
             1);
    QCOMPARE(
        stats.value(QLatin1String("pubsub")).toObject().value(QLatin1String("gmailNotifications")).toInt(),
        1);
    m_sandbox->control("POST", QStringLiteral("/_sandbox/stats/reset"));
    const QJsonObject reset = m_sandbox->control("GET", QStringLiteral("/_sandbox/stats")).object();
    QCOMPARE(reset.value(QLatin1String("oauth")).toObject().value(QLatin1String("tokenRequests")).toInt(), 0);
}

QTEST_GUILESS_MAIN(TestSandboxOAuthProcess)
#include "TestSandboxOAuthProcess.moc"
