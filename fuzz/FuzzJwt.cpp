// libFuzzer target for auth::Jwt (issue 11 part 5): the parsing of untrusted compact JWS (what the push
// endpoint does with a bearer token before and while verifying it). Each input is decoded, verified
// against a fixed public key PEM (RFC 7515 appendix A.2's, as in tests/auth/TestJwt.cpp) and against
// the same key as a JWK. An input with a newline is also read as "<JWK JSON>\n<token>" (a hostile JWKS
// entry). Property: no crash, no sanitizer report, no hang.
#include "auth/Jwt.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cstddef>
#include <cstdint>

namespace {

const char publicKeyPem[] = "-----BEGIN PUBLIC KEY-----\n"
                            "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAofgWCuLjybRlzo0tZWJj\n"
                            "NiuSfb4p4fAkd/wWJcyQoTbji9k0l8W26mPddxHmfHQp+Vaw+4qPCJrcS2mJPMEz\n"
                            "P1Pt0Bm4d4QlL+yRT+SFd2lZS+pCgNMsD1W/YpRPEwOWvG6b32690r2jZ47soMZo\n"
                            "9wGzjb/7OMg0LOL+bSf63kpaSHSXndS5z5rexMdbBYUsLA9e+KXBdQOS+UTo7WTB\n"
                            "EMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6/I5IhlJH7aGhyxX\n"
                            "FvUK+DWNmoudF8NAco9/h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXp\n"
                            "oQIDAQAB\n"
                            "-----END PUBLIC KEY-----\n";

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const QJsonObject jwk = [] {
        QString error;
        const auto key = auth::Jwt::publicJwk(QByteArray(publicKeyPem), QStringLiteral("fuzz"), &error);
        return key ? *key : QJsonObject();
    }();
    const QByteArray input(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    QString error;
    (void)auth::Jwt::decode(input, &error);
    (void)auth::Jwt::verifyRs256(input, QByteArray(publicKeyPem), &error);
    (void)auth::Jwt::verifyRs256(input, jwk, &error);
    const qsizetype newline = input.indexOf('\n');
    if (newline >= 0) {
        const QJsonObject hostile = QJsonDocument::fromJson(input.left(newline)).object();
        (void)auth::Jwt::verifyRs256(input.mid(newline + 1), hostile, &error);
    }
    return 0;
}
