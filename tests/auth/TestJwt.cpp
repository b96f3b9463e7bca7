#include "auth/Base64Url.h"
#include "auth/Jwt.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QTest>

namespace {

// RFC 7515 Appendix A.2.1's RSA key (the JWK n, e, d, p, q, dp, dq, qi), re-encoded as PKCS#8 and SPKI PEM.
static const char rfc7515PrivateKeyPem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCh+BYK4uPJtGXO\n"
    "jS1lYmM2K5J9vinh8CR3/BYlzJChNuOL2TSXxbbqY913EeZ8dCn5VrD7io8ImtxL\n"
    "aYk8wTM/U+3QGbh3hCUv7JFP5IV3aVlL6kKA0ywPVb9ilE8TA5a8bpvfbr3SvaNn\n"
    "juygxmj3AbONv/s4yDQs4v5tJ/reSlpIdJed1LnPmt7Ex1sFhSwsD174pcF1A5L5\n"
    "ROjtZMEQxrZHYJqkeDrrnGya11UxMFBji4NmXG9veoKjlnAqH2QbgtPr8jkiGUkf\n"
    "toaHLFcW9Qr4NY2ai50Xw0Byj3+H2JoY2PyrZ62EWQwuz3WTOTY8BwNNb2BvniHg\n"
    "VFbK5emhAgMBAAECggEAEq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyW\n"
    "PEAeP88vLNO97IjlA7/GQ5sLKMgvfTeXZx9SE+7YwVol2NXOoAJe46sui395IW/G\n"
    "O+pWJ1O0BkTGoVEn2bKVRUCgu+GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzj\n"
    "kn439X0M/V51gfpRLI9JYanrC4D4qAdGcopV/0ZHHzQlBjudU2QvXt4ehNYTCBr6\n"
    "XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl/x/jTj3ccPDVZFD9pIuhLhBOneufuBiB\n"
    "4cS98l2SR/RQyGWSeWjnczT0QU91p1DhOVRuOopznQKBgQDgHMQQ60imZV1URk0K\n"
    "pLttoLhyt3SmqdEf/kgHePDdtzEafpAu+cS191R2JiuoF2yzWXnwFDcqGigp5BNr\n"
    "0AHQfD8/Lk8l1Mk09jxxCfui5nYooNyac8YFjm3vItzVCVDnEd3BbVWG8qf6deqE\n"
    "lMGAg+C2V0L4oNXnP7LZcPAZRwKBgQC5A8R+CZW2MvRTLLHzwZkUXV866cff7tx6\n"
    "kqa0finGG0KgeqlaZPxgCZnFp7AeAcCMtiynVlJ7vMVgePsLq6XtON4tB5kP9jAP\n"
    "rq3rbAOal78eUH5OcED6eNuCV8ixEu1eWcPNCS/l1OW1EnXUEoEHKl54Xrrz2uNw\n"
    "kgMTP1FZ1wKBgAcCn1dwJKufzBWQxWQp1vsM5fggqPN1qGb5y0MAk3g7/Ls5bkUp\n"
    "5u9SN0Ai3Ya6hNnvWJMb7sXQX6U/zyO2M/hTip7tUeh7CXgwo59dkpN75gJLVds2\n"
    "9+DAncu3KXU4f2Fa+7bLNrur53k8KwPOq2bbuTG69QtV7Jr5MR0AHWKNAoGBAIf/\n"
    "evpitUf+4JYbLpvNXWcY052Mpz22aR84mY3nh3F2LF2mjMJDpTg7FmuyPcVw6EcG\n"
    "yoAe9fa65iNqCq+jdw6PVNGo2hxfjSiZ8IIzHdsPXI89//pMjZcQK9r+CCoRjaZj\n"
    "OYiIDktVWZzmevJuv6WywUqd57LE3Zar3dLSIkx1AoGAIYd7DHOhrWvxkwPQsRM2\n"
    "tOgrjbcrfvtQJipd+DlcxyVuuM9sQLdgjVk2oy26F0EmpScGLq2MowX7fhd/QJQ3\n"
    "ydy5cY7YIBi87w93IKLEdfnbJtoOPLUW0ITrJReOgo1cq9SbsxYawBgfp/gh6A56\n"
    "03k2+ZQwVK0JKSHuLFkuQ3U=\n"
    "-----END PRIVATE KEY-----\n";
static const char rfc7515PublicKeyPem[] = "-----BEGIN PUBLIC KEY-----\n"
                                          "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAofgWCuLjybRlzo0tZWJj\n"
                                          "NiuSfb4p4fAkd/wWJcyQoTbji9k0l8W26mPddxHmfHQp+Vaw+4qPCJrcS2mJPMEz\n"
                                          "P1Pt0Bm4d4QlL+yRT+SFd2lZS+pCgNMsD1W/YpRPEwOWvG6b32690r2jZ47soMZo\n"
                                          "9wGzjb/7OMg0LOL+bSf63kpaSHSXndS5z5rexMdbBYUsLA9e+KXBdQOS+UTo7WTB\n"
                                          "EMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6/I5IhlJH7aGhyxX\n"
                                          "FvUK+DWNmoudF8NAco9/h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXp\n"
                                          "oQIDAQAB\n"
                                          "-----END PUBLIC KEY-----\n";

// RFC 7515 Appendix A.2: JWS Protected Header {"alg":"RS256"}, the payload
// {"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true} and the resulting JWS (A.2.1 /
// A.2.2).
const QByteArray rfc7515SigningInput =
    "eyJhbGciOiJSUzI1NiJ9."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb2"
    "90Ijp0cnVlfQ";
const QByteArray rfc7515Signature =
    "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_"
    "O8W2Fp5jujGbds9uJdbF9CUAr7t1"
    "dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_"
    "dO--xi12jz"
    "DwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_"
    "IoypGlUPQ"
    "Ge77Rw";
// RFC 7515 Appendix A.2.1: the public members of the key as a JWK.
const QJsonObject rfc7515PublicJwk{
    {QStringLiteral("kty"), QStringLiteral("RSA")},
    {QStringLiteral("n"),
     QStringLiteral(
         "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-"
         "yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-"
         "KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-"
         "DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ")},
    {QStringLiteral("e"), QStringLiteral("AQAB")},
};

QByteArray rfc7515Jws() {
    return rfc7515SigningInput + '.' + rfc7515Signature;
}

} // namespace

