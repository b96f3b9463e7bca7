#pragma once

#include "Command.h"

namespace cli {

// `gmail-sync unlock <tenant-id>`: clears the tenant's sync lease by hand (after a crashed worker, when
// waiting for the staleness is not wanted). Says whose lease it was.
class UnlockCommand final : public Command {
public:
    QString name() const override { return QStringLiteral("unlock"); }
    QString summary() const override {
        return QStringLiteral("Clear a tenant's sync lock left by a dead process.");
    }
    QString synopsis() const override { return QStringLiteral("<tenant-id>"); }
    int run(CliContext &context, const QStringList &args) override;
};

} // namespace cli
