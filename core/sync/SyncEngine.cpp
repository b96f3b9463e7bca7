#include "sync/SyncEngine.h"

#include "sync/SyncWorker.h"

#include <QCoreApplication>
#include <QHostInfo>

#include <atomic>

namespace syncengine {

SyncEngine::SyncEngine(SyncOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options)) {}

SyncEngine::~SyncEngine() {
    stop();
}

QString SyncEngine::makeWorkerId(const QString &thread) {
    return QStringLiteral("%1:%2:%3")
        .arg(QHostInfo::localHostName())
        .arg(QCoreApplication::applicationPid())
        .arg(thread);
}

void SyncEngine::start() {
    if (!m_workers.empty())
        return;
    // Worker ids must be unique across engines too (the tenant lease is re-entrant for its holder):
    // the first engine of a process names its threads w1, w2…, a second one e2w1, e2w2….
    static std::atomic_int s_engines{0};
    if (m_instance == 0)
        m_instance = ++s_engines;
    const QString prefix = m_instance == 1 ? QString() : QStringLiteral("e%1").arg(m_instance);
    const int n = qMax(1, m_options.concurrency);
    for (int i = 0; i < n; ++i) {
        auto worker = std::make_unique<SyncWorker>(
            m_options, makeWorkerId(prefix + QStringLiteral("w%1").arg(i + 1)), this);
        worker->setObjectName(QStringLiteral("gsa-sync-%1").arg(i + 1));
        worker->start();
        m_workers.push_back(std::move(worker));
    }
}

void SyncEngine::stop() {
    for (auto &w : m_workers)
        w->requestStop();
    for (auto &w : m_workers)
        w->wait();
    m_workers.clear();
}

void SyncEngine::wakeWorkers() {
    for (auto &w : m_workers)
        w->wake();
}

QStringList SyncEngine::workerIds() const {
    QStringList out;
    for (const auto &w : m_workers)
        out << w->workerId();
    return out;
}

void SyncEngine::reportProgress(const ProgressUpdate &u) {
    // Emitted on the worker thread; receivers on other threads get it queued (AutoConnection).
    Q_EMIT progress(u.jobId, u.tenantId, u.phase, u.processed, u.total.value_or(-1), u.rate);
}

void SyncEngine::reportFinished(qint64 jobId, const QString &tenantId, const QString &result,
                                const QString &error) {
    Q_EMIT jobFinished(jobId, tenantId, result, error);
}

} // namespace syncengine
