#pragma once

#include "db/ConnectionSettings.h"

#include <QByteArray>
#include <QDate>
#include <QDateTime>
#include <QList>
#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace db {

// One tenant as the admin overview shows it: the row, its Gmail integration, its email count and the
// jobs that decide its sync state. `serverNow` is the database's clock, so ages never mix two clocks.
struct TenantOverview {
    QString id;
    QString displayName;
    QString gmailAddress;
    QString integrationStatus; // active / needs_reauth / inactive; empty: not connected
    QString integrationReason;
    QString authType;
    QString lockedBy; // the sync lease
    QDateTime lockedAt;
    QDateTime heartbeatAt;
    QDateTime lastSyncAt;
    QDateTime watchExpiresAt;
    qint64 emailCount = 0;
    qint64 failedItems = 0;     // messages in message_failures (migration 0007)
    qint64 failedPermanent = 0; // of those, not retried automatically any more
    qint64 runningJobId = 0;    // 0: none
    QString runningPhase;
    qint64 processed = 0;
    std::optional<qint64> total;
    double rate = 0;
    int queuedJobs = 0;
    QString lastJobStatus; // of the newest finished job
    QString lastJobError;
    QDateTime lastJobFinishedAt;
    QDateTime serverNow;
};

struct JobRecord {
    qint64 id = 0;
    QString tenantId;
    QString kind;
    QString status;
    QString phase;
    bool force = false;
    int attempts = 0;
    QString workerId;
    QDateTime createdAt;
    QDateTime startedAt;
    QDateTime finishedAt;
    QDateTime heartbeatAt;
    qint64 processed = 0;
    qint64 inserted = 0;
    qint64 updated = 0;
    qint64 deleted = 0;
    qint64 skipped = 0;
    qint64 failed = 0; // messages the job recorded in message_failures
    std::optional<qint64> total;
    double rate = 0;
    std::optional<qint64> startHistoryId;
    std::optional<qint64> endHistoryId;
    QString errorMessage;
    QString errorDetail;
    QByteArray paramsJson;
    QByteArray checkpointJson;
    QDateTime serverNow;
};

struct JobFilter {
    QString tenantId; // empty: every tenant
    QString status;   // empty: every status
    int limit = 500;
};

struct DailySyncCount {
    QDate day;
    qint64 messages = 0;
    int jobs = 0;
};

struct JobDuration {
    qint64 jobId = 0;
    QString kind;
    QDateTime finishedAt;
    double seconds = 0;
};

// The reads and the few writes the admin GUI makes on tenants and sync_jobs. Meant to move into the
// engine's own repositories (TenantRepository / JobRepository) once those exist.
class AdminQueries final {
public:
    explicit AdminQueries(QSqlDatabase db);

    std::optional<QList<TenantOverview>> tenants();
    std::optional<QList<JobRecord>> jobs(const JobFilter &filter);
    // Messages processed by finished jobs per day over the last `days` days, oldest first.
    std::optional<QList<DailySyncCount>> dailyCounts(const QString &tenantId, int days);
    // The newest finished jobs' durations, oldest first.
    std::optional<QList<JobDuration>> recentDurations(const QString &tenantId, int limit);

    // Opens a private connection with `settings` (not this thread's), asks the server's version and closes
    // it: the settings dialog's "Test". On failure *error says what failed, without the password.
    static std::optional<QString> probe(const ConnectionSettings &settings, QString *error);

    QString errorString() const { return m_error; }

private:
    bool fail(const QString &what, const QString &detail);

    QSqlDatabase m_db;
    QString m_error;
};

} // namespace db
