#include "crypto/Vault.h"

#include <QSet>
#include <QTest>

using crypto::MasterKey;
using crypto::Vault;

class TestVault final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void envelopeLayout();
    void freshNonceEverySeal();
    void everyFlippedByteIsRejected();
    void wrongAadIsRejected();
    void wrongKeyIsRejected();
    void truncatedEnvelopeIsRejected();
    void unknownVersionIsRejected();
    void rotationOpensOldEnvelopes();
    void keyIdIsStable();
    void sealAndOpenCost();

private:
    static MasterKey key(char fill);
};

MasterKey TestVault::key(char fill) {
    return *MasterKey::fromBytes(QByteArray(32, fill), nullptr);
}

void TestVault::roundTrip_data() {
    QTest::addColumn<QByteArray>("plaintext");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("one byte") << QByteArray("x");
    QTest::newRow("oauth json") << QByteArray(
        R"({"clientId":"c","clientSecret":"s","refreshToken":"1//0abc"})");
    QTest::newRow("binary 5000") << QByteArray(5000, '\xa5');
}

void TestVault::roundTrip() {
    QFETCH(QByteArray, plaintext);
    const Vault vault(key(1));
    QString error;
    const auto envelope = vault.seal(plaintext, "tenant-a\0gmail\0oauth", &error);
    QVERIFY2(envelope, qPrintable(error));
    QCOMPARE(envelope->size(), Vault::MinimumSize + plaintext.size());
    if (plaintext.size() > 8)
        QVERIFY(!envelope->contains(plaintext));
    const auto opened = vault.open(*envelope, "tenant-a\0gmail\0oauth", &error);
    QVERIFY2(opened, qPrintable(error));
    QCOMPARE(*opened, plaintext);
}

void TestVault::envelopeLayout() {
    const MasterKey k = key(2);
    const Vault vault(k);
    const auto envelope = vault.seal("abc", "aad", nullptr);
    QVERIFY(envelope);
    QCOMPARE(envelope->at(0), 'G');
    QCOMPARE(envelope->at(1), char(1));
    QCOMPARE(QString::fromLatin1(envelope->mid(2, 4).toHex()), k.id());
    QCOMPARE(Vault::keyIdOf(*envelope), k.id());
    QCOMPARE(vault.currentKeyId(), k.id());
}

void TestVault::freshNonceEverySeal() {
    const Vault vault(key(3));
    QSet<QByteArray> nonces;
    QSet<QByteArray> envelopes;
    for (int i = 0; i < 200; ++i) {
        const auto envelope = vault.seal("same plaintext", "same aad", nullptr);
        QVERIFY(envelope);
        nonces.insert(envelope->mid(Vault::HeaderSize, Vault::NonceSize));
        envelopes.insert(*envelope);
    }
    QCOMPARE(nonces.size(), 200);
    QCOMPARE(envelopes.size(), 200);
}

void TestVault::everyFlippedByteIsRejected() {
    const Vault vault(key(4));
    const QByteArray aad("tenant-b\0gmail\0service_account", 30);
    const auto envelope = vault.seal(R"({"refreshToken":"r"})", aad, nullptr);
    QVERIFY(envelope);
    for (qsizetype i = 0; i < envelope->size(); ++i) {
        for (const char mask : {char(0x01), char(0x80)}) {
            QByteArray tampered = *envelope;
            tampered[i] = char(tampered[i] ^ mask);
            QString error;
            const auto opened = vault.open(tampered, aad, &error);
            QVERIFY2(!opened,
                     qPrintable(QStringLiteral("byte %1 mask %2 accepted").arg(i).arg(int(quint8(mask)))));
            QVERIFY2(!error.isEmpty(), qPrintable(QStringLiteral("byte %1: no error text").arg(i)));
        }
    }
}

void TestVault::wrongAadIsRejected() {
    const Vault vault(key(5));
    const auto envelope = vault.seal("secret", QByteArray("tenant-a\0gmail\0oauth", 20), nullptr);
    QVERIFY(envelope);
    QString error;
    QVERIFY(!vault.open(*envelope, QByteArray("tenant-b\0gmail\0oauth", 20), &error));
    QVERIFY2(error.contains(QStringLiteral("authentication failed")), qPrintable(error));
    QVERIFY(!vault.open(*envelope, QByteArray("tenant-a\0gmail\0service_account", 30), &error));
    QVERIFY(!vault.open(*envelope, QByteArray(), &error));
}

void TestVault::wrongKeyIsRejected() {
    const Vault sealer(key(6));
    const auto envelope = sealer.seal("secret", "aad", nullptr);
    QVERIFY(envelope);

    // A vault without that key: refused by key id before any decryption.
    const Vault other(key(7));
    QString error;
    QVERIFY(!other.open(*envelope, "aad", &error));
    QVERIFY2(error.contains(key(6).id()), qPrintable(error));

    // An envelope claiming the other vault's key id: authentication fails, no garbage comes out.
    QByteArray forged = *envelope;
    forged.replace(2, 4, QByteArray::fromHex(key(7).id().toLatin1()));
    QVERIFY(!other.open(forged, "aad", &error));
    QVERIFY2(error.contains(QStringLiteral("authentication failed")), qPrintable(error));
}

void TestVault::truncatedEnvelopeIsRejected() {
    const Vault vault(key(8));
    const auto envelope = vault.seal("secret value", "aad", nullptr);
    QVERIFY(envelope);
    for (qsizetype length = 0; length < envelope->size(); ++length) {
        QString error;
        QVERIFY2(!vault.open(envelope->first(length), "aad", &error), qPrintable(QString::number(length)));
        QVERIFY(!error.isEmpty());
    }
    QString error;
    QVERIFY(!vault.open(envelope->first(10), "aad", &error));
    QVERIFY2(error.contains(QStringLiteral("truncated")), qPrintable(error));
}

void TestVault::unknownVersionIsRejected() {
    const Vault vault(key(9));
    auto envelope = vault.seal("secret", "aad", nullptr);
    QVERIFY(envelope);
    (*envelope)[1] = char(2);
    QString error;
    QVERIFY(!vault.open(*envelope, "aad", &error));
    QVERIFY2(error.contains(QStringLiteral("version 2")), qPrintable(error));
    QVERIFY(!Vault::keyIdOf(*envelope));
}

void TestVault::rotationOpensOldEnvelopes() {
    const Vault oldVault(key(10));
    const auto oldEnvelope = oldVault.seal("sealed before rotation", "aad", nullptr);
    QVERIFY(oldEnvelope);

    Vault rotated(key(11));
    rotated.addKey(key(10));
    QCOMPARE(rotated.currentKeyId(), key(11).id());
    QString error;
    const auto opened = rotated.open(*oldEnvelope, "aad", &error);
    QVERIFY2(opened, qPrintable(error));
    QCOMPARE(*opened, QByteArray("sealed before rotation"));

    const auto resealed = rotated.seal(*opened, "aad", nullptr);
    QVERIFY(resealed);
    QCOMPARE(Vault::keyIdOf(*resealed), key(11).id());
    QVERIFY(!oldVault.open(*resealed, "aad", &error));
}

void TestVault::keyIdIsStable() {
    // First 8 hex digits of SHA-256 of 32 zero bytes
    // (66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925).
    QCOMPARE(key(0).id(), QStringLiteral("66687aad"));
    QVERIFY(key(1).id() != key(2).id());
}

// A figure, not a limit: one seal + open of a typical keys JSON (printed by QBENCHMARK).
void TestVault::sealAndOpenCost() {
    const Vault vault(key(12));
    const QByteArray keys(300, 'k');
    const QByteArray aad("gsa-integration-v1\0acme\0gmail\0oauth", 35);
    QBENCHMARK {
        const auto envelope = vault.seal(keys, aad, nullptr);
        QVERIFY(envelope);
        QCOMPARE(vault.open(*envelope, aad, nullptr).value_or(QByteArray()), keys);
    }
}

QTEST_GUILESS_MAIN(TestVault)
#include "TestVault.moc"
