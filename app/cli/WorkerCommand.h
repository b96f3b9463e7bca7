#pragma once

#include "Command.h"

namespace cli {

// `gmail-sync worker [--concurrency N] [--listen HOST:PORT]`: runs the sync engine (N worker threads
// claiming jobs from the database) until SIGTERM/SIGINT, then stops gracefully: running steps are
// finished or abandoned whole, jobs go back to the queue with their checkpoints.
class WorkerCommand final : public Command {
public:
    QString name() const override { return QStringLiteral("worker"); }
    QString summary() const override { return QStringLiteral("Run sync workers until SIGTERM/SIGINT."); }
    QString synopsis() const override { return QStringLiteral("[--concurrency N] [--listen HOST:PORT]"); }
    int run(CliContext &context, const QStringList &args) override;
};

} // namespace cli
