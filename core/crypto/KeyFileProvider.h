#pragma once

#include "crypto/MasterKeyProvider.h"

namespace crypto {

// --key-file PATH / GMAIL_SYNC_KEY_FILE: 32 raw bytes, or base64 of 32 bytes. Refused, with the
// reason, when group or others may read it (like ssh refuses a private key with loose permissions).
class KeyFileProvider final : public MasterKeyProvider {
public:
    static constexpr const char *VariableName = "GMAIL_SYNC_KEY_FILE";

    explicit KeyFileProvider(QString path);

    QString description() const override;
    bool isConfigured() const override { return !m_path.isEmpty(); }
    std::optional<MasterKey> currentKey(QString *error) override;

    // Writes a key as base64 to a new file with mode 0600 (`keys rotate --new-key-file`), durably:
    // temporary file, fsync, link to the name, directory fsync, read back and verified. Refuses to
    // overwrite an existing file.
    static bool writeKeyFile(const QString &path, const MasterKey &key, QString *error);

private:
    QString m_path;
};

} // namespace crypto
