#pragma once

#include "Command.h"

namespace cli {

// `gmail-sync apikey create --name N --scope read|sync|admin [--tenant T] [--expires DATE] [--json]`:
// a key for the HTTP API, printed once (`--json`: {"id","name","key"}); only its hash is stored.
class ApiKeyCreateCommand final : public Command {
public:
    QString name() const override { return QStringLiteral("apikey create"); }
    QString summary() const override { return QStringLiteral("Create an HTTP API key (printed once)."); }
    QString synopsis() const override {
        return QStringLiteral(
            "--name <text> --scope read|sync|admin [--tenant <id>] [--expires YYYY-MM-DD] [--json]");
    }
    int run(CliContext &context, const QStringList &args) override;
};

} // namespace cli
