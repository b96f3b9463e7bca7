#include "SandboxProcess.h"

#include "auth/Pkce.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUrlQuery>

#include <memory>

// The consent page in a real browser: headless Chromium driven through chromedriver (W3C WebDriver over
// HTTP) opens the authorization URL, clicks #allow, and lands on the app's loopback listener with a code
// that the app exchanges with its PKCE verifier.
class TestSandboxOAuthBrowser final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void allowInBrowser();
    void denyInBrowser();

private:
    QJsonObject webDriver(const QByteArray &verb, const QString &path, const QJsonObject &body = {});
    QString openAndClick(const QUrl &url, const QString &buttonSelector);
    QUrl authorizationUrl(const QByteArray &verifier, const QString &state) const;

    std::unique_ptr<testsupport::SandboxProcess> m_sandbox;
    QProcess m_driver;
    QUrl m_driverUrl;
    QString m_session;
    QTemporaryDir m_profile;
    QHttpServer m_receiver;
    QString m_redirectUri;
    QUrlQuery m_received;
    QNetworkAccessManager m_nam;
};

void TestSandboxOAuthBrowser::initTestCase() {
    m_sandbox = std::make_unique<testsupport::SandboxProcess>(
        QStringList{QStringLiteral("--user"), QStringLiteral("dana@example.com")});
    QVERIFY2(m_sandbox->isRunning(), qPrintable(m_sandbox->errorString()));

    m_receiver.route(QStringLiteral("/oauth2callback"), [this](const QHttpServerRequest &request) {
        m_received = request.query();
        return QStringLiteral("<html><body>You may close this window.</body></html>");
    });
    auto *tcp = new QTcpServer(&m_receiver);
    QVERIFY(tcp->listen(QHostAddress::LocalHost, 0));
    m_receiver.bind(tcp);
    m_redirectUri = QStringLiteral("http://127.0.0.1:%1/oauth2callback").arg(tcp->serverPort());

    // chromedriver needs a port of its own: take a free one from the kernel.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 port = probe.serverPort();
    probe.close();
    m_driver.setProgram(QStringLiteral("chromedriver"));
    m_driver.setArguments({QStringLiteral("--port=%1").arg(port)});
    m_driver.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_driver.start();
    QVERIFY2(m_driver.waitForStarted(10000), "chromedriver did not start (package chromium-driver)");
    m_driverUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
    QElapsedTimer timer;
    timer.start();
    while (!webDriver("GET", QStringLiteral("/status")).value(QLatin1String("ready")).toBool() &&
           timer.elapsed() < 15000)
        QTest::qWait(100);

    QVERIFY(m_profile.isValid());
    const QJsonObject options{
        {QStringLiteral("binary"), QStringLiteral("/usr/bin/chromium")},
        {QStringLiteral("args"),
         QJsonArray{QStringLiteral("--headless"), QStringLiteral("--no-sandbox"),
                    QStringLiteral("--disable-gpu"), QStringLiteral("--disable-dev-shm-usage"),
                    QString(QStringLiteral("--user-data-dir=") + m_profile.path())}}};
    const QJsonObject session =
        webDriver("POST", QStringLiteral("/session"),
                  {{QStringLiteral("capabilities"),
                    QJsonObject{{QStringLiteral("alwaysMatch"),
                                 QJsonObject{{QStringLiteral("goog:chromeOptions"), options}}}}}});
    m_session = session.value(QLatin1String("sessionId")).toString();
    QVERIFY2(!m_session.isEmpty(), QJsonDocument(session).toJson().constData());
}

void TestSandboxOAuthBrowser::cleanupTestCase() {
    if (!m_session.isEmpty())
        webDriver("DELETE", QStringLiteral("/session/") + m_session);
    m_driver.terminate();
    if (!m_driver.waitForFinished(5000))
        m_driver.kill();
}

