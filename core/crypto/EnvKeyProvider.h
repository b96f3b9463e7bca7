#pragma once

#include "crypto/MasterKeyProvider.h"

namespace crypto {

// GMAIL_SYNC_MASTER_KEY: base64 of exactly 32 bytes (e.g. `openssl rand -base64 32`).
class EnvKeyProvider final : public MasterKeyProvider {
public:
    static constexpr const char *VariableName = "GMAIL_SYNC_MASTER_KEY";

    explicit EnvKeyProvider(const char *variable = VariableName);

    QString description() const override;
    bool isConfigured() const override;
    std::optional<MasterKey> currentKey(QString *error) override;

private:
    const char *m_variable;
};

} // namespace crypto
