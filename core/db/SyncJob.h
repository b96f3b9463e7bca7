#pragma once

#include "jobs/JobKind.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace db {

// One row of `sync_jobs`.
struct SyncJob {
    qint64 id = 0;
    QString tenantId;
    jobs::JobKind kind = jobs::JobKind::Incremental;
    QString status;         // queued | running | succeeded | failed | cancelled
    QJsonObject params;     // jobs::paramsFromJson(kind, params) reads it
    QJsonObject checkpoint; // jobs::InitialCheckpoint / IncrementalCheckpoint / HistoricalCheckpoint
    bool force = false;
    int attempts = 0;
    QDateTime runAfter;
    QString workerId;
    QDateTime heartbeatAt;
    QString phase;
    std::optional<qint64> progressTotal;
    double messagesPerSecond = 0;
    qint64 processed = 0;
    qint64 inserted = 0;
    qint64 updated = 0;
    qint64 deleted = 0;
    qint64 skipped = 0;
    qint64 failed = 0; // messages recorded in message_failures by this job
    std::optional<qint64> startHistoryId;
    std::optional<qint64> endHistoryId;
    QString errorMessage;
    QString errorDetail;
    QDateTime createdAt;
    QDateTime startedAt;
    QDateTime finishedAt;
    // Fetched or being fetched, not yet committed (written before each chunk): the crash suspects when
    // the worker dies.
    QStringList inFlightIds;
    bool reclaimed = false; // claimNext took it over from a dead worker (its attempt was counted)
    QDateTime serverNow;    // the database's clock when read (JobRepository::list), for ages

    bool isFinished() const {
        return status == QLatin1String("succeeded") || status == QLatin1String("failed") ||
               status == QLatin1String("cancelled");
    }
};

// Counts added to a job's totals by one step (committed with the step's checkpoint).
struct JobCounts {
    qint64 processed = 0;
    qint64 inserted = 0;
    qint64 updated = 0;
    qint64 deleted = 0;
    qint64 skipped = 0;
    qint64 failed = 0;
};

} // namespace db
