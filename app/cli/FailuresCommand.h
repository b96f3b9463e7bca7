#pragma once

#include "Command.h"

namespace cli {

// `gmail-sync failures <tenant-id> [--json]`: the messages the tenant's syncs could not store
// (message_failures): id, kind, attempts, permanent, first/last seen, last error. Every sync retries the
// non-permanent ones first; `gmail-sync sync <tenant-id> --retry-failed` retries the permanent ones too.
class FailuresCommand final : public Command {
public:
    QString name() const override { return QStringLiteral("failures"); }
    QString summary() const override {
        return QStringLiteral("List the messages a tenant's syncs could not store.");
    }
    QString synopsis() const override { return QStringLiteral("<tenant-id> [--json]"); }
    int run(CliContext &context, const QStringList &args) override;
};

} // namespace cli
