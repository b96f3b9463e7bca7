#pragma once

#include "Command.h"

namespace cli {

// `gmail-sync audit [--tenant T] [--limit N] [--json]`: the audit trail, newest first. `--json` prints
// [{"at","actor","action","tenantId","details","outcome"}].
class AuditCommand final : public Command {
public:
    QString name() const override { return QStringLiteral("audit"); }
    QString summary() const override { return QStringLiteral("Show the audit trail of operator actions."); }
    QString synopsis() const override { return QStringLiteral("[--tenant <id>] [--limit N] [--json]"); }
    int run(CliContext &context, const QStringList &args) override;
};

} // namespace cli
