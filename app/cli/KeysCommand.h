#pragma once

#include "Command.h"

namespace cli {

// `gmail-sync keys rotate [--new-key-file <path>]`: re-seals every stored integration under a new
// master key, in one transaction (all or nothing).
//
// Rotation procedure:
//  * OS keychain (the default): `gmail-sync keys rotate`. A new key is generated and kept in the
//    keychain under its id ("master-key-<id>") before anything is re-sealed; after the commit it
//    becomes "master-key". Every earlier key stays in the keychain under its id, so nothing sealed
//    before (or during) the rotation becomes unreadable. Delete an old entry only once
//    `integration show` reports no integration under its key id.
//  * --key-file / GMAIL_SYNC_MASTER_KEY / Secret Manager: keep the current key configured and run
//    `gmail-sync keys rotate --new-key-file NEW` (NEW is created with a fresh key, mode 0600, unless it
//    exists; then it must be a 0600 key file). Then point --key-file / GMAIL_SYNC_KEY_FILE at NEW (or
//    put its content in GMAIL_SYNC_MASTER_KEY / a new secret version) and keep the old key until the
//    switch is done everywhere.
class KeysCommand final : public Command {
public:
    QString name() const override { return QStringLiteral("keys"); }
    QString summary() const override {
        return QStringLiteral("Master-key maintenance: `keys rotate` re-encrypts every integration.");
    }
    QString synopsis() const override { return QStringLiteral("rotate [--new-key-file <path>]"); }
    int run(CliContext &context, const QStringList &args) override;

private:
    int rotate(CliContext &context, const QStringList &args);
};

} // namespace cli
