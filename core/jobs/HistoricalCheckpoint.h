#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>

namespace jobs {

// Where a historical sync stands: the month being listed (yyyy-MM) and its page, or done.
// JSON {"mode": "historical", "month": "2024-02", "pageToken": "", "done": false}.
struct HistoricalCheckpoint {
    QString month;
    QString pageToken; // of the next messages.list page of `month`; empty: its first
    bool done = false;

    QJsonObject toJson() const;
    static std::optional<HistoricalCheckpoint> fromJson(const QJsonObject &json, QString *error);
    static bool isHistoricalCheckpoint(const QJsonObject &json);
};

} // namespace jobs
