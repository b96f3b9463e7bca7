#pragma once

#include "sync/JobContext.h"
#include "sync/SyncOptions.h"

#include <QObject>

#include <memory>
#include <vector>

namespace syncengine {

class SyncWorker;

// The sync engine: N worker threads that claim jobs from sync_jobs (any number of engines in any number
// of processes may share one database) and run them. Progress arrives as queued signals on the thread
// that owns the engine, and as rows plus NOTIFY gsa_sync_progress for everyone else.
// stop() is graceful: each worker finishes or abandons its current step (a step commits atomically
// with its checkpoint), gives its job back for resumption, and closes its connection.
class SyncEngine final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SyncEngine)
public:
    explicit SyncEngine(SyncOptions options, QObject *parent = nullptr);
    ~SyncEngine() override;

    void start();
    void stop(); // blocks until every worker has ended
    bool isRunning() const { return !m_workers.empty(); }
    void wakeWorkers(); // a job was queued: look now instead of at the next poll
    QStringList workerIds() const;

    // host:pid:thread, as stored in sync_jobs.worker_id and tenants.sync_locked_by.
    static QString makeWorkerId(const QString &thread);

Q_SIGNALS:
    void progress(qint64 jobId, const QString &tenantId, const QString &phase, qint64 processed,
                  qint64 estimatedTotal, double messagesPerSecond);
    void jobFinished(qint64 jobId, const QString &tenantId, const QString &result, const QString &error);

private:
    friend class SyncWorker;
    void reportProgress(const ProgressUpdate &u);
    void reportFinished(qint64 jobId, const QString &tenantId, const QString &result, const QString &error);

    SyncOptions m_options;
    std::vector<std::unique_ptr<SyncWorker>> m_workers;
    int m_instance = 0;
};

} // namespace syncengine
