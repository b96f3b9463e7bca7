#pragma once

#include <QDate>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace jobs {

// Parameters of a push-triggered sync (an incremental one): the history id the notification announced,
// and the resync window as for IncrementalParams. JSON {"notifiedHistoryId": "123", "days": 30,
// "retryFailed": false}.
struct PushParams {
    qint64 notifiedHistoryId = 0;
    int windowDays = 30; // InitialParams::DefaultWindowDays
    bool retryFailed = false;

    QJsonObject toJson() const;
    // Every field required, none unknown: *error names the first problem.
    static std::optional<PushParams> fromJson(const QJsonObject &json, QString *error);
};

} // namespace jobs
