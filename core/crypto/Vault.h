#pragma once

#include "crypto/MasterKey.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace crypto {

// Seals small secrets (an integration's keys JSON) with AES-256-GCM under the current master key.
//
// Envelope, format version 1 (all of it is authenticated):
//   byte 0      'G' (0x47)  magic
//   byte 1      0x01        format version
//   bytes 2..5  key id      first 4 bytes of SHA-256(master key) = MasterKey::id() in hex
//   bytes 6..17 nonce       96 bits from RAND_bytes, fresh for every seal (SP 800-38D §8.2.2)
//   ...         ciphertext  same length as the plaintext
//   last 16     tag         128 bits
// The 6 header bytes are prepended to the caller's associated data, so a changed version or key id
// fails authentication too. The key id lets old envelopes open after a rotation (addKey).
class Vault final {
public:
    static constexpr char Magic = 'G';
    static constexpr char FormatVersion = 1;
    static constexpr int HeaderSize = 6;
    static constexpr int NonceSize = 12;
    static constexpr int MinimumSize = HeaderSize + NonceSize + 16;

    explicit Vault(const MasterKey &current);

    // A further key that open() may use (e.g. the previous key during a rotation).
    void addKey(const MasterKey &key);
    QString currentKeyId() const { return m_keys.first().id(); }
    bool hasKey(const QString &keyId) const;

    // aad binds the envelope to its place (tenant, source, auth type): opening it elsewhere fails.
    std::optional<QByteArray> seal(QByteArrayView plaintext, QByteArrayView aad, QString *error) const;
    // Fails with a clear message, never garbage: truncated, not an envelope, unknown version,
    // unknown key, or authentication failure. The caller owns wiping the returned plaintext.
    std::optional<QByteArray> open(QByteArrayView envelope, QByteArrayView aad, QString *error) const;

    // The key id an envelope names, or nullopt if it is not a version-1 envelope.
    static std::optional<QString> keyIdOf(QByteArrayView envelope);

private:
    const MasterKey *find(const QString &keyId) const;

    QList<MasterKey> m_keys; // first = current
};

} // namespace crypto