class TestJwt final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void signatureMatchesRfc7515A2();
    void verifiesRfc7515A2WithPem();
    void verifiesRfc7515A2WithJwk();
    void publicJwkMatchesRfc7515A2();
    void signAndVerifyRoundTrip();
    void tamperedPayloadRefused();
    void otherKeyRefused();
    void algNoneRefused();
    void malformedTokens_data();
    void malformedTokens();
    void badPemReported();
    void badJwkReported();
};

// RSASSA-PKCS1-v1_5 is deterministic, so signing A.2's input must give A.2's signature byte for byte.
void TestJwt::signatureMatchesRfc7515A2() {
    QString error;
    const auto signature = auth::Jwt::rs256Signature(rfc7515SigningInput, rfc7515PrivateKeyPem, &error);
    QVERIFY2(signature, qPrintable(error));
    QCOMPARE(auth::Base64Url::encode(*signature), rfc7515Signature);
}

void TestJwt::verifiesRfc7515A2WithPem() {
    QString error;
    const auto token = auth::Jwt::verifyRs256(rfc7515Jws(), QByteArray(rfc7515PublicKeyPem), &error);
    QVERIFY2(token, qPrintable(error));
    QCOMPARE(token->header.value(QLatin1String("alg")).toString(), QStringLiteral("RS256"));
    QCOMPARE(token->claims.value(QLatin1String("iss")).toString(), QStringLiteral("joe"));
    QCOMPARE(token->claims.value(QLatin1String("exp")).toInteger(), 1300819380);
    QCOMPARE(token->claims.value(QLatin1String("http://example.com/is_root")).toBool(), true);
}

void TestJwt::verifiesRfc7515A2WithJwk() {
    QString error;
    const auto token = auth::Jwt::verifyRs256(rfc7515Jws(), rfc7515PublicJwk, &error);
    QVERIFY2(token, qPrintable(error));
    QCOMPARE(token->claims.value(QLatin1String("iss")).toString(), QStringLiteral("joe"));
}

void TestJwt::publicJwkMatchesRfc7515A2() {
    QString error;
    const auto jwk = auth::Jwt::publicJwk(rfc7515PrivateKeyPem, QStringLiteral("k1"), &error);
    QVERIFY2(jwk, qPrintable(error));
    QCOMPARE(jwk->value(QLatin1String("n")), rfc7515PublicJwk.value(QLatin1String("n")));
    QCOMPARE(jwk->value(QLatin1String("e")).toString(), QStringLiteral("AQAB"));
    QCOMPARE(jwk->value(QLatin1String("kid")).toString(), QStringLiteral("k1"));
    QCOMPARE(jwk->value(QLatin1String("alg")).toString(), QStringLiteral("RS256"));
}

