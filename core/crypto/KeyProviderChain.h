#pragma once

#include "crypto/MasterKeyProvider.h"
#include "crypto/Vault.h"

#include <QStringList>

#include <memory>
#include <vector>

namespace crypto {

// Master-key sources in the configured order. The first source that is configured is the one used:
// if it fails, that failure is reported (a broken GMAIL_SYNC_MASTER_KEY must not silently fall
// through to a different key in the keychain, which would seal data nobody can find again).
class KeyProviderChain final : public MasterKeyProvider {
public:
    KeyProviderChain() = default;
    KeyProviderChain(const KeyProviderChain &) = delete;
    KeyProviderChain &operator=(const KeyProviderChain &) = delete;

    void append(std::unique_ptr<MasterKeyProvider> provider);

    static constexpr const char *SourcesVariable = "GMAIL_SYNC_KEY_SOURCES";

    // The programs' chain. Default order: --key-file (or GMAIL_SYNC_KEY_FILE), then
    // GMAIL_SYNC_MASTER_KEY, then Secret Manager (GMAIL_SYNC_SECRET_MANAGER_SECRET, see
    // SecretManagerKeyProvider::fromEnvironment), then the OS keychain. GMAIL_SYNC_KEY_SOURCES
    // (e.g. "secret-manager,keychain") sets another order or leaves sources out.
    static std::unique_ptr<KeyProviderChain> standard(const QString &keyFileOption);

    // The source in use, or nullptr with *error when none is configured.
    MasterKeyProvider *active(QString *error) const;

    // A vault sealing with the current key that can also open envelopes sealed with `keyIds` (the
    // key ids the stored rows name, e.g. from before a rotation). Fails naming a key it cannot get.
    std::optional<Vault> vault(const QStringList &keyIds, QString *error);

    QString description() const override;
    bool isConfigured() const override;
    std::optional<MasterKey> currentKey(QString *error) override;
    std::optional<MasterKey> keyById(const QString &keyId, QString *error) override;

private:
    std::vector<std::unique_ptr<MasterKeyProvider>> m_providers;
    QString m_configError;
};

} // namespace crypto
