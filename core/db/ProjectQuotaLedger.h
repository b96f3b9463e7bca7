#pragma once

#include <QDateTime>
#include <QMutex>
#include <QString>

#include <chrono>
#include <memory>

namespace db {

// One process's share of a Gmail per-project limit (units per minute), accounted in `quota_usage`
// so that every worker of a deployment draws from the same minute. Units are reserved in blocks of
// `blockSeconds` of the limit's rate, so the database is asked once per block, not per request; what
// a process reserved and did not spend when its minute ends is lost (at most one block per process
// and minute). Thread-safe; the database is reached through the calling thread's connection.
// Without a database (error) it admits calls and logs: the per-user pacing still holds.
class ProjectQuotaLedger final {
public:
    ProjectQuotaLedger(QString project, double unitsPerMinute, double blockSeconds = 2.0);
    Q_DISABLE_COPY_MOVE(ProjectQuotaLedger)

    // One ledger per project per process.
    static std::shared_ptr<ProjectQuotaLedger> forProject(const QString &project, double unitsPerMinute);

    // Takes `units` of the current minute and returns 0, or takes nothing and returns the wait until
    // the next minute (the project's minute is spent).
    std::chrono::milliseconds tryAcquire(int units);

    QString project() const { return m_project; }
    qint64 unitsAcquired() const;
    QString lastError() const;

private:
    const QString m_project;
    const qint64 m_limit;
    const qint64 m_block;
    mutable QMutex m_mutex;
    QDateTime m_minute;     // of the units in m_available
    qint64 m_available = 0; // reserved in the database, not yet spent
    QDateTime m_spentUntil; // the minute is spent: no database call before this
    qint64 m_acquired = 0;
    QString m_error;
    QDateTime m_lastPrune;
};

} // namespace db
