#pragma once

#include <QString>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace syncengine {

// Keeps a running job and its tenant lease alive from a thread (and database connection) of its own,
// every `interval`, whatever the job's thread is doing (a long request, a pacer wait, a big commit).
// So the staleness after which another worker takes a job over can be short (seconds, not minutes)
// without ever taking over a live one: only a dead process stops beating. A database error is retried
// at the next beat; a fenced beat (the job was cancelled or taken over, the lease unlocked) sets lost().
class JobHeartbeat final {
public:
    JobHeartbeat(qint64 jobId, QString tenantId, QString workerId, std::chrono::milliseconds interval);
    ~JobHeartbeat(); // stops and joins the thread
    JobHeartbeat(const JobHeartbeat &) = delete;
    JobHeartbeat &operator=(const JobHeartbeat &) = delete;

    bool lost() const { return m_lost.load(); }
    QString lostReason() const;

private:
    void run();
    void beat();

    const qint64 m_jobId;
    const QString m_tenantId;
    const QString m_workerId;
    const std::chrono::milliseconds m_interval;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_quit = false;
    std::atomic_bool m_lost{false};
    QString m_lostReason;
    std::thread m_thread;
};

} // namespace syncengine
