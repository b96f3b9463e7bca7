#pragma once

#include "Command.h"

namespace cli {

// `gmail-sync tenant list [--json]`: tenants with email count, last sync and lease holder.
class TenantListCommand final : public Command {
public:
    QString name() const override { return QStringLiteral("tenant list"); }
    QString summary() const override {
        return QStringLiteral("List tenants, their email counts and sync state.");
    }
    QString synopsis() const override { return QStringLiteral("[--json]"); }
    int run(CliContext &context, const QStringList &args) override;
};

} // namespace cli
