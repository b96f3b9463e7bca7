#pragma once

#include "Command.h"
#include "demo/DemoEnvironment.h"

namespace cli {

// `gmail-sync demo [--messages N] [--days D]`: the main job on the embedded default. The private
// PostgreSQL cluster (unless --database is given), the bundled Gmail API sandbox with a generated
// mailbox, a demo tenant connected through an encrypted OAuth integration, and a real initial sync
// on the engine's worker threads; then it prints what it synced.
class DemoCommand final : public Command {
public:
    QString name() const override { return QStringLiteral("demo"); }
    QString summary() const override {
        return QStringLiteral(
            "Sync a generated mailbox from the bundled Gmail API sandbox (no Google account).");
    }
    QString synopsis() const override { return QStringLiteral("[--messages N] [--days D]"); }
    int run(CliContext &context, const QStringList &args) override;

private:
    // Same return convention as Command::parse().
    int parseOptions(CliContext &context, const QStringList &args,
                     demo::DemoEnvironment::Options *options) const;
    // Queues the initial sync, runs it on the engine and prints what it stored.
    int initialSync(CliContext &context, const demo::DemoEnvironment &environment,
                    const QString &tenantId) const;
};

} // namespace cli
