#pragma once

#include "crypto/MasterKey.h"

#include <QString>

#include <optional>

namespace crypto {

// Where the master key comes from: the OS keychain, an environment variable, a key file, or Google
// Secret Manager. KeyProviderChain tries them in the configured order.
class MasterKeyProvider {
public:
    virtual ~MasterKeyProvider() = default;

    // Human-readable source for messages, e.g. "key file /etc/gsa/master.key". Never the key.
    virtual QString description() const = 0;
    // False when this source was not asked for (variable unset, no --key-file): the chain moves on.
    // A configured source that fails is an error, never a silent fall-through to the next one.
    virtual bool isConfigured() const = 0;
    // The key to seal with, or nullopt and *error naming the source and what to do.
    virtual std::optional<MasterKey> currentKey(QString *error) = 0;
    // A key by id (an envelope sealed before a rotation). The default knows only the current key.
    virtual std::optional<MasterKey> keyById(const QString &keyId, QString *error);
};

} // namespace crypto
