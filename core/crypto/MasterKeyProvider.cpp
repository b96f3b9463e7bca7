#include "MasterKeyProvider.h"

namespace crypto {

std::optional<MasterKey> MasterKeyProvider::keyById(const QString &keyId, QString *error) {
    auto key = currentKey(error);
    if (!key)
        return std::nullopt;
    if (key->id() != keyId) {
        if (error)
            *error = QStringLiteral("%1 holds master key %2, not %3").arg(description(), key->id(), keyId);
        return std::nullopt;
    }
    return key;
}

} // namespace crypto
