#pragma once

#include "Command.h"

#include "jobs/JobParams.h"
#include "sync/SyncOptions.h"

#include <optional>

namespace cli {

struct SyncArguments;

// `gmail-sync sync <tenant-id> [--initial [--days N] | --historical --from YYYY-MM-DD --to YYYY-MM-DD]
// [--force]
// [--no-wait]`: queues a sync job; without --no-wait runs it in this process with progress on stderr and
// exits 0 only when it succeeded. No kind flag: incremental. --force ignores the per-tenant start limit,
// never a live lock.
class SyncCommand final : public Command {
public:
    QString name() const override { return QStringLiteral("sync"); }
    QString summary() const override {
        return QStringLiteral("Sync a tenant's mailbox (incremental by default).");
    }
    QString synopsis() const override {
        return QStringLiteral(
            "<tenant-id> [--initial [--days N] | --historical --from YYYY-MM-DD --to YYYY-MM-DD] [--force] "
            "[--retry-failed] [--no-wait]");
    }
    int run(CliContext &context, const QStringList &args) override;

    // The engine settings of this process (sync/worker commands): Gmail URL from the global options,
    // tokens from each tenant's sealed integration (auth::TokenManager, master key from --key-file or
    // the key providers). GMAIL_SYNC_ACCESS_TOKEN (environment, never argv) instead gives one fixed
    // bearer token for every tenant — the sandbox/demo shortcut. Tuning from the environment:
    // GMAIL_SYNC_START_LIMIT, GMAIL_SYNC_LEASE_STALE_SECONDS, GMAIL_SYNC_JOB_STALE_SECONDS,
    // GMAIL_SYNC_RETRY_BACKOFF_SECONDS.
    static syncengine::SyncOptions engineOptions(CliContext &context);

private:
    // nullopt: parsed into *out; otherwise the exit code (usage error, --help).
    std::optional<int> parseArguments(CliContext &context, const QStringList &args, SyncArguments *out);
    int runHere(CliContext &context, const syncengine::SyncOptions &options, qint64 jobId,
                const QString &kind, const QString &tenantId);
};

} // namespace cli
