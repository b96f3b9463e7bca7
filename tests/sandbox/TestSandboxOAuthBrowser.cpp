#include "SandboxProcess.h"
#include "WebDriver.h"

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
    QString openAndClick(const QUrl &url, const QString &buttonSelector);
    QUrl authorizationUrl(const QByteArray &verifier, const QString &state) const;

    std::unique_ptr<testsupport::SandboxProcess> m_sandbox;
    testsupport::WebDriver m_browser;
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

    QString error;
    QVERIFY2(m_browser.start(&error), qPrintable(error));
}

void TestSandboxOAuthBrowser::cleanupTestCase() {}

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
    if (!m_browser.navigate(url.toString()))
        return QStringLiteral("the browser could not open the consent page");
    if (!m_browser.click(buttonSelector))
        return QStringLiteral("no element %1 on the consent page").arg(buttonSelector);
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
