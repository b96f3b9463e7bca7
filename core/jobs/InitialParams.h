#pragma once

#include <QDate>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace jobs {

// Parameters of an initial sync: how far back it reaches, and whether permanent failures are retried.
// JSON {"days": 30, "retryFailed": false}.
struct InitialParams {
    static constexpr int DefaultWindowDays = 30;
    static constexpr int MaxWindowDays = 10000; // Gmail began in 2004

    int windowDays = DefaultWindowDays;
    bool retryFailed = false; // also fetch messages whose failures turned permanent

    QJsonObject toJson() const;
    // Every field required, none unknown: *error names the first problem.
    static std::optional<InitialParams> fromJson(const QJsonObject &json, QString *error);
};

} // namespace jobs
