#pragma once

#include <QByteArray>
#include <QString>

#include <array>
#include <optional>

namespace crypto {

// A 256-bit master key and its id. The bytes live in a fixed array (not an implicitly shared
// QByteArray) so that every copy is wiped with OPENSSL_cleanse when it goes away.
class MasterKey final {
public:
    static constexpr int Size = 32;

    MasterKey(const MasterKey &other) = default;
    MasterKey &operator=(const MasterKey &other) = default;
    ~MasterKey();

    // Exactly 32 raw bytes, or nullopt with *error saying why (never echoing the bytes).
    static std::optional<MasterKey> fromBytes(QByteArrayView bytes, QString *error);
    // Strict base64 (standard alphabet, padding optional, surrounding whitespace ignored) of 32 bytes.
    static std::optional<MasterKey> fromBase64(QByteArrayView text, QString *error);
    // What a key file or secret holds: base64 text of 32 bytes, or the 32 raw bytes. Text that is
    // valid base64 is read as base64 (32 random bytes are all base64 characters with odds 4^-32).
    static std::optional<MasterKey> fromKeyMaterial(QByteArrayView content, QString *error);
    // A fresh key from OpenSSL's CSPRNG (RAND_bytes); nullopt only if the CSPRNG fails.
    static std::optional<MasterKey> generate(QString *error);

    // First 8 hex digits of SHA-256(key): tells keys apart in envelopes and the integrations table
    // without revealing anything usable about the key.
    QString id() const { return m_id; }
    const unsigned char *data() const { return m_bytes.data(); }
    // Base64 for storage in a keychain or key file. The caller owns wiping the copy.
    QByteArray toBase64() const;

    static QString idFor(const unsigned char *bytes);

private:
    MasterKey() = default;

    std::array<unsigned char, Size> m_bytes{};
    QString m_id;
};

} // namespace crypto
