#pragma once

#include "Command.h"

namespace cli {

// `gmail-sync watch <tenant-id> --topic projects/P/topics/T` starts (or renews) the tenant's Gmail push
// watch and stores its expiration; `--stop` ends it. A running worker renews stored watches
// daily (unless GMAIL_SYNC_WATCH_RENEW=0).
class WatchCommand final : public Command {
public:
    QString name() const override { return QStringLiteral("watch"); }
    QString summary() const override {
        return QStringLiteral("Start or stop Gmail push notifications (users.watch) for a tenant.");
    }
    QString synopsis() const override {
        return QStringLiteral("<tenant-id> (--topic projects/P/topics/T | --stop)");
    }
    int run(CliContext &context, const QStringList &args) override;
};

} // namespace cli
