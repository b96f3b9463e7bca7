#pragma once

#include "Command.h"

namespace cli {

// `gmail-sync integration set|show|deactivate`: a tenant's Gmail credentials.
//   integration set <tenant-id> --auth oauth|service-account --keys-file <path or - for stdin>
//   integration show <tenant-id> [--json]      status, auth type, key id, token expiry, last use;
//                                              for a service account its client_email and subject.
//                                              Never a secret.
//   integration deactivate <tenant-id>
// The master key comes from --key-file / GMAIL_SYNC_KEY_FILE, else GMAIL_SYNC_MASTER_KEY, else the
// OS keychain (crypto::KeyProviderChain::standard).
class IntegrationCommand final : public Command {
public:
    QString name() const override { return QStringLiteral("integration"); }
    QString summary() const override {
        return QStringLiteral(
            "Store, show or deactivate a tenant's Gmail credentials (set|show|deactivate).");
    }
    QString synopsis() const override {
        return QStringLiteral("set <tenant-id> --auth oauth|service-account --keys-file <path|->\n"
                              "       gmail-sync integration show <tenant-id> [--json]\n"
                              "       gmail-sync integration deactivate <tenant-id>");
    }
    int run(CliContext &context, const QStringList &args) override;

private:
    int set(CliContext &context, const QStringList &args);
    int show(CliContext &context, const QStringList &args);
    int deactivate(CliContext &context, const QStringList &args);
};

} // namespace cli
