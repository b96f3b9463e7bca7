#pragma once

#include "Command.h"

namespace cli {

// `gmail-sync migrate`: brings the database to this program's schema and says what it did.
class MigrateCommand final : public Command {
public:
    QString name() const override { return QStringLiteral("migrate"); }
    QString summary() const override { return QStringLiteral("Create or upgrade the database schema."); }
    int run(CliContext &context, const QStringList &args) override;
};

} // namespace cli
