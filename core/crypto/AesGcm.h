#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace crypto {

// AES-256-GCM (NIST SP 800-38D) through OpenSSL EVP, 128-bit tags. The caller supplies the IV, so this
// is the raw primitive for Vault and for the published test vectors; everything else goes through
// Vault, which never reuses a nonce.
class AesGcm final {
public:
    static constexpr int KeySize = 32;
    static constexpr int TagSize = 16;

    struct Sealed {
        QByteArray ciphertext;
        QByteArray tag;
    };

    // key: 32 bytes; iv: any non-empty length (SP 800-38D §8.2 recommends 96 bits, which Vault uses).
    static std::optional<Sealed> encrypt(const unsigned char *key, QByteArrayView iv, QByteArrayView aad,
                                         QByteArrayView plaintext, QString *error);
    // nullopt when the tag does not verify (wrong key, wrong AAD, any byte changed): no plaintext leaks.
    static std::optional<QByteArray> decrypt(const unsigned char *key, QByteArrayView iv, QByteArrayView aad,
                                             QByteArrayView ciphertext, QByteArrayView tag, QString *error);
};

} // namespace crypto
