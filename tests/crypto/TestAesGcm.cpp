#include "crypto/AesGcm.h"

#include <QTest>

using crypto::AesGcm;

// AES-256-GCM against the published vectors: McGrew & Viega, "The Galois/Counter Mode of Operation
// (GCM)", Appendix B, Test Cases 13–18 (the AES-256 cases; the spec NIST SP 800-38D refers to).
// They cover an empty message, 96-bit IVs with and without AAD, a 64-bit IV and a 480-bit IV.
class TestAesGcm final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void vectors_data();
    void vectors();
    void tagMismatchYieldsNoPlaintext();
    void rejectsShortTag();
};

void TestAesGcm::vectors_data() {
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QByteArray>("iv");
    QTest::addColumn<QByteArray>("aad");
    QTest::addColumn<QByteArray>("plaintext");
    QTest::addColumn<QByteArray>("ciphertext");
    QTest::addColumn<QByteArray>("tag");

    const QByteArray zeroKey(32, '\0');
    const QByteArray key = QByteArray::fromHex("feffe9928665731c6d6a8f9467308308"
                                               "feffe9928665731c6d6a8f9467308308");
    const QByteArray aad = QByteArray::fromHex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
    const QByteArray p64 =
        QByteArray::fromHex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
                            "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255");
    const QByteArray p60 = p64.first(60);

    QTest::newRow("Test Case 13: empty")
        << zeroKey << QByteArray(12, '\0') << QByteArray() << QByteArray() << QByteArray()
        << QByteArray::fromHex("530f8afbc74536b9a963b4f1c4cb738b");
    QTest::newRow("Test Case 14: one zero block")
        << zeroKey << QByteArray(12, '\0') << QByteArray() << QByteArray(16, '\0')
        << QByteArray::fromHex("cea7403d4d606b6e074ec5d3baf39d18")
        << QByteArray::fromHex("d0d1c8a799996bf0265b98b5d48ab919");
    QTest::newRow("Test Case 15: 64 bytes, no AAD")
        << key << QByteArray::fromHex("cafebabefacedbaddecaf888") << QByteArray() << p64
        << QByteArray::fromHex("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
                               "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad")
        << QByteArray::fromHex("b094dac5d93471bdec1a502270e3cc6c");
    QTest::newRow("Test Case 16: 60 bytes with AAD")
        << key << QByteArray::fromHex("cafebabefacedbaddecaf888") << aad << p60
        << QByteArray::fromHex("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
                               "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662")
        << QByteArray::fromHex("76fc6ece0f4e1768cddf8853bb2d551b");
    QTest::newRow("Test Case 17: 64-bit IV")
        << key << QByteArray::fromHex("cafebabefacedbad") << aad << p60
        << QByteArray::fromHex("c3762df1ca787d32ae47c13bf19844cbaf1ae14d0b976afac52ff7d79bba9de0"
                               "feb582d33934a4f0954cc2363bc73f7862ac430e64abe499f47c9b1f")
        << QByteArray::fromHex("3a337dbf46a792c45e454913fe2ea8f2");
    QTest::newRow("Test Case 18: 480-bit IV")
        << key
        << QByteArray::fromHex("9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728"
                               "c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b")
        << aad << p60
        << QByteArray::fromHex("5a8def2f0c9e53f1f75d7853659e2a20eeb2b22aafde6419a058ab4f6f746bf4"
                               "0fc0c3b780f244452da3ebf1c5d82cdea2418997200ef82e44ae7e3f")
        << QByteArray::fromHex("a44a8266ee1c8eb0c8b5d4cf5ae9f19a");
}

void TestAesGcm::vectors() {
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, iv);
    QFETCH(QByteArray, aad);
    QFETCH(QByteArray, plaintext);
    QFETCH(QByteArray, ciphertext);
    QFETCH(QByteArray, tag);
    QCOMPARE(key.size(), AesGcm::KeySize);
    const auto *k = reinterpret_cast<const unsigned char *>(key.constData());

    QString error;
    const auto sealed = AesGcm::encrypt(k, iv, aad, plaintext, &error);
    QVERIFY2(sealed, qPrintable(error));
    QCOMPARE(sealed->ciphertext.toHex(), ciphertext.toHex());
    QCOMPARE(sealed->tag.toHex(), tag.toHex());

    const auto opened = AesGcm::decrypt(k, iv, aad, ciphertext, tag, &error);
    QVERIFY2(opened, qPrintable(error));
    QCOMPARE(opened->toHex(), plaintext.toHex());
}

void TestAesGcm::tagMismatchYieldsNoPlaintext() {
    const QByteArray key(32, '\x11');
    const QByteArray iv(12, '\x22');
    const auto *k = reinterpret_cast<const unsigned char *>(key.constData());
    QString error;
    const auto sealed = AesGcm::encrypt(k, iv, "row-1", "secret refresh token", &error);
    QVERIFY(sealed);
    QByteArray tag = sealed->tag;
    tag[15] = char(tag[15] ^ 0x01);
    QVERIFY(!AesGcm::decrypt(k, iv, "row-1", sealed->ciphertext, tag, &error));
    QVERIFY2(error.contains(QStringLiteral("authentication failed")), qPrintable(error));
    QVERIFY(!AesGcm::decrypt(k, iv, "row-2", sealed->ciphertext, sealed->tag, &error));
}

void TestAesGcm::rejectsShortTag() {
    const QByteArray key(32, '\x11');
    const auto *k = reinterpret_cast<const unsigned char *>(key.constData());
    QString error;
    QVERIFY(!AesGcm::decrypt(k, QByteArray(12, '\0'), {}, {}, QByteArray(12, '\0'), &error));
    QVERIFY(error.contains(QStringLiteral("16 bytes")));
}

QTEST_GUILESS_MAIN(TestAesGcm)
#include "TestAesGcm.moc"
