#include "Jwt.h"

#include "Base64Url.h"

#include <QJsonDocument>
#include <QJsonParseError>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>

namespace auth {

namespace {

struct Deleter {
    void operator()(EVP_PKEY *p) const { EVP_PKEY_free(p); }
    void operator()(EVP_PKEY_CTX *p) const { EVP_PKEY_CTX_free(p); }
    void operator()(EVP_MD_CTX *p) const { EVP_MD_CTX_free(p); }
    void operator()(BIO *p) const { BIO_free(p); }
    void operator()(BIGNUM *p) const { BN_free(p); }
    void operator()(OSSL_PARAM_BLD *p) const { OSSL_PARAM_BLD_free(p); }
    void operator()(OSSL_PARAM *p) const { OSSL_PARAM_free(p); }
    void operator()(X509 *p) const { X509_free(p); }
};
template<typename T>
using Ptr = std::unique_ptr<T, Deleter>;

void setError(QString *error, const QString &message) {
    ERR_clear_error(); // OpenSSL's queue may name key details; we report our own words only
    if (error)
        *error = message;
}

Ptr<BIO> memoryBio(const QByteArray &data) {
    return Ptr<BIO>(BIO_new_mem_buf(data.constData(), static_cast<int>(data.size())));
}

bool isRsa(const EVP_PKEY *key) {
    return EVP_PKEY_is_a(key, "RSA") != 0;
}

Ptr<EVP_PKEY> loadPrivateKey(const QByteArray &pem, QString *error) {
    Ptr<BIO> bio = memoryBio(pem);
    Ptr<EVP_PKEY> key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!key) {
        setError(error, QStringLiteral("bad PEM: not a readable unencrypted private key (expected PKCS#8 "
                                       "\"BEGIN PRIVATE KEY\")"));
        return nullptr;
    }
    if (!isRsa(key.get())) {
        setError(error, QStringLiteral("bad PEM: the private key is not an RSA key (RS256 needs RSA)"));
        return nullptr;
    }
    return key;
}

Ptr<EVP_PKEY> loadPublicKey(const QByteArray &pem, QString *error) {
    Ptr<EVP_PKEY> key;
    if (pem.contains("BEGIN CERTIFICATE")) {
        Ptr<BIO> bio = memoryBio(pem);
        Ptr<X509> cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
        if (cert)
            key.reset(X509_get_pubkey(cert.get()));
    } else if (pem.contains("PRIVATE KEY")) {
        Ptr<BIO> bio = memoryBio(pem);
        key.reset(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    } else {
        Ptr<BIO> bio = memoryBio(pem);
        key.reset(bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    }
    if (!key) {
        setError(error, QStringLiteral("bad PEM: not a readable public key or certificate"));
        return nullptr;
    }
    if (!isRsa(key.get())) {
        setError(error, QStringLiteral("bad PEM: the key is not an RSA key (RS256 needs RSA)"));
        return nullptr;
    }
    return key;
}

Ptr<BIGNUM> bignumFromBase64Url(const QJsonValue &value) {
    const std::optional<QByteArray> bytes = Base64Url::decode(value.toString().toLatin1());
    if (!bytes || bytes->isEmpty())
        return nullptr;
    return Ptr<BIGNUM>(BN_bin2bn(reinterpret_cast<const unsigned char *>(bytes->constData()),
                                 static_cast<int>(bytes->size()), nullptr));
}

// RFC 7518 §6.3.1: "n" and "e" are base64url of the unsigned big-endian integers.
Ptr<EVP_PKEY> keyFromJwk(const QJsonObject &jwk, QString *error) {
    if (jwk.value(QLatin1String("kty")).toString() != QLatin1String("RSA")) {
        setError(error, QStringLiteral("bad JWK: kty is not \"RSA\""));
        return nullptr;
    }
    Ptr<BIGNUM> n = bignumFromBase64Url(jwk.value(QLatin1String("n")));
    Ptr<BIGNUM> e = bignumFromBase64Url(jwk.value(QLatin1String("e")));
    if (!n || !e) {
        setError(error, QStringLiteral("bad JWK: \"n\" or \"e\" is missing or not base64url"));
        return nullptr;
    }
    Ptr<OSSL_PARAM_BLD> builder(OSSL_PARAM_BLD_new());
    if (!builder || !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) ||
        !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, e.get())) {
        setError(error, QStringLiteral("bad JWK: cannot build RSA parameters"));
        return nullptr;
    }
    Ptr<OSSL_PARAM> params(OSSL_PARAM_BLD_to_param(builder.get()));
    Ptr<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
    EVP_PKEY *raw = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
        EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0) {
        setError(error, QStringLiteral("bad JWK: OpenSSL refused the RSA public key"));
        return nullptr;
    }
    return Ptr<EVP_PKEY>(raw);
}

