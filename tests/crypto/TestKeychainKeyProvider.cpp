#include "crypto/KeychainKeyProvider.h"

#include <QRandomGenerator>
#include <QTest>

using crypto::KeychainKeyProvider;
using crypto::MasterKey;

// Runs against a real Secret Service: CTest starts this binary inside a private D-Bus session with
// an unlocked gnome-keyring (tests/support/with-keyring.sh). The `unreachable` function is run
// separately with DBUS_SESSION_BUS_ADDRESS pointing nowhere (NO_SESSION_BUS in tests/crypto/CMakeLists.txt).
class TestKeychainKeyProvider final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void firstUseCreatesAndKeepsKey();
    void rotationKeepsPreviousKeyById();
    void unreachable();

private:
    static QString freshService() {
        return QStringLiteral("gsa-test-%1")
            .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
    }
};

void TestKeychainKeyProvider::firstUseCreatesAndKeepsKey() {
    const QString service = freshService();
    QString error;
    std::optional<MasterKey> first;
    {
        KeychainKeyProvider provider(service);
        first = provider.currentKey(&error);
        QVERIFY2(first, qPrintable(error));
    }
    // A second provider (a later program run) reads the same key back from the keychain.
    KeychainKeyProvider again(service);
    const auto second = again.currentKey(&error);
    QVERIFY2(second, qPrintable(error));
    QCOMPARE(second->id(), first->id());
    QCOMPARE(QByteArray(reinterpret_cast<const char *>(second->data()), 32),
             QByteArray(reinterpret_cast<const char *>(first->data()), 32));
    const auto byId = again.keyById(first->id(), &error);
    QVERIFY2(byId, qPrintable(error));
    QCOMPARE(byId->id(), first->id());

    // Another service name is another key.
    KeychainKeyProvider other(freshService());
    const auto otherKey = other.currentKey(&error);
    QVERIFY2(otherKey, qPrintable(error));
    QVERIFY(otherKey->id() != first->id());
}

void TestKeychainKeyProvider::rotationKeepsPreviousKeyById() {
    KeychainKeyProvider provider(freshService());
    QString error;
    const auto oldKey = provider.currentKey(&error);
    QVERIFY2(oldKey, qPrintable(error));
    const auto newKey = MasterKey::generate(&error);
    QVERIFY(newKey);
    QVERIFY2(provider.storeKey(*newKey, &error), qPrintable(error));
    QCOMPARE(provider.currentKey(&error)->id(), oldKey->id()); // stored, not yet current
    QVERIFY2(provider.makeCurrent(*newKey, &error), qPrintable(error));
    QCOMPARE(provider.currentKey(&error)->id(), newKey->id());
    const auto previous = provider.keyById(oldKey->id(), &error);
    QVERIFY2(previous, qPrintable(error));
    QCOMPARE(previous->id(), oldKey->id());
    QVERIFY(!provider.keyById(QStringLiteral("deadbeef"), &error));
    QVERIFY2(error.contains(QStringLiteral("deadbeef")), qPrintable(error));
}

void TestKeychainKeyProvider::unreachable() {
    KeychainKeyProvider provider(freshService());
    QString error;
    QVERIFY(!provider.currentKey(&error));
    QVERIFY2(error.startsWith(QStringLiteral("no OS keychain reachable: ")), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("GMAIL_SYNC_MASTER_KEY")), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestKeychainKeyProvider)
#include "TestKeychainKeyProvider.moc"
