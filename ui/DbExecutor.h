#pragma once

#include <QObject>
#include <QPointer>
#include <QThread>

#include <atomic>
#include <utility>

namespace ui {

// Runs database work on one worker thread (with that thread's own connection, db::Database::connection())
// and hands each result back on the GUI thread: the GUI thread never waits on SQL. Results for a receiver
// that is gone by then are dropped. Its connection uses the short interactive statement_timeout; work still
// queued when the executor is destroyed is dropped, so closing the window waits at most for the statement
// in flight (bounded by connect_timeout, statement_timeout and the TCP keepalives of db::ConnectionSettings).
class DbExecutor final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DbExecutor)
public:
    explicit DbExecutor(QObject *parent = nullptr);
    ~DbExecutor() override;

    // work() runs on the worker thread; done(result) later on this object's (the GUI) thread, only if
    // `receiver` still exists. Jobs run one after another in submission order.
    template<typename Work, typename Done>
    void run(QObject *receiver, Work work, Done done) {
        QPointer<QObject> guard(receiver);
        QMetaObject::invokeMethod(
            m_worker,
            [this, guard, work = std::move(work), done = std::move(done)]() mutable {
                if (m_closing.load())
                    return;
                auto result = work();
                // Back through this object (it outlives the worker thread), never through `receiver`,
                // which the GUI thread may delete at any moment.
                QMetaObject::invokeMethod(
                    this,
                    [guard, result = std::move(result), done = std::move(done)]() mutable {
                        if (guard)
                            done(std::move(result));
                    },
                    Qt::QueuedConnection);
            },
            Qt::QueuedConnection);
    }

private:
    QThread m_thread;
    QObject *m_worker = nullptr;
    std::atomic_bool m_closing{false};
};

} // namespace ui
