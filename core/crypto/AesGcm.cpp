#include "AesGcm.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <memory>

namespace crypto {

namespace {

struct CtxDeleter {
    void operator()(EVP_CIPHER_CTX *ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CtxDeleter>;

const unsigned char *bytes(QByteArrayView view) {
    return reinterpret_cast<const unsigned char *>(view.data());
}

void fail(QString *error, const QString &message) {
    if (error)
        *error = message;
}

// Sets cipher, IV length (SP 800-38D allows any length; OpenSSL needs it before the IV) and key.
CipherCtx initContext(bool encrypt, const unsigned char *key, QByteArrayView iv) {
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    if (!ctx || iv.isEmpty())
        return nullptr;
    auto init = encrypt ? EVP_EncryptInit_ex : EVP_DecryptInit_ex;
    if (init(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1)
        return nullptr;
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, int(iv.size()), nullptr) != 1)
        return nullptr;
    if (init(ctx.get(), nullptr, nullptr, key, bytes(iv)) != 1)
        return nullptr;
    return ctx;
}

} // namespace

std::optional<AesGcm::Sealed> AesGcm::encrypt(const unsigned char *key, QByteArrayView iv, QByteArrayView aad,
                                              QByteArrayView plaintext, QString *error) {
    CipherCtx ctx = initContext(true, key, iv);
    if (!ctx) {
        fail(error, QStringLiteral("AES-256-GCM: cannot initialise the cipher"));
        return std::nullopt;
    }
    int length = 0;
    if (!aad.isEmpty() && EVP_EncryptUpdate(ctx.get(), nullptr, &length, bytes(aad), int(aad.size())) != 1) {
        fail(error, QStringLiteral("AES-256-GCM: cannot process the associated data"));
        return std::nullopt;
    }
    Sealed out;
    out.ciphertext.resize(plaintext.size());
    auto *ct = reinterpret_cast<unsigned char *>(out.ciphertext.data());
    int written = 0;
    if (!plaintext.isEmpty()) {
        if (EVP_EncryptUpdate(ctx.get(), ct, &length, bytes(plaintext), int(plaintext.size())) != 1) {
            fail(error, QStringLiteral("AES-256-GCM: encryption failed"));
            return std::nullopt;
        }
        written = length;
    }
    if (EVP_EncryptFinal_ex(ctx.get(), ct + written, &length) != 1) {
        fail(error, QStringLiteral("AES-256-GCM: encryption failed"));
        return std::nullopt;
    }
    out.tag.resize(TagSize);
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, TagSize, out.tag.data()) != 1) {
        fail(error, QStringLiteral("AES-256-GCM: cannot read the tag"));
        return std::nullopt;
    }
    return out;
}

std::optional<QByteArray> AesGcm::decrypt(const unsigned char *key, QByteArrayView iv, QByteArrayView aad,
                                          QByteArrayView ciphertext, QByteArrayView tag, QString *error) {
    if (tag.size() != TagSize) {
        fail(error, QStringLiteral("AES-256-GCM: the tag must be %1 bytes").arg(TagSize));
        return std::nullopt;
    }
    CipherCtx ctx = initContext(false, key, iv);
    if (!ctx) {
        fail(error, QStringLiteral("AES-256-GCM: cannot initialise the cipher"));
        return std::nullopt;
    }
    int length = 0;
    if (!aad.isEmpty() && EVP_DecryptUpdate(ctx.get(), nullptr, &length, bytes(aad), int(aad.size())) != 1) {
        fail(error, QStringLiteral("AES-256-GCM: cannot process the associated data"));
        return std::nullopt;
    }
    QByteArray plaintext(ciphertext.size(), Qt::Uninitialized);
    auto *pt = reinterpret_cast<unsigned char *>(plaintext.data());
    int written = 0;
    if (!ciphertext.isEmpty()) {
        if (EVP_DecryptUpdate(ctx.get(), pt, &length, bytes(ciphertext), int(ciphertext.size())) != 1) {
            fail(error, QStringLiteral("AES-256-GCM: decryption failed"));
            return std::nullopt;
        }
        written = length;
    }
    // The tag must be set before Final, which compares it in constant time.
    QByteArray tagCopy = tag.toByteArray();
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, TagSize, tagCopy.data()) != 1 ||
        EVP_DecryptFinal_ex(ctx.get(), pt + written, &length) != 1) {
        // Unverified output must not escape: wipe what CTR mode already produced.
        OPENSSL_cleanse(plaintext.data(), plaintext.size());
        fail(error, QStringLiteral("authentication failed: the data was changed, or the key or its "
                                   "associated data is not the one it was sealed with"));
        return std::nullopt;
    }
    return plaintext;
}

} // namespace crypto
