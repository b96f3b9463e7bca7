#pragma once

#include <QDate>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace jobs {

// Parameters of a historical sync: a range of whole days (UTC), processed one calendar month at a time.
// JSON {"from": "2024-01-01", "to": "2024-03-31", "retryFailed": false}.
struct HistoricalParams {
    QDate from;
    QDate to; // inclusive
    bool retryFailed = false;

    QJsonObject toJson() const;
    // Every field required, none unknown: *error names the first problem.
    static std::optional<HistoricalParams> fromJson(const QJsonObject &json, QString *error);
};

} // namespace jobs
