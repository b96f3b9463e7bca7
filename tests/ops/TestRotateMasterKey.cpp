#include "OpsTestFixture.h"
#include "crypto/KeyFileProvider.h"
#include "crypto/KeyProviderChain.h"
#include "db/IntegrationRepository.h"
#include "ops/ConnectMailbox.h"
#include "ops/RotateMasterKey.h"

#include <QTemporaryDir>

// ops::RotateMasterKey with the master key in GMAIL_SYNC_MASTER_KEY (a source this program cannot change):
// without a new key file it refuses and changes nothing; with one it re-seals every integration under the
// new key, and the credentials still open.
class TestRotateMasterKey final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init() {
        QString error;
        QVERIFY2(m_fixture.open(&error), qPrintable(error));
        for (const QString &id : {QStringLiteral("acme"), QStringLiteral("globex")}) {
            QByteArray key = opstest::Fixture::serviceAccountKey();
            const auto r = ops::ConnectMailbox().withServiceAccountKey(
                opstest::Fixture::tenant(id, id + QStringLiteral("@example.com")), key);
            QVERIFY2(r.ok, qPrintable(r.error));
            m_oldKeyId = r.keyId;
        }
    }
    void cleanup() { m_fixture.close(); }

    void unchangeableSourceNeedsANewKeyFile();
    void rotatesIntoANewKeyFile();

private:
    opstest::Fixture m_fixture;
    QString m_oldKeyId;
};

void TestRotateMasterKey::unchangeableSourceNeedsANewKeyFile() {
    const auto r = ops::RotateMasterKey::run({});
    QVERIFY(!r.ok);
    QVERIFY(r.needsNewKeyFile);
    QVERIFY2(r.error.contains(QLatin1String("GMAIL_SYNC_MASTER_KEY")), qPrintable(r.error));
    QVERIFY(!r.resealed);
    db::IntegrationRepository integrations(db::Database::connection());
    QCOMPARE(integrations.find(QStringLiteral("acme"))->keyId, m_oldKeyId);
}

void TestRotateMasterKey::rotatesIntoANewKeyFile() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("new.key"));
    const auto r = ops::RotateMasterKey::run({QString(), path});
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.resealed.value_or(-1), 2);
    QCOMPARE(r.previousKeyIds, QStringList{m_oldKeyId});
    QVERIFY(r.newKeyId != m_oldKeyId);
    QVERIFY(!r.keychainCurrent);

    // The new key alone opens every credential now.
    QString error;
    const auto newKey = crypto::KeyFileProvider(path).currentKey(&error);
    QVERIFY2(newKey, qPrintable(error));
    QCOMPARE(newKey->id(), r.newKeyId);
    const crypto::Vault vault(*newKey);
    auth::CredentialStore store(vault, db::Database::connection());
    for (const QString &id : {QStringLiteral("acme"), QStringLiteral("globex")}) {
        const auto credentials = store.load(id);
        QVERIFY2(credentials, qPrintable(store.errorString()));
        QCOMPARE(credentials->integration.keyId, r.newKeyId);
    }

    // Every key the rows name must be obtainable first: the environment's old key alone no longer opens
    // them, so a second rotation changes nothing, not even writes its key file.
    const QString second = dir.filePath(QStringLiteral("second.key"));
    const auto again = ops::RotateMasterKey::run({QString(), second});
    QVERIFY(!again.ok);
    QVERIFY2(again.error.contains(QLatin1String("nothing was changed")), qPrintable(again.error));
    QVERIFY(!again.resealed);
    QVERIFY(!QFile::exists(second));
}

QTEST_GUILESS_MAIN(TestRotateMasterKey)
#include "TestRotateMasterKey.moc"
