#pragma once

#include "Command.h"

namespace cli {

// `gmail-sync connect <tenant-id> --client-id ID --client-secret SECRET [--timeout S] [--no-browser]`:
// the OAuth browser flow with a loopback redirect and PKCE. Prints the address (for a person on a
// server to copy) and opens the system browser with xdg-open; on consent stores the refresh token
// sealed in the vault and the account's address on the tenant (created if it does not exist yet).
class ConnectCommand final : public Command {
public:
    QString name() const override { return QStringLiteral("connect"); }
    QString summary() const override {
        return QStringLiteral("Connect a Gmail account through the OAuth browser flow (loopback redirect).");
    }
    QString synopsis() const override {
        return QStringLiteral(
            "<tenant-id> --client-id ID --client-secret SECRET [--timeout SECONDS] [--no-browser]");
    }
    int run(CliContext &context, const QStringList &args) override;
};

} // namespace cli
