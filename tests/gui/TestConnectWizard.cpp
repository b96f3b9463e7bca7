#include "ConnectWizard.h"
#include "DbExecutor.h"
#include "SandboxProcess.h"
#include "TestDatabase.h"
#include "auth/CredentialStore.h"
#include "auth/Jwt.h"
#include "crypto/MasterKey.h"
#include "crypto/Vault.h"
#include "db/Database.h"
#include "db/IntegrationRepository.h"
#include "db/Migrator.h"
#include "db/TenantRepository.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

// The connect wizard validates the tenant and the keys file before anything is stored, then seals the
// credentials with the master key (GMAIL_SYNC_KEY_SOURCES=env, GMAIL_SYNC_MASTER_KEY set by CMake for
// this test) and stores them, off the GUI thread, in a real PostgreSQL.
class TestConnectWizard final : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<testsupport::TestDatabase> m_testDb;
    QTemporaryDir m_dir;

    QString writeFile(const QString &name, const QByteArray &content) {
        QFile f(m_dir.filePath(name));
        if (!f.open(QIODevice::WriteOnly))
            return {};
        f.write(content);
        return f.fileName();
    }

    static QByteArray serviceAccountJson() {
        QString error;
        const auto pem = auth::Jwt::generateRsaPrivateKeyPem(2048, &error);
        if (!pem)
            return {};
        return QJsonDocument(
                   QJsonObject{
                       {QStringLiteral("type"), QStringLiteral("service_account")},
                       {QStringLiteral("project_id"), QStringLiteral("acme")},
                       {QStringLiteral("private_key_id"), QStringLiteral("k1")},
                       {QStringLiteral("private_key"), QString::fromLatin1(*pem)},
                       {QStringLiteral("client_email"), QStringLiteral("gsa@acme.iam.gserviceaccount.com")},
                       {QStringLiteral("client_id"), QStringLiteral("42")},
                       {QStringLiteral("token_uri"), QStringLiteral("https://oauth2.googleapis.com/token")}})
            .toJson();
    }

    // Points the wizard at the sandbox; the "browser" is a GET that follows the sandbox's auto-consent
    // redirect to the wizard's loopback listener.
    static void useSandbox(ui::ConnectWizard &wizard, testsupport::SandboxProcess &sandbox,
                           QNetworkAccessManager &nam, QList<QUrl> *opened) {
        const QUrl base = sandbox.url();
        wizard.setEndpoints({base.resolved(QUrl(QStringLiteral("/o/oauth2/v2/auth"))),
                             base.resolved(QUrl(QStringLiteral("/token"))), base});
        wizard.setOAuthClient(QStringLiteral("gsa-admin-test.apps.googleusercontent.com"),
                              QStringLiteral("installed-app-secret"));
        wizard.setUrlOpener([&nam, opened](const QUrl &url) {
            opened->append(url);
            QNetworkReply *reply = nam.get(QNetworkRequest(url));
            QObject::connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
        });
    }

    static void autoConsent(testsupport::SandboxProcess &sandbox, bool on) {
        int status = 0;
        sandbox.control("PUT", QStringLiteral("/_sandbox/oauth/settings"),
                        {{QStringLiteral("autoConsent"), on},
                         {QStringLiteral("autoConsentEmail"), QStringLiteral("ops@acme.example")}},
                        &status);
        QCOMPARE(status, 200);
    }

    // The integration is stored sealed: the row never holds the refresh token in clear, and the vault
    // (key from GMAIL_SYNC_MASTER_KEY) opens it to the token the sandbox granted.
    static void verifySealedOAuth(const QString &tenantId) {
        db::IntegrationRepository integrations(db::Database::connection());
        const auto row = integrations.find(tenantId);
        QVERIFY2(row, qPrintable(integrations.errorString()));
        QCOMPARE(row->authType, QStringLiteral("oauth"));
        QCOMPARE(row->status, QStringLiteral("active"));
        QString error;
        const auto key = crypto::MasterKey::fromBase64(qgetenv("GMAIL_SYNC_MASTER_KEY"), &error);
        QVERIFY2(key, qPrintable(error));
        const crypto::Vault vault(*key);
        auth::CredentialStore store(vault, db::Database::connection());
        const auto credentials = store.load(tenantId);
        QVERIFY2(credentials, qPrintable(store.errorString()));
        QCOMPARE(credentials->authType, auth::CredentialStore::AuthType::OAuth);
        const QString refreshToken = credentials->keys.value(QLatin1String("refreshToken")).toString();
        QVERIFY(refreshToken.size() > 10);
        QVERIFY(!row->encryptedKeys.contains(refreshToken.toUtf8()));
        QCOMPARE(credentials->keys.value(QLatin1String("clientId")).toString(),
                 QStringLiteral("gsa-admin-test.apps.googleusercontent.com"));
    }

