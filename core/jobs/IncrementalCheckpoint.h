#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>

namespace jobs {

// Where a walk through the History API stands (incremental and push jobs). When Gmail no longer has the
// start id the job falls back to a resync and its checkpoint becomes an InitialCheckpoint (mode resync).
// JSON {"mode": "incremental", "startHistoryId": "100", "latestHistoryId": "180", "pageToken": ""}.
struct IncrementalCheckpoint {
    qint64 startHistoryId = 0;
    qint64 latestHistoryId = 0; // the newest history id seen so far: the tenant's next start
    QString pageToken;          // of the next history.list page; empty: the first

    QJsonObject toJson() const;
    static std::optional<IncrementalCheckpoint> fromJson(const QJsonObject &json, QString *error);
    static bool isIncrementalCheckpoint(const QJsonObject &json);
};

} // namespace jobs
