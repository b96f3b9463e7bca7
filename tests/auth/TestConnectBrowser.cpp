// End-to-end OAuth installed-app flow in a real browser: `gmail-sync connect` listens on a loopback
// port, headless Chromium (Debian's chromium, driven through chromedriver's W3C WebDriver API) opens
// the sandbox's consent page and clicks "Allow" or "Deny", and the test checks what was stored.
#include "SandboxProcess.h"
#include "TestDatabase.h"
#include "WebDriver.h"
#include "auth/CredentialStore.h"
#include "crypto/MasterKey.h"
#include "crypto/Vault.h"
#include "db/ConnectionSettings.h"
#include "db/Database.h"
#include "db/IntegrationRepository.h"
#include "db/Migrator.h"
#include "db/TenantRepository.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <QUrlQuery>

namespace {

const QString kUser = QStringLiteral("alice@example.com");
const QString kClientId = QStringLiteral("e2e-client.apps.googleusercontent.com");

} // namespace

class TestConnectBrowser final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void allowStoresEncryptedRefreshTokenAndAddress();
    void denyEndsCleanly();
    void wrongStateIsRejected();
    void timeoutEndsCleanly();

private:
    // Starts `gmail-sync connect` and returns the authorization URL it prints.
    QUrl startConnect(QProcess &process, int timeoutSeconds = 120);
    int finish(QProcess &process, QString *out, QString *err);

    std::unique_ptr<testsupport::SandboxProcess> m_sandbox;
    std::unique_ptr<testsupport::TestDatabase> m_db;
    QByteArray m_masterKey;
    QString m_stderrSoFar;
};

void TestConnectBrowser::initTestCase() {
    m_sandbox = std::make_unique<testsupport::SandboxProcess>(
        QStringList{QStringLiteral("--user"), kUser, QStringLiteral("--generate"), QStringLiteral("5")});
    QVERIFY2(m_sandbox->isRunning(), qPrintable(m_sandbox->errorString()));
    m_masterKey = QByteArray(32, '\x5a').toBase64();
}

void TestConnectBrowser::init() {
    m_db = std::make_unique<testsupport::TestDatabase>();
    QVERIFY2(m_db->isValid(), qPrintable(m_db->errorString()));
    QString error;
    QVERIFY2(m_db->openMigrated(&error), qPrintable(error));
}

void TestConnectBrowser::cleanup() {
    db::Database::closeThreadConnection();
    m_db.reset();
}

QUrl TestConnectBrowser::startConnect(QProcess &process, int timeoutSeconds) {
    const QString base = m_sandbox->url().toString();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("GMAIL_SYNC_MASTER_KEY"), QString::fromLatin1(m_masterKey));
    process.setProcessEnvironment(env);
    process.start(qEnvironmentVariable("GSA_BIN_DIR") + QStringLiteral("/gmail-sync"),
                  {QStringLiteral("--database"), m_db->url(), QStringLiteral("--gmail-api-url"), base,
                   QStringLiteral("--oauth-token-url"), base + QStringLiteral("/token"),
                   QStringLiteral("--oauth-auth-url"), base + QStringLiteral("/o/oauth2/v2/auth"),
                   QStringLiteral("connect"), QStringLiteral("acme"), QStringLiteral("--client-id"),
                   kClientId, QStringLiteral("--client-secret"), QStringLiteral("e2e-secret"),
                   QStringLiteral("--no-browser"), QStringLiteral("--timeout"),
                   QString::number(timeoutSeconds)});
    m_stderrSoFar.clear();
    QElapsedTimer clock;
    clock.start();
    static const QRegularExpression urlLine(QStringLiteral("^(http://\\S+)$"),
                                            QRegularExpression::MultilineOption);
    while (clock.elapsed() < 30000) {
        process.waitForReadyRead(200);
        m_stderrSoFar += QString::fromUtf8(process.readAllStandardError());
        const auto match = urlLine.match(m_stderrSoFar);
        if (match.hasMatch())
            return QUrl(match.captured(1));
        if (process.state() == QProcess::NotRunning)
            break;
    }
    return {};
}

int TestConnectBrowser::finish(QProcess &process, QString *out, QString *err) {
    if (!process.waitForFinished(60000))
        process.kill();
    *out = QString::fromUtf8(process.readAllStandardOutput());
    *err = m_stderrSoFar + QString::fromUtf8(process.readAllStandardError());
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
}

