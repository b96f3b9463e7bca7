#pragma once

#include "crypto/MasterKeyProvider.h"

namespace crypto {

// The master key in the OS keychain (Secret Service over D-Bus on Linux) through QtKeychain.
// Entries of service "gmail-sync-admin":
//   "master-key"       base64 of the current key (created with RAND_bytes on first use)
//   "master-key-<id>"  every key ever made current, by id, so envelopes sealed before a rotation
//                      (or by a concurrent first use in another process) still open.
// Jobs run synchronously in a local event loop, so any thread with an event dispatcher may call.
class KeychainKeyProvider final : public MasterKeyProvider {
public:
    static constexpr const char *DefaultService = "gmail-sync-admin";

    explicit KeychainKeyProvider(QString service = QString::fromLatin1(DefaultService));

    QString description() const override;
    bool isConfigured() const override { return true; }
    std::optional<MasterKey> currentKey(QString *error) override;
    std::optional<MasterKey> keyById(const QString &keyId, QString *error) override;

    // Rotation, step 1: keep a new key under its id (not yet current).
    Q_REQUIRED_RESULT bool storeKey(const MasterKey &key, QString *error);
    // Rotation, step 3 (after the data is re-encrypted): make it the key new seals use.
    Q_REQUIRED_RESULT bool makeCurrent(const MasterKey &key, QString *error);

private:
    QString m_service;
};

} // namespace crypto
