#pragma once

#include "Command.h"

namespace cli {

// `gmail-sync health [--json]`: what GET /health answers — the database reachable and its schema current,
// the queue's depth and ages. Exit 0 when ready, 1 when not (for scripts and container health checks).
class HealthCommand final : public Command {
public:
    QString name() const override { return QStringLiteral("health"); }
    QString summary() const override { return QStringLiteral("Check readiness: database, schema, queue."); }
    QString synopsis() const override { return QStringLiteral("[--json]"); }
    int run(CliContext &context, const QStringList &args) override;
};

} // namespace cli