void TestConnectBrowser::allowStoresEncryptedRefreshTokenAndAddress() {
    QProcess connect;
    const QUrl authUrl = startConnect(connect);
    QVERIFY2(authUrl.isValid(), qPrintable(m_stderrSoFar));
    const QUrlQuery query(authUrl);
    QCOMPARE(query.queryItemValue(QStringLiteral("code_challenge_method")), QStringLiteral("S256"));
    QVERIFY(!query.queryItemValue(QStringLiteral("state")).isEmpty());
    QVERIFY(
        query.queryItemValue(QStringLiteral("redirect_uri")).startsWith(QLatin1String("http://127.0.0.1:")));

    testsupport::WebDriver browser;
    QString error;
    QVERIFY2(browser.start(&error), qPrintable(error));
    QVERIFY(browser.navigate(authUrl.toString(QUrl::FullyEncoded)));
    QVERIFY2(browser.pageSource().contains(QLatin1String("gmail.readonly")), "consent page names the scope");
    QVERIFY2(browser.click(QStringLiteral("#allow")), "the consent page has an Allow button");

    QString out;
    QString err;
    QCOMPARE(finish(connect, &out, &err), 0);
    QVERIFY2(out.contains(QStringLiteral("connected tenant acme to ") + kUser), qPrintable(out + err));
    // The browser landed on our loopback page.
    QTRY_VERIFY_WITH_TIMEOUT(browser.pageSource().contains(QLatin1String("Signed in")), 10000);
    QVERIFY(browser.currentUrl().startsWith(query.queryItemValue(QStringLiteral("redirect_uri"))));

    // The tenant learned its address from the Gmail profile.
    db::TenantRepository tenants(db::Database::connection());
    const auto tenant = tenants.find(QStringLiteral("acme"));
    QVERIFY(tenant);
    QCOMPARE(tenant->gmailAddress, kUser);

    // The refresh token is stored sealed: it opens with the master key, and its bytes are not in the row.
    QString keyError;
    const auto key = crypto::MasterKey::fromBase64(m_masterKey, &keyError);
    QVERIFY2(key, qPrintable(keyError));
    const crypto::Vault vault(*key);
    auth::CredentialStore store(vault, db::Database::connection());
    const auto credentials = store.load(QStringLiteral("acme"));
    QVERIFY2(credentials, qPrintable(store.errorString()));
    const QString refreshToken = credentials->keys.value(QLatin1String("refreshToken")).toString();
    QVERIFY(!refreshToken.isEmpty());
    const QByteArray sealed = credentials->integration.encryptedKeys;
    QVERIFY(!sealed.contains(refreshToken.toUtf8()));
    QVERIFY(!sealed.toBase64().contains(refreshToken.toUtf8().toBase64().left(16)));
    // And it is a real grant: the sandbox's token endpoint refreshes it.
    const auto refreshed = m_sandbox->request(
        "POST", QStringLiteral("/token"),
        "grant_type=refresh_token&client_id=" + QUrl::toPercentEncoding(kClientId) +
            "&client_secret=e2e-secret&refresh_token=" + QUrl::toPercentEncoding(refreshToken),
        {{"Content-Type", "application/x-www-form-urlencoded"}});
    QCOMPARE(refreshed.status, 200);
    QVERIFY(!refreshed.json().value(QLatin1String("access_token")).toString().isEmpty());
}

void TestConnectBrowser::denyEndsCleanly() {
    QProcess connect;
    const QUrl authUrl = startConnect(connect);
    QVERIFY2(authUrl.isValid(), qPrintable(m_stderrSoFar));
    testsupport::WebDriver browser;
    QString error;
    QVERIFY2(browser.start(&error), qPrintable(error));
    QVERIFY(browser.navigate(authUrl.toString(QUrl::FullyEncoded)));
    QVERIFY(browser.click(QStringLiteral("#deny")));
    QString out;
    QString err;
    QCOMPARE(finish(connect, &out, &err), 1);
    QVERIFY2(err.contains(QLatin1String("denied")), qPrintable(err));
    db::IntegrationRepository integrations(db::Database::connection());
    QVERIFY(!integrations.find(QStringLiteral("acme")));
    db::TenantRepository tenants(db::Database::connection());
    QVERIFY(!tenants.find(QStringLiteral("acme")));
}

void TestConnectBrowser::wrongStateIsRejected() {
    QProcess connect;
    const QUrl authUrl = startConnect(connect);
    QVERIFY2(authUrl.isValid(), qPrintable(m_stderrSoFar));
    // A forged redirect with someone else's code and state reaches the loopback listener first.
    QUrl forged(QUrlQuery(authUrl).queryItemValue(QStringLiteral("redirect_uri"), QUrl::FullyDecoded));
    forged.setQuery(QStringLiteral("code=forged-code&state=not-the-state"));
    const auto page = [&] {
        QNetworkAccessManager nam;
        std::unique_ptr<QNetworkReply> reply(nam.get(QNetworkRequest(forged)));
        QEventLoop loop;
        QObject::connect(reply.get(), &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    }();
    QCOMPARE(page, 400);
    QString out;
    QString err;
    QCOMPARE(finish(connect, &out, &err), 1);
    QVERIFY2(err.contains(QLatin1String("state")), qPrintable(err));
    db::IntegrationRepository integrations(db::Database::connection());
    QVERIFY(!integrations.find(QStringLiteral("acme")));
}

void TestConnectBrowser::timeoutEndsCleanly() {
    QProcess connect;
    QElapsedTimer clock;
    clock.start();
    const QUrl authUrl = startConnect(connect, 2);
    QVERIFY2(authUrl.isValid(), qPrintable(m_stderrSoFar));
    QString out;
    QString err;
    QCOMPARE(finish(connect, &out, &err), 1);
    QVERIFY2(err.contains(QLatin1String("within 2 s")), qPrintable(err));
    QVERIFY(clock.elapsed() < 30000);
    // The listener is gone with the process.
    QTcpSocket probe;
    probe.connectToHost(
        QHostAddress::LocalHost,
        QUrl(QUrlQuery(authUrl).queryItemValue(QStringLiteral("redirect_uri"), QUrl::FullyDecoded)).port());
    QVERIFY(!probe.waitForConnected(1000));
}

QTEST_GUILESS_MAIN(TestConnectBrowser)
#include "TestConnectBrowser.moc"