void TestJwt::signAndVerifyRoundTrip() {
    QString error;
    const auto pem = auth::Jwt::generateRsaPrivateKeyPem(2048, &error);
    QVERIFY2(pem, qPrintable(error));
    QVERIFY(pem->startsWith("-----BEGIN PRIVATE KEY-----")); // PKCS#8, as in Google's key files
    const auto publicPem = auth::Jwt::publicKeyPem(*pem, &error);
    QVERIFY2(publicPem, qPrintable(error));

    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QJsonObject claims{{QStringLiteral("iss"), QStringLiteral("sa@p.iam.gserviceaccount.com")},
                             {QStringLiteral("scope"), QStringLiteral("https://mail.google.com/")},
                             {QStringLiteral("iat"), now},
                             {QStringLiteral("exp"), now + 3600}};
    const auto jws =
        auth::Jwt::signRs256({{QStringLiteral("kid"), QStringLiteral("abc")}}, claims, *pem, &error);
    QVERIFY2(jws, qPrintable(error));
    QCOMPARE(jws->count('.'), 2);

    const auto token = auth::Jwt::verifyRs256(*jws, *publicPem, &error);
    QVERIFY2(token, qPrintable(error));
    QCOMPARE(token->claims, claims);
    QCOMPARE(token->header.value(QLatin1String("alg")).toString(), QStringLiteral("RS256"));
    QCOMPARE(token->header.value(QLatin1String("typ")).toString(), QStringLiteral("JWT"));
    QCOMPARE(token->header.value(QLatin1String("kid")).toString(), QStringLiteral("abc"));

    const auto jwk = auth::Jwt::publicJwk(*publicPem, QString(), &error);
    QVERIFY2(jwk, qPrintable(error));
    QVERIFY2(auth::Jwt::verifyRs256(*jws, *jwk, &error), qPrintable(error));
}

void TestJwt::tamperedPayloadRefused() {
    const QByteArray otherPayload = auth::Base64Url::encode(R"({"iss":"mallory","exp":1300819380})");
    const QByteArray tampered = "eyJhbGciOiJSUzI1NiJ9." + otherPayload + '.' + rfc7515Signature;
    QString error;
    QVERIFY(!auth::Jwt::verifyRs256(tampered, QByteArray(rfc7515PublicKeyPem), &error));
    QVERIFY2(error.startsWith(QLatin1String("bad signature")), qPrintable(error));
}

void TestJwt::otherKeyRefused() {
    QString error;
    const auto otherPem = auth::Jwt::generateRsaPrivateKeyPem(2048, &error);
    QVERIFY2(otherPem, qPrintable(error));
    const auto otherPublic = auth::Jwt::publicKeyPem(*otherPem, &error);
    QVERIFY2(otherPublic, qPrintable(error));
    QVERIFY(!auth::Jwt::verifyRs256(rfc7515Jws(), *otherPublic, &error));
    QVERIFY2(error.startsWith(QLatin1String("bad signature")), qPrintable(error));
}

// RFC 8725 §2.1: an attacker-chosen "none" (or HS256) must not bypass the RSA check.
void TestJwt::algNoneRefused() {
    const QByteArray header = auth::Base64Url::encode(R"({"alg":"none"})");
    const QByteArray unsecured = header + '.' + rfc7515SigningInput.split('.').at(1) + '.' + rfc7515Signature;
    QString error;
    QVERIFY(!auth::Jwt::verifyRs256(unsecured, rfc7515PublicJwk, &error));
    QVERIFY2(error.contains(QLatin1String("RS256")), qPrintable(error));
}

void TestJwt::malformedTokens_data() {
    QTest::addColumn<QByteArray>("token");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("two parts") << rfc7515SigningInput;
    QTest::newRow("four parts") << (rfc7515Jws() + ".x");
    QTest::newRow("header not base64url") << ("e30+/." + rfc7515SigningInput.split('.').at(1) + ".abc");
    QTest::newRow("header not json") << (auth::Base64Url::encode("nope") + ".e30.abc");
    QTest::newRow("payload is an array")
        << ("eyJhbGciOiJSUzI1NiJ9." + auth::Base64Url::encode("[1]") + ".abc");
    QTest::newRow("empty signature") << (rfc7515SigningInput + '.');
}

void TestJwt::malformedTokens() {
    QFETCH(QByteArray, token);
    QString error;
    QVERIFY(!auth::Jwt::decode(token, &error));
    QVERIFY2(error.startsWith(QLatin1String("malformed JWT")), qPrintable(error));
    QVERIFY(!auth::Jwt::verifyRs256(token, rfc7515PublicJwk, &error));
}

void TestJwt::badPemReported() {
    QString error;
    QVERIFY(!auth::Jwt::signRs256({}, {}, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                                  &error));
    QVERIFY2(error.startsWith(QLatin1String("bad PEM")), qPrintable(error));
    QVERIFY(!error.contains(QLatin1String("AAAA"))); // key material never echoed
    error.clear();
    QVERIFY(!auth::Jwt::verifyRs256(rfc7515Jws(), QByteArray("not a key"), &error));
    QVERIFY2(error.startsWith(QLatin1String("bad PEM")), qPrintable(error));
}

void TestJwt::badJwkReported() {
    QString error;
    QJsonObject jwk = rfc7515PublicJwk;
    jwk.insert(QStringLiteral("kty"), QStringLiteral("EC"));
    QVERIFY(!auth::Jwt::verifyRs256(rfc7515Jws(), jwk, &error));
    QVERIFY2(error.startsWith(QLatin1String("bad JWK")), qPrintable(error));
    jwk = rfc7515PublicJwk;
    jwk.remove(QStringLiteral("n"));
    QVERIFY(!auth::Jwt::verifyRs256(rfc7515Jws(), jwk, &error));
    QVERIFY2(error.startsWith(QLatin1String("bad JWK")), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestJwt)
#include "TestJwt.moc"
