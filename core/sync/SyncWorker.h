#pragma once

#include "sync/JobContext.h"
#include "sync/SyncOptions.h"

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

    SyncOptions m_options;
    QString m_workerId;
    SyncEngine *m_engine;
    std::atomic_bool m_stop{false};
    QMutex m_mutex;
    QWaitCondition m_wake;
    bool m_woken = false;
};

} // namespace syncengine
