#pragma once

#include "Command.h"

namespace cli {

// `gmail-sync apikey revoke <id>`: the key stops working at once; its row stays for the record.
class ApiKeyRevokeCommand final : public Command {
public:
    QString name() const override { return QStringLiteral("apikey revoke"); }
    QString summary() const override { return QStringLiteral("Revoke an HTTP API key."); }
    QString synopsis() const override { return QStringLiteral("<id>"); }
    int run(CliContext &context, const QStringList &args) override;
};

} // namespace cli