QJsonObject TestSandboxOAuthBrowser::webDriver(const QByteArray &verb, const QString &path,
                                               const QJsonObject &body) {
    QNetworkRequest request(m_driverUrl.resolved(QUrl(path)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply *reply = m_nam.sendCustomRequest(
        request, verb, verb == "GET" || verb == "DELETE" ? QByteArray() : QJsonDocument(body).toJson());
    QEventLoop loop;
    connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(60000, &loop, &QEventLoop::quit);
    loop.exec(); // the loopback receiver answers the browser meanwhile
    const QJsonObject value =
        QJsonDocument::fromJson(reply->readAll()).object().value(QLatin1String("value")).toObject();
    reply->deleteLater();
    return value;
}

QUrl TestSandboxOAuthBrowser::authorizationUrl(const QByteArray &verifier, const QString &state) const {
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("client_id"),
                       QStringLiteral("browser-test.apps.googleusercontent.com"));
    query.addQueryItem(QStringLiteral("redirect_uri"),
                       QString::fromLatin1(QUrl::toPercentEncoding(m_redirectUri)));
    query.addQueryItem(QStringLiteral("response_type"), QStringLiteral("code"));
    query.addQueryItem(QStringLiteral("scope"),
                       QStringLiteral("https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fgmail.readonly"));
    query.addQueryItem(QStringLiteral("state"), state);
    query.addQueryItem(QStringLiteral("code_challenge"),
                       QString::fromLatin1(auth::Pkce::challengeS256(verifier)));
    query.addQueryItem(QStringLiteral("code_challenge_method"), QStringLiteral("S256"));
    query.addQueryItem(QStringLiteral("access_type"), QStringLiteral("offline"));
    QUrl url = m_sandbox->url().resolved(QUrl(QStringLiteral("/o/oauth2/v2/auth")));
    url.setQuery(query.query(QUrl::FullyEncoded), QUrl::StrictMode);
    return url;
}

// Opens `url`, clicks the element matching `buttonSelector`, waits for the loopback listener to be hit.
QString TestSandboxOAuthBrowser::openAndClick(const QUrl &url, const QString &buttonSelector) {
    m_received.clear();
    webDriver("POST", QStringLiteral("/session/%1/url").arg(m_session),
              {{QStringLiteral("url"), url.toString()}});
    const QJsonObject element = webDriver("POST", QStringLiteral("/session/%1/element").arg(m_session),
                                          {{QStringLiteral("using"), QStringLiteral("css selector")},
                                           {QStringLiteral("value"), buttonSelector}});
    const QString elementId = element.value(QLatin1String("element-6066-11e4-a52e-4f735466cecf")).toString();
    if (elementId.isEmpty())
        return QStringLiteral("no element %1 on the consent page").arg(buttonSelector);
    webDriver("POST", QStringLiteral("/session/%1/element/%2/click").arg(m_session, elementId));
    QElapsedTimer timer;
    timer.start();
    while (m_received.isEmpty() && timer.elapsed() < 15000)
        QTest::qWait(50);
    return m_received.isEmpty() ? QStringLiteral("the browser never reached the loopback listener")
                                : QString();
}

void TestSandboxOAuthBrowser::allowInBrowser() {
    const QByteArray verifier = auth::Pkce::generateVerifier();
    const QString failure =
        openAndClick(authorizationUrl(verifier, QStringLiteral("b1")), QStringLiteral("#allow"));
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    QCOMPARE(m_received.queryItemValue(QStringLiteral("state")), QStringLiteral("b1"));
    const QString code = m_received.queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);
    QVERIFY(!code.isEmpty());

    QUrlQuery form;
    form.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("authorization_code"));
    form.addQueryItem(QStringLiteral("code"), QString::fromLatin1(QUrl::toPercentEncoding(code)));
    form.addQueryItem(QStringLiteral("client_id"), QStringLiteral("browser-test.apps.googleusercontent.com"));
    form.addQueryItem(QStringLiteral("redirect_uri"),
                      QString::fromLatin1(QUrl::toPercentEncoding(m_redirectUri)));
    form.addQueryItem(QStringLiteral("code_verifier"), QString::fromLatin1(verifier));
    const auto token =
        m_sandbox->request("POST", QStringLiteral("/token"), form.query(QUrl::FullyEncoded).toLatin1(),
                           {{"Content-Type", "application/x-www-form-urlencoded"}});
    QCOMPARE(token.status, 200);
    const QString accessToken = token.json().value(QLatin1String("access_token")).toString();
    const auto profile = m_sandbox->request("GET", QStringLiteral("/gmail/v1/users/me/profile"), {},
                                            {{"Authorization", "Bearer " + accessToken.toLatin1()}});
    QCOMPARE(profile.status, 200);
    QCOMPARE(profile.json().value(QLatin1String("emailAddress")).toString(),
             QStringLiteral("dana@example.com"));
}

void TestSandboxOAuthBrowser::denyInBrowser() {
    const QString failure = openAndClick(
        authorizationUrl(auth::Pkce::generateVerifier(), QStringLiteral("b2")), QStringLiteral("#deny"));
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    QCOMPARE(m_received.queryItemValue(QStringLiteral("error")), QStringLiteral("access_denied"));
    QCOMPARE(m_received.queryItemValue(QStringLiteral("state")), QStringLiteral("b2"));
}

QTEST_GUILESS_MAIN(TestSandboxOAuthBrowser)
#include "TestSandboxOAuthBrowser.moc"
