#include "KeyProviderChain.h"

#include "crypto/EnvKeyProvider.h"
#include "crypto/KeyFileProvider.h"
#include "crypto/KeychainKeyProvider.h"
#include "crypto/SecretManagerKeyProvider.h"

#include <QStringList>

namespace crypto {

void KeyProviderChain::append(std::unique_ptr<MasterKeyProvider> provider) {
    m_providers.push_back(std::move(provider));
}

std::unique_ptr<KeyProviderChain> KeyProviderChain::standard(const QString &keyFileOption) {
    auto chain = std::make_unique<KeyProviderChain>();
    const QString keyFile =
        keyFileOption.isEmpty() ? qEnvironmentVariable(KeyFileProvider::VariableName) : keyFileOption;
    QStringList order = qEnvironmentVariable(SourcesVariable).split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (QString &name : order)
        name = name.trimmed();
    if (order.isEmpty())
        order = {QStringLiteral("key-file"), QStringLiteral("env"), QStringLiteral("secret-manager"),
                 QStringLiteral("keychain")};
    for (const QString &name : std::as_const(order)) {
        if (name == QLatin1String("key-file")) {
            chain->append(std::make_unique<KeyFileProvider>(keyFile));
        } else if (name == QLatin1String("env")) {
            chain->append(std::make_unique<EnvKeyProvider>());
        } else if (name == QLatin1String("secret-manager")) {
            if (auto secretManager = SecretManagerKeyProvider::fromEnvironment())
                chain->append(std::move(secretManager));
        } else if (name == QLatin1String("keychain")) {
            chain->append(std::make_unique<KeychainKeyProvider>());
        } else {
            chain->m_configError =
                QStringLiteral("%1 names an unknown master key source \"%2\" (known: key-file, "
                               "env, secret-manager, keychain)")
                    .arg(QLatin1String(SourcesVariable), name);
        }
    }
    return chain;
}

MasterKeyProvider *KeyProviderChain::active(QString *error) const {
    if (!m_configError.isEmpty()) {
        if (error)
            *error = m_configError;
        return nullptr;
    }
    for (const auto &provider : m_providers) {
        if (provider->isConfigured())
            return provider.get();
    }
    if (error) {
        QStringList tried;
        for (const auto &provider : m_providers)
            tried << provider->description();
        *error = QStringLiteral("no master key source is configured (tried: %1)")
                     .arg(tried.join(QStringLiteral(", ")));
    }
    return nullptr;
}

std::optional<Vault> KeyProviderChain::vault(const QStringList &keyIds, QString *error) {
    const auto current = currentKey(error);
    if (!current)
        return std::nullopt;
    Vault vault(*current);
    for (const QString &keyId : keyIds) {
        if (keyId.isEmpty() || vault.hasKey(keyId))
            continue;
        QString reason;
        const auto key = keyById(keyId, &reason);
        if (!key) {
            if (error)
                *error = QStringLiteral("stored credentials are sealed with master key %1, which %2 cannot "
                                        "provide: %3")
                             .arg(keyId, description(), reason);
            return std::nullopt;
        }
        vault.addKey(*key);
    }
    return vault;
}

QString KeyProviderChain::description() const {
    QString ignored;
    const MasterKeyProvider *provider = active(&ignored);
    return provider ? provider->description() : QStringLiteral("no master key source");
}

bool KeyProviderChain::isConfigured() const {
    QString ignored;
    return active(&ignored) != nullptr;
}

std::optional<MasterKey> KeyProviderChain::currentKey(QString *error) {
    MasterKeyProvider *provider = active(error);
    return provider ? provider->currentKey(error) : std::nullopt;
}

std::optional<MasterKey> KeyProviderChain::keyById(const QString &keyId, QString *error) {
    MasterKeyProvider *provider = active(error);
    return provider ? provider->keyById(keyId, error) : std::nullopt;
}

} // namespace crypto