std::optional<QByteArray> sign(EVP_PKEY *key, const QByteArray &data, QString *error) {
    Ptr<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
    size_t length = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) <= 0 ||
        EVP_DigestSign(ctx.get(), nullptr, &length, reinterpret_cast<const unsigned char *>(data.constData()),
                       static_cast<size_t>(data.size())) <= 0) {
        setError(error, QStringLiteral("RS256 signing failed in OpenSSL"));
        return std::nullopt;
    }
    QByteArray signature(static_cast<qsizetype>(length), Qt::Uninitialized);
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(signature.data()), &length,
                       reinterpret_cast<const unsigned char *>(data.constData()),
                       static_cast<size_t>(data.size())) <= 0) {
        setError(error, QStringLiteral("RS256 signing failed in OpenSSL"));
        return std::nullopt;
    }
    signature.resize(static_cast<qsizetype>(length));
    return signature;
}

std::optional<Jwt::Token> verifyWithKey(const QByteArray &compact, EVP_PKEY *key, QString *error) {
    std::optional<Jwt::Token> token = Jwt::decode(compact, error);
    if (!token)
        return std::nullopt;
    // RFC 8725 §3.1: never let the token choose the algorithm.
    if (token->header.value(QLatin1String("alg")).toString() != QLatin1String("RS256")) {
        setError(error, QStringLiteral("unsupported JWT: header alg is not RS256"));
        return std::nullopt;
    }
    Ptr<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) <= 0) {
        setError(error, QStringLiteral("RS256 verification could not start in OpenSSL"));
        return std::nullopt;
    }
    const int ok =
        EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char *>(token->signature.constData()),
                         static_cast<size_t>(token->signature.size()),
                         reinterpret_cast<const unsigned char *>(token->signingInput.constData()),
                         static_cast<size_t>(token->signingInput.size()));
    if (ok != 1) {
        setError(error, QStringLiteral("bad signature: the JWT does not verify with the given key"));
        return std::nullopt;
    }
    return token;
}

std::optional<QJsonObject> decodeJsonPart(const QByteArray &part, const char *what, QString *error) {
    const std::optional<QByteArray> json = Base64Url::decode(part);
    if (!json) {
        setError(error, QStringLiteral("malformed JWT: %1 is not base64url").arg(QLatin1String(what)));
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(*json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        setError(error, QStringLiteral("malformed JWT: %1 is not a JSON object").arg(QLatin1String(what)));
        return std::nullopt;
    }
    return doc.object();
}

} // namespace

std::optional<QByteArray> Jwt::rs256Signature(const QByteArray &signingInput, const QByteArray &privateKeyPem,
                                              QString *error) {
    Ptr<EVP_PKEY> key = loadPrivateKey(privateKeyPem, error);
    if (!key)
        return std::nullopt;
    return sign(key.get(), signingInput, error);
}

