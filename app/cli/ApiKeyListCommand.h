#pragma once

#include "Command.h"

namespace cli {

// `gmail-sync apikey list [--json]`: every API key with scope, tenant, expiry, last use and whether it is
// revoked — never the key (only its first characters).
class ApiKeyListCommand final : public Command {
public:
    QString name() const override { return QStringLiteral("apikey list"); }
    QString summary() const override { return QStringLiteral("List HTTP API keys."); }
    QString synopsis() const override { return QStringLiteral("[--json]"); }
    int run(CliContext &context, const QStringList &args) override;
};

} // namespace cli
