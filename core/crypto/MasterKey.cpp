#include "MasterKey.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstring>

namespace crypto {

MasterKey::~MasterKey() {
    OPENSSL_cleanse(m_bytes.data(), m_bytes.size());
}

std::optional<MasterKey> MasterKey::fromBytes(QByteArrayView bytes, QString *error) {
    if (bytes.size() != Size) {
        if (error)
            *error =
                QStringLiteral("a master key must be exactly %1 bytes, got %2").arg(Size).arg(bytes.size());
        return std::nullopt;
    }
    MasterKey key;
    std::memcpy(key.m_bytes.data(), bytes.data(), Size);
    key.m_id = idFor(key.m_bytes.data());
    return key;
}

std::optional<MasterKey> MasterKey::fromBase64(QByteArrayView text, QString *error) {
    const QByteArray trimmed = text.toByteArray().trimmed();
    auto decoded = QByteArray::fromBase64Encoding(trimmed, QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || trimmed.isEmpty()) {
        if (error)
            *error = QStringLiteral("the master key is not valid base64");
        return std::nullopt;
    }
    QByteArray bytes = std::move(*decoded);
    if (bytes.size() != Size) {
        if (error)
            *error =
                QStringLiteral("the master key must be base64 of exactly %1 bytes, it decodes to %2 bytes")
                    .arg(Size)
                    .arg(bytes.size());
        OPENSSL_cleanse(bytes.data(), bytes.size());
        return std::nullopt;
    }
    auto key = fromBytes(bytes, error);
    OPENSSL_cleanse(bytes.data(), bytes.size());
    return key;
}

std::optional<MasterKey> MasterKey::fromKeyMaterial(QByteArrayView content, QString *error) {
    QByteArray trimmed = content.toByteArray().trimmed();
    const bool isBase64 =
        !trimmed.isEmpty() &&
        bool(QByteArray::fromBase64Encoding(trimmed, QByteArray::AbortOnBase64DecodingErrors));
    OPENSSL_cleanse(trimmed.data(), trimmed.size());
    if (!isBase64 && content.size() == Size)
        return fromBytes(content, error);
    auto key = fromBase64(content, error);
    if (!key && error)
        *error = QStringLiteral("expected base64 of %1 bytes or %1 raw bytes: ").arg(Size) + *error;
    return key;
}

std::optional<MasterKey> MasterKey::generate(QString *error) {
    MasterKey key;
    if (RAND_bytes(key.m_bytes.data(), Size) != 1) {
        if (error)
            *error = QStringLiteral("the system random number generator failed; cannot create a master key");
        return std::nullopt;
    }
    key.m_id = idFor(key.m_bytes.data());
    return key;
}

QByteArray MasterKey::toBase64() const {
    return QByteArray::fromRawData(reinterpret_cast<const char *>(m_bytes.data()), Size).toBase64();
}

QString MasterKey::idFor(const unsigned char *bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(bytes, Size, digest, &length, EVP_sha256(), nullptr);
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(digest), 4).toHex());
}

} // namespace crypto
