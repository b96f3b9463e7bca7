#pragma once

#include "Command.h"

namespace cli {

// `gmail-sync tenant add <tenant-id> --email <address> [--name <text>]`
class TenantAddCommand final : public Command {
public:
    QString name() const override { return QStringLiteral("tenant add"); }
    QString summary() const override { return QStringLiteral("Register a Gmail mailbox as a tenant."); }
    QString synopsis() const override {
        return QStringLiteral("<tenant-id> --email <address> [--name <text>]");
    }
    int run(CliContext &context, const QStringList &args) override;
};

} // namespace cli
