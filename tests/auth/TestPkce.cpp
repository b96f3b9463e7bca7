#include "auth/Pkce.h"

#include <QSet>
#include <QTest>

class TestPkce final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void challengeMatchesRfc7636AppendixB();
    void verifyS256();
    void generatedVerifierIsValidAndFresh();
    void verifierValidation_data();
    void verifierValidation();
};

// RFC 7636 Appendix B: the example verifier and its S256 challenge.
void TestPkce::challengeMatchesRfc7636AppendixB() {
    const QByteArray verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    QCOMPARE(auth::Pkce::challengeS256(verifier), QByteArray("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
}

void TestPkce::verifyS256() {
    const QByteArray verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    QVERIFY(auth::Pkce::verifyS256(verifier, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
    QVERIFY(!auth::Pkce::verifyS256(verifier, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cX"));
    QVERIFY(!auth::Pkce::verifyS256(verifier + 'x', "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
    QVERIFY(!auth::Pkce::verifyS256(verifier, ""));
}

void TestPkce::generatedVerifierIsValidAndFresh() {
    QSet<QByteArray> seen;
    for (int i = 0; i < 100; ++i) {
        const QByteArray verifier = auth::Pkce::generateVerifier();
        QCOMPARE(verifier.size(), 64);
        QVERIFY(auth::Pkce::isValidVerifier(verifier));
        QVERIFY2(!seen.contains(verifier), "a CSPRNG verifier repeated");
        seen.insert(verifier);
    }
    QCOMPARE(auth::Pkce::generateVerifier(10).size(), 43);   // clamped to RFC 7636 §4.1's minimum
    QCOMPARE(auth::Pkce::generateVerifier(500).size(), 128); // and maximum
}

void TestPkce::verifierValidation_data() {
    QTest::addColumn<QByteArray>("verifier");
    QTest::addColumn<bool>("valid");
    QTest::newRow("43 chars") << QByteArray(43, 'a') << true;
    QTest::newRow("128 chars") << QByteArray(128, 'Z') << true;
    QTest::newRow("42 chars") << QByteArray(42, 'a') << false;
    QTest::newRow("129 chars") << QByteArray(129, 'a') << false;
    QTest::newRow("all unreserved") << QByteArray("abcXYZ0189-._~abcXYZ0189-._~abcXYZ0189-._~a") << true;
    QTest::newRow("plus sign") << (QByteArray(42, 'a') + '+') << false;
    QTest::newRow("space") << (QByteArray(42, 'a') + ' ') << false;
}

void TestPkce::verifierValidation() {
    QFETCH(QByteArray, verifier);
    QFETCH(bool, valid);
    QCOMPARE(auth::Pkce::isValidVerifier(verifier), valid);
}

QTEST_GUILESS_MAIN(TestPkce)
#include "TestPkce.moc"
