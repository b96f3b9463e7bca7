#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace syncengine {

// One progress report of a running sync job: what the engine hands its callback (SyncWorker → signals, the
// CLI's progress line), what the job row records, and what NOTIFY gsa_sync_progress carries to other
// processes (docs/ARCHITECTURE.md, "Wire contracts":
// {"jobId","tenantId","phase","processed","total","rate"}).
struct ProgressUpdate {
    qint64 jobId = 0;
    QString tenantId;
    QString phase;
    qint64 processed = 0;
    std::optional<qint64> total; // unknown until the job has listed its messages
    double rate = 0;             // messages per second

    // nullopt for a payload that is not such an object (a malformed NOTIFY must not reach the models).
    static std::optional<ProgressUpdate> fromJson(const QByteArray &payload);
};

} // namespace syncengine
