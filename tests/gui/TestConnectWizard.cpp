#include "ConnectWizard.h"
#include "DbExecutor.h"
#include "TestDatabase.h"
#include "auth/CredentialStore.h"
#include "auth/Jwt.h"
#include "crypto/MasterKey.h"
#include "crypto/Vault.h"
#include "db/Database.h"
#include "db/Migrator.h"
#include "db/TenantRepository.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
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

private Q_SLOTS:
    void init() {
        QVERIFY(m_dir.isValid());
        m_testDb = std::make_unique<testsupport::TestDatabase>();
        QVERIFY2(m_testDb->isValid(), qPrintable(m_testDb->errorString()));
        QString error;
        const auto settings = db::ConnectionSettings::fromUrl(m_testDb->url(), &error);
        QVERIFY2(settings, qPrintable(error));
        db::Database::setDefaultSettings(*settings);
        QVERIFY2(db::Database::open(&error), qPrintable(error));
        db::Migrator migrator(db::Database::connection());
        QVERIFY2(migrator.migrate(), qPrintable(migrator.errorString()));
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
};

QTEST_MAIN(TestConnectWizard)
#include "TestConnectWizard.moc"
