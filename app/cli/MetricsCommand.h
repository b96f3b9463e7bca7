#pragma once

#include "Command.h"

namespace cli {

// `gmail-sync metrics [--per-tenant]`: what GET /metrics answers, in Prometheus' text format (for a
// node-exporter textfile collector until the HTTP API serves it).
class MetricsCommand final : public Command {
public:
    QString name() const override { return QStringLiteral("metrics"); }
    QString summary() const override {
        return QStringLiteral("Print the service's metrics (Prometheus text).");
    }
    QString synopsis() const override { return QStringLiteral("[--per-tenant]"); }
    int run(CliContext &context, const QStringList &args) override;
};

} // namespace cli