private Q_SLOTS:
    void init() {
        QVERIFY(m_dir.isValid());
        m_testDb = std::make_unique<testsupport::TestDatabase>();
        QVERIFY2(m_testDb->isValid(), qPrintable(m_testDb->errorString()));
        QString error;
        QVERIFY2(m_testDb->openMigrated(&error), qPrintable(error));
    }

    void cleanup() {
        db::Database::closeThreadConnection();
        m_testDb.reset();
    }

    void storesAServiceAccount() {
        ui::DbExecutor executor;
        ui::ConnectWizard wizard(&executor);
        wizard.show();
        QVERIFY(QTest::qWaitForWindowExposed(&wizard));
        wizard.findChild<QLineEdit *>(QStringLiteral("tenantId"))->setText(QStringLiteral("acme"));
        wizard.findChild<QLineEdit *>(QStringLiteral("displayName"))->setText(QStringLiteral("ACME"));
        wizard.findChild<QLineEdit *>(QStringLiteral("gmailAddress"))
            ->setText(QStringLiteral("not an address"));
        wizard.next();
        QCOMPARE(wizard.currentId(), 0); // refused
        QVERIFY2(wizard.errorText().contains(QLatin1String("address")), qPrintable(wizard.errorText()));
        wizard.findChild<QLineEdit *>(QStringLiteral("gmailAddress"))
            ->setText(QStringLiteral("ops@acme.example"));
        wizard.next();
        QCOMPARE(wizard.currentId(), 1);

        // A broken key file is refused with the field named and nothing stored.
        wizard.findChild<QLineEdit *>(QStringLiteral("keysFile"))
            ->setText(
                writeFile(QStringLiteral("bad.json"), R"({"type":"service_account","client_email":"x@y"})"));
        QSignalSpy connected(&wizard, &ui::ConnectWizard::connected);
        wizard.accept();
        QVERIFY2(wizard.errorText().contains(QLatin1String("private_key")), qPrintable(wizard.errorText()));
        QCOMPARE(connected.count(), 0);
        db::TenantRepository tenants(db::Database::connection());
        QVERIFY(!tenants.find(QStringLiteral("acme")));

        const QByteArray keys = serviceAccountJson();
        QVERIFY(!keys.isEmpty());
        wizard.findChild<QLineEdit *>(QStringLiteral("keysFile"))
            ->setText(writeFile(QStringLiteral("sa.json"), keys));
        wizard.accept();
        QTRY_COMPARE(connected.count(), 1);
        QCOMPARE(connected.at(0).at(0).toString(), QStringLiteral("acme"));
        QVERIFY(!wizard.isVisible());

        const auto tenant = tenants.find(QStringLiteral("acme"));
        QVERIFY(tenant);
        QCOMPARE(tenant->displayName, QStringLiteral("ACME"));
        QCOMPARE(tenant->gmailAddress, QStringLiteral("ops@acme.example"));
        // Sealed with the key from GMAIL_SYNC_MASTER_KEY: it opens with that key and holds the file's keys.
        QString error;
        const auto key = crypto::MasterKey::fromBase64(qgetenv("GMAIL_SYNC_MASTER_KEY"), &error);
        QVERIFY2(key, qPrintable(error));
        const crypto::Vault vault(*key);
        auth::CredentialStore store(vault, db::Database::connection());
        const auto credentials = store.load(QStringLiteral("acme"));
        QVERIFY2(credentials, qPrintable(store.errorString()));
        QCOMPARE(credentials->authType, auth::CredentialStore::AuthType::ServiceAccount);
        QCOMPARE(credentials->keys.value(QLatin1String("client_email")).toString(),
                 QStringLiteral("gsa@acme.iam.gserviceaccount.com"));
    }

    void refusesAnOAuthFileWithoutRefreshToken() {
        ui::DbExecutor executor;
        ui::ConnectWizard wizard(&executor);
        wizard.show();
        wizard.findChild<QLineEdit *>(QStringLiteral("tenantId"))->setText(QStringLiteral("globex"));
        wizard.findChild<QLineEdit *>(QStringLiteral("gmailAddress"))
            ->setText(QStringLiteral("mail@globex.example"));
        wizard.next();
        QCOMPARE(wizard.currentId(), 1);
        wizard.findChild<QRadioButton *>(QStringLiteral("authOAuth"))->setChecked(true);
        wizard.findChild<QLineEdit *>(QStringLiteral("keysFile"))
            ->setText(writeFile(QStringLiteral("oauth.json"),
                                R"({"clientId":"id","clientSecret":"s3cr3t-value"})"));
        wizard.accept();
        QVERIFY2(wizard.errorText().contains(QLatin1String("refreshToken")), qPrintable(wizard.errorText()));
        QVERIFY(!wizard.errorText().contains(QLatin1String("s3cr3t-value"))); // never echo secrets
        db::TenantRepository tenants(db::Database::connection());
        QVERIFY(!tenants.find(QStringLiteral("globex")));
    }

    void connectsThroughTheBrowser() {
        testsupport::SandboxProcess sandbox({QStringLiteral("--user"), QStringLiteral("ops@acme.example"),
                                             QStringLiteral("--generate"), QStringLiteral("3")});
        QVERIFY2(sandbox.isRunning(), qPrintable(sandbox.errorString()));
        autoConsent(sandbox, true);
        QNetworkAccessManager nam;
        QList<QUrl> opened;
        ui::DbExecutor executor;
        ui::ConnectWizard wizard(&executor);
        useSandbox(wizard, sandbox, nam, &opened);
        wizard.show();
        wizard.findChild<QLineEdit *>(QStringLiteral("tenantId"))->setText(QStringLiteral("acme"));
        wizard.findChild<QLineEdit *>(QStringLiteral("gmailAddress"))
            ->setText(QStringLiteral("ops@acme.example"));
        wizard.next();
        wizard.findChild<QRadioButton *>(QStringLiteral("authBrowser"))->setChecked(true);
        QCOMPARE(wizard.nextId(), int(ui::ConnectWizard::BrowserPage));
        QSignalSpy connected(&wizard, &ui::ConnectWizard::connected);
        wizard.next();
        QCOMPARE(wizard.currentId(), int(ui::ConnectWizard::BrowserPage));
        QTRY_COMPARE_WITH_TIMEOUT(connected.count(), 1, 20000);
        QCOMPARE(opened.size(), 1);
        // The address shown for copying is the one the browser got: Google's parameters, PKCE S256.
        const QString shown = wizard.findChild<QLineEdit *>(QStringLiteral("authorizationUrl"))->text();
        QCOMPARE(QUrl(shown), opened.constFirst());
        QVERIFY(shown.startsWith(sandbox.url().toString()));
        QVERIFY(shown.contains(QLatin1String("code_challenge_method=S256")));
        QVERIFY(wizard.findChild<QLineEdit *>(QStringLiteral("authorizationUrl"))->isReadOnly());
        QTRY_VERIFY(!wizard.isVisible());
        QCOMPARE(wizard.result(), int(QDialog::Accepted));
        db::TenantRepository tenants(db::Database::connection());
        const auto tenant = tenants.find(QStringLiteral("acme"));
        QVERIFY(tenant);
        QCOMPARE(tenant->gmailAddress, QStringLiteral("ops@acme.example"));
        verifySealedOAuth(QStringLiteral("acme"));
    }

    void reconnectsANeedsReauthIntegration() {
        testsupport::SandboxProcess sandbox({QStringLiteral("--user"), QStringLiteral("ops@acme.example"),
                                             QStringLiteral("--generate"), QStringLiteral("3")});
        QVERIFY2(sandbox.isRunning(), qPrintable(sandbox.errorString()));
        autoConsent(sandbox, true);
        db::TenantRepository tenants(db::Database::connection());
        db::Tenant tenant;
        tenant.id = QStringLiteral("acme");
        tenant.displayName = QStringLiteral("ACME");
        tenant.gmailAddress = QStringLiteral("ops@acme.example");
        QVERIFY(tenants.add(tenant));
        db::IntegrationRepository integrations(db::Database::connection());
        QVERIFY(integrations.upsert(tenant.id, db::IntegrationRepository::Gmail, QStringLiteral("oauth"),
                                    QByteArray("stale"), QStringLiteral("old")));
        QVERIFY(integrations.setStatus(tenant.id, db::IntegrationRepository::Gmail,
                                       QStringLiteral("needs_reauth"), QStringLiteral("invalid_grant")));

        QNetworkAccessManager nam;
        QList<QUrl> opened;
        ui::DbExecutor executor;
        ui::ConnectWizard wizard(&executor);
        useSandbox(wizard, sandbox, nam, &opened);
        wizard.setReconnect(tenant);
        wizard.show();
        QVERIFY(wizard.findChild<QLineEdit *>(QStringLiteral("tenantId"))->isReadOnly());
        QSignalSpy connected(&wizard, &ui::ConnectWizard::connected);
        wizard.next();
        QVERIFY(wizard.findChild<QRadioButton *>(QStringLiteral("authBrowser"))->isChecked());
        wizard.next();
        QTRY_COMPARE_WITH_TIMEOUT(connected.count(), 1, 20000);
        QVERIFY(QUrl(opened.value(0)).query().contains(QLatin1String("login_hint=ops")));
        verifySealedOAuth(tenant.id); // status back to active, new sealed keys
    }

    void showsTimeoutAndCancel() {
        ui::DbExecutor executor;
        ui::ConnectWizard wizard(&executor);
        QList<QUrl> opened;
        wizard.setEndpoints({QUrl(QStringLiteral("http://127.0.0.1:9/o/oauth2/v2/auth")),
                             QUrl(QStringLiteral("http://127.0.0.1:9/token")),
                             QUrl(QStringLiteral("http://127.0.0.1:9"))});
        wizard.setOAuthClient(QStringLiteral("gsa-admin-test.apps.googleusercontent.com"));
        wizard.setUrlOpener([&opened](const QUrl &url) { opened.append(url); }); // nobody answers
        wizard.setFlowTimeoutSeconds(2);
        wizard.show();
        wizard.findChild<QLineEdit *>(QStringLiteral("tenantId"))->setText(QStringLiteral("initech"));
        wizard.findChild<QLineEdit *>(QStringLiteral("gmailAddress"))
            ->setText(QStringLiteral("it@initech.example"));
        wizard.next();
        wizard.findChild<QRadioButton *>(QStringLiteral("authBrowser"))->setChecked(true);
        wizard.findChild<QLineEdit *>(QStringLiteral("oauthClientId"))->clear();
        wizard.next();
        QCOMPARE(wizard.currentId(), int(ui::ConnectWizard::KeysPage)); // a client id is required
        QVERIFY2(wizard.errorText().contains(QLatin1String("client id")), qPrintable(wizard.errorText()));
        wizard.findChild<QLineEdit *>(QStringLiteral("oauthClientId"))
            ->setText(QStringLiteral("gsa-admin-test.apps.googleusercontent.com"));
        QSignalSpy failed(&wizard, &ui::ConnectWizard::failed);
        wizard.next();
        QCOMPARE(wizard.currentId(), int(ui::ConnectWizard::BrowserPage));
        QTRY_COMPARE(opened.size(), 1);
        QVERIFY2(
            wizard.findChild<QLabel *>(QStringLiteral("countdown"))->text().contains(QLatin1String("0:0")),
            qPrintable(wizard.findChild<QLabel *>(QStringLiteral("countdown"))->text()));
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10000);
        QVERIFY2(wizard.browserStatus().contains(QLatin1String("2 s")) ||
                     wizard.browserStatus().contains(QLatin1String("time")),
                 qPrintable(wizard.browserStatus()));
        wizard.accept(); // Finish does nothing until connected
        QVERIFY(wizard.isVisible());
        auto *retry = wizard.findChild<QPushButton *>(QStringLiteral("retrySignIn"));
        QVERIFY(retry->isEnabled());
        retry->click();
        QTRY_COMPARE(opened.size(), 2);
        wizard.findChild<QPushButton *>(QStringLiteral("cancelSignIn"))->click();
        QTRY_COMPARE(failed.count(), 2);
        QVERIFY2(wizard.browserStatus().contains(QLatin1String("cancelled")),
                 qPrintable(wizard.browserStatus()));
        db::TenantRepository tenants(db::Database::connection());
        QVERIFY(!tenants.find(QStringLiteral("initech")));
    }
};

QTEST_MAIN(TestConnectWizard)
#include "TestConnectWizard.moc"
