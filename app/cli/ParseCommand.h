#pragma once

#include "Command.h"

namespace cli {

// `gmail-sync parse <file>... [--json]`: reads RFC 822 files (.eml, as Gmail's format=raw gives them)
// with the sync engine's own parser and prints what a sync would store for each, with its parse
// warnings. For operators asking "why does this message look like that?"; touches no database.
class ParseCommand final : public Command {
public:
    QString name() const override { return QStringLiteral("parse"); }
    QString summary() const override {
        return QStringLiteral("Show what a sync would store for RFC 822 message files.");
    }
    QString synopsis() const override { return QStringLiteral("<file>... [--json]"); }
    int run(CliContext &context, const QStringList &args) override;
};

} // namespace cli