std::optional<QByteArray> Jwt::signRs256(const QJsonObject &header, const QJsonObject &claims,
                                         const QByteArray &privateKeyPem, QString *error) {
    QJsonObject h = header;
    h.insert(QLatin1String("alg"), QLatin1String("RS256"));
    if (!h.contains(QLatin1String("typ")))
        h.insert(QLatin1String("typ"), QLatin1String("JWT"));
    // RFC 7515 §5.1 steps 1-6.
    const QByteArray signingInput = Base64Url::encode(QJsonDocument(h).toJson(QJsonDocument::Compact)) + '.' +
                                    Base64Url::encode(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    const std::optional<QByteArray> signature = rs256Signature(signingInput, privateKeyPem, error);
    if (!signature)
        return std::nullopt;
    return signingInput + '.' + Base64Url::encode(*signature);
}

std::optional<Jwt::Token> Jwt::decode(const QByteArray &compact, QString *error) {
    const QList<QByteArray> parts = compact.trimmed().split('.');
    if (parts.size() != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
        setError(error, QStringLiteral("malformed JWT: expected three non-empty dot-separated parts"));
        return std::nullopt;
    }
    Token token;
    const std::optional<QJsonObject> header = decodeJsonPart(parts[0], "header", error);
    if (!header)
        return std::nullopt;
    const std::optional<QJsonObject> claims = decodeJsonPart(parts[1], "payload", error);
    if (!claims)
        return std::nullopt;
    const std::optional<QByteArray> signature = Base64Url::decode(parts[2]);
    if (!signature) {
        setError(error, QStringLiteral("malformed JWT: signature is not base64url"));
        return std::nullopt;
    }
    token.header = *header;
    token.claims = *claims;
    token.signingInput = parts[0] + '.' + parts[1];
    token.signature = *signature;
    return token;
}

std::optional<Jwt::Token> Jwt::verifyRs256(const QByteArray &compact, const QByteArray &publicKeyPem,
                                           QString *error) {
    Ptr<EVP_PKEY> key = loadPublicKey(publicKeyPem, error);
    if (!key)
        return std::nullopt;
    return verifyWithKey(compact, key.get(), error);
}

std::optional<Jwt::Token> Jwt::verifyRs256(const QByteArray &compact, const QJsonObject &jwk,
                                           QString *error) {
    Ptr<EVP_PKEY> key = keyFromJwk(jwk, error);
    if (!key)
        return std::nullopt;
    return verifyWithKey(compact, key.get(), error);
}

std::optional<QByteArray> Jwt::generateRsaPrivateKeyPem(int bits, QString *error) {
    Ptr<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
    EVP_PKEY *raw = nullptr;
    if (!ctx || EVP_PKEY_keygen_init(ctx.get()) <= 0 ||
        EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), bits) <= 0 || EVP_PKEY_generate(ctx.get(), &raw) <= 0) {
        setError(error, QStringLiteral("RSA key generation failed in OpenSSL"));
        return std::nullopt;
    }
    Ptr<EVP_PKEY> key(raw);
    Ptr<BIO> bio(BIO_new(BIO_s_mem()));
    // PEM_write_bio_PrivateKey writes PKCS#8 ("BEGIN PRIVATE KEY"), the form of Google's key files.
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
        setError(error, QStringLiteral("writing the RSA private key as PEM failed"));
        return std::nullopt;
    }
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return QByteArray(data, static_cast<qsizetype>(size));
}

std::optional<QByteArray> Jwt::publicKeyPem(const QByteArray &privateKeyPem, QString *error) {
    Ptr<EVP_PKEY> key = loadPrivateKey(privateKeyPem, error);
    if (!key)
        return std::nullopt;
    Ptr<BIO> bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PUBKEY(bio.get(), key.get()) != 1) {
        setError(error, QStringLiteral("writing the RSA public key as PEM failed"));
        return std::nullopt;
    }
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return QByteArray(data, static_cast<qsizetype>(size));
}

std::optional<QJsonObject> Jwt::publicJwk(const QByteArray &keyPem, const QString &kid, QString *error) {
    Ptr<EVP_PKEY> key = loadPublicKey(keyPem, error);
    if (!key)
        return std::nullopt;
    BIGNUM *n = nullptr;
    BIGNUM *e = nullptr;
    if (EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
        EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_E, &e) != 1) {
        BN_free(n);
        BN_free(e);
        setError(error, QStringLiteral("cannot read the RSA modulus/exponent"));
        return std::nullopt;
    }
    Ptr<BIGNUM> nOwner(n);
    Ptr<BIGNUM> eOwner(e);
    auto toBytes = [](const BIGNUM *bn) {
        QByteArray bytes(BN_num_bytes(bn), Qt::Uninitialized);
        BN_bn2bin(bn, reinterpret_cast<unsigned char *>(bytes.data()));
        return bytes;
    };
    QJsonObject jwk{
        {QStringLiteral("kty"), QStringLiteral("RSA")},
        {QStringLiteral("alg"), QStringLiteral("RS256")},
        {QStringLiteral("use"), QStringLiteral("sig")},
        {QStringLiteral("n"), QString::fromLatin1(Base64Url::encode(toBytes(n)))},
        {QStringLiteral("e"), QString::fromLatin1(Base64Url::encode(toBytes(e)))},
    };
    if (!kid.isEmpty())
        jwk.insert(QStringLiteral("kid"), kid);
    return jwk;
}

} // namespace auth
