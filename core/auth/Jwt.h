#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace auth {

// JSON Web Tokens signed with RS256 (RSASSA-PKCS1-v1_5 + SHA-256, RFC 7518 §3.3) in the JWS compact
// serialization (RFC 7515 §7.1), plus the RSA key handling they need, over OpenSSL 3's EVP API.
// Used for Google's service-account JWT bearer grant (RFC 7523; developers.google.com/identity/
// protocols/oauth2/service-account) and to verify Pub/Sub push OIDC tokens against a JWKS.
// Checking claims (exp, aud, iss) is the caller's job: their rules differ per use.
// Errors never contain key material or token contents.
class Jwt final {
public:
    struct Token {
        QJsonObject header;
        QJsonObject claims;
        QByteArray signingInput; // ASCII(BASE64URL(header) || '.' || BASE64URL(payload))
        QByteArray signature;    // raw signature bytes
    };

    // Compact JWS "h.p.s". The header gets "alg":"RS256" and, unless present, "typ":"JWT"; pass "kid"
    // in `header` when the verifier selects keys by id (Google: the key file's private_key_id).
    // privateKeyPem: PKCS#8 "BEGIN PRIVATE KEY" as in a service-account key file (PKCS#1 also accepted).
    static std::optional<QByteArray> signRs256(const QJsonObject &header, const QJsonObject &claims,
                                               const QByteArray &privateKeyPem, QString *error);
    // The raw RS256 signature of arbitrary signing input (RFC 7515 §5.1 step 5).
    static std::optional<QByteArray> rs256Signature(const QByteArray &signingInput,
                                                    const QByteArray &privateKeyPem, QString *error);

    // Splits and decodes without checking the signature (to read "kid"/"iss" and pick the key).
    static std::optional<Token> decode(const QByteArray &compact, QString *error);
    // Decodes and checks alg == RS256 and the signature. publicKeyPem: "BEGIN PUBLIC KEY" (SPKI) or
    // an X.509 "BEGIN CERTIFICATE" (Google publishes service-account keys both ways).
    static std::optional<Token> verifyRs256(const QByteArray &compact, const QByteArray &publicKeyPem,
                                            QString *error);
    // Same with an RSA JWK {"kty":"RSA","n","e"} (RFC 7517 §4, RFC 7518 §6.3.1), e.g. from a JWKS.
    static std::optional<Token> verifyRs256(const QByteArray &compact, const QJsonObject &jwk,
                                            QString *error);

    // Key helpers (sandbox key issuance, JWKS publication).
    static std::optional<QByteArray> generateRsaPrivateKeyPem(int bits, QString *error); // PKCS#8 PEM
    static std::optional<QByteArray> publicKeyPem(const QByteArray &privateKeyPem, QString *error);
    // {"kty":"RSA","alg":"RS256","use":"sig","kid","n","e"} from a public or private key PEM.
    static std::optional<QJsonObject> publicJwk(const QByteArray &keyPem, const QString &kid, QString *error);
};

} // namespace auth
