#pragma once

#include "db/SyncJob.h"

#include "sync/JobContext.h"
#include "sync/SyncOptions.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QThread>
#include <QWaitCondition>

#include <atomic>

namespace syncengine {

class SyncEngine;

// One worker thread: opens its own database connection (db::Database, per thread), claims runnable
// jobs from sync_jobs and runs them (JobRunner), building its Gmail client inside this thread.
// Stops between steps when asked; closes its connection before the thread ends.
class SyncWorker final : public QThread {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SyncWorker)
public:
    SyncWorker(const SyncOptions &options, QString workerId, SyncEngine *engine);
    ~SyncWorker() override;

    const QString &workerId() const { return m_workerId; }
    void requestStop();
    void wake(); // a job may be runnable now

protected:
    void run() override;

private:
    void idle(int ms);
    // The next runnable job (nullopt: none now). *claimed is false when the database failed; the
    // worker has then waited (outage backoff) already.
    std::optional<db::SyncJob> claimNext(bool *claimed);
    void unreachable(const QString &error);
    void reachedDatabase();

    SyncOptions m_options;
    QString m_workerId;
    SyncEngine *m_engine;
    std::atomic_bool m_stop{false};
    QMutex m_mutex;
    QWaitCondition m_wake;
    bool m_woken = false;
    int m_outageBackoffMs = 0; // > 0 while the database is unreachable
    QElapsedTimer m_outage;
};

} // namespace syncengine
