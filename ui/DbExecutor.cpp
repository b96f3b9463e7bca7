#include "DbExecutor.h"

#include "db/Database.h"

namespace ui {

DbExecutor::DbExecutor(QObject *parent)
    : QObject(parent)
    , m_worker(new QObject) {
    m_thread.setObjectName(QStringLiteral("gsa-ui-db"));
    m_worker->moveToThread(&m_thread);
    // The connection belongs to the worker thread: close it there, before the thread ends.
    connect(&m_thread, &QThread::finished, m_worker, [] { db::Database::closeThreadConnection(); });
    m_thread.start();
    QMetaObject::invokeMethod(
        m_worker,
        [] { db::Database::setThreadStatementTimeout(db::Database::kInteractiveStatementTimeoutMs); },
        Qt::QueuedConnection);
}

DbExecutor::~DbExecutor() {
    m_closing = true; // what is still queued is not run any more
    QMetaObject::invokeMethod(
        m_worker, [] { db::Database::closeThreadConnection(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    delete m_worker;
}

} // namespace ui
