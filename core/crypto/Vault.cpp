#include "Vault.h"

#include "crypto/AesGcm.h"

#include <openssl/rand.h>

namespace crypto {

namespace {

void fail(QString *error, const QString &message) {
    if (error)
        *error = message;
}

} // namespace

Vault::Vault(const MasterKey &current) {
    m_keys.append(current);
}

void Vault::addKey(const MasterKey &key) {
    if (!hasKey(key.id()))
        m_keys.append(key);
}

bool Vault::hasKey(const QString &keyId) const {
    return find(keyId) != nullptr;
}

const MasterKey *Vault::find(const QString &keyId) const {
    for (const MasterKey &key : m_keys) {
        if (key.id() == keyId)
            return &key;
    }
    return nullptr;
}

std::optional<QByteArray> Vault::seal(QByteArrayView plaintext, QByteArrayView aad, QString *error) const {
    const MasterKey &key = m_keys.first();
    QByteArray header;
    header.reserve(HeaderSize);
    header.append(Magic);
    header.append(FormatVersion);
    header.append(QByteArray::fromHex(key.id().toLatin1()));

    QByteArray nonce(NonceSize, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(nonce.data()), NonceSize) != 1) {
        fail(error, QStringLiteral("the system random number generator failed; nothing was encrypted"));
        return std::nullopt;
    }
    const QByteArray fullAad = header + aad.toByteArray();
    auto sealed = AesGcm::encrypt(key.data(), nonce, fullAad, plaintext, error);
    if (!sealed)
        return std::nullopt;
    return header + nonce + sealed->ciphertext + sealed->tag;
}

std::optional<QByteArray> Vault::open(QByteArrayView envelope, QByteArrayView aad, QString *error) const {
    if (envelope.size() < MinimumSize) {
        fail(error, QStringLiteral("the sealed data is truncated (%1 bytes, at least %2 expected)")
                        .arg(envelope.size())
                        .arg(MinimumSize));
        return std::nullopt;
    }
    if (envelope[0] != Magic) {
        fail(error, QStringLiteral("the sealed data is not a vault envelope"));
        return std::nullopt;
    }
    if (envelope[1] != FormatVersion) {
        fail(error,
             QStringLiteral("the sealed data has envelope format version %1; this program reads version %2")
                 .arg(int(quint8(envelope[1])))
                 .arg(int(FormatVersion)));
        return std::nullopt;
    }
    const QString keyId = *keyIdOf(envelope);
    const MasterKey *key = find(keyId);
    if (!key) {
        fail(error, QStringLiteral("the data was sealed with master key %1, which is not available (current "
                                   "key is %2); provide that key or restore it to the keychain")
                        .arg(keyId, currentKeyId()));
        return std::nullopt;
    }
    const QByteArrayView header = envelope.first(HeaderSize);
    const QByteArrayView nonce = envelope.sliced(HeaderSize, NonceSize);
    const qsizetype ctSize = envelope.size() - MinimumSize;
    const QByteArrayView ciphertext = envelope.sliced(HeaderSize + NonceSize, ctSize);
    const QByteArrayView tag = envelope.last(AesGcm::TagSize);
    const QByteArray fullAad = header.toByteArray() + aad.toByteArray();
    return AesGcm::decrypt(key->data(), nonce, fullAad, ciphertext, tag, error);
}

std::optional<QString> Vault::keyIdOf(QByteArrayView envelope) {
    if (envelope.size() < MinimumSize || envelope[0] != Magic || envelope[1] != FormatVersion)
        return std::nullopt;
    return QString::fromLatin1(envelope.sliced(2, 4).toByteArray().toHex());
}

} // namespace crypto
