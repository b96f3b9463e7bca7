#pragma once

#include <QDate>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace jobs {

// Parameters of an incremental sync. `windowDays` is how far back the full resync reaches when Gmail no
// longer has the stored history id (404). JSON {"days": 30, "retryFailed": false}.
struct IncrementalParams {
    int windowDays = 30;      // InitialParams::DefaultWindowDays
    bool retryFailed = false; // also fetch messages whose failures turned permanent

    QJsonObject toJson() const;
    // Every field required, none unknown: *error names the first problem.
    static std::optional<IncrementalParams> fromJson(const QJsonObject &json, QString *error);
};

} // namespace jobs
