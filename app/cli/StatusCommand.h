#pragma once

#include "Command.h"

namespace cli {

// `gmail-sync status <tenant-id> [--json]`: lock, history position, email count and recent jobs
// (newest first). JSON: {"tenantId","email","syncInProgress","lockedSince","historyId","emailCount",
// "jobs":[{"id","kind","status","processed","inserted","updated","deleted","skipped","error","startedAt",
// "finishedAt"}]}.
class StatusCommand final : public Command {
public:
    QString name() const override { return QStringLiteral("status"); }
    QString summary() const override { return QStringLiteral("Show a tenant's sync state and recent jobs."); }
    QString synopsis() const override { return QStringLiteral("<tenant-id> [--json]"); }
    int run(CliContext &context, const QStringList &args) override;
};

} // namespace cli
