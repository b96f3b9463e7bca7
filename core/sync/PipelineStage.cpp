#include "sync/PipelineStage.h"

namespace syncengine {

PipelineStage::PipelineStage(std::function<void()> atThreadExit)
    : m_atThreadExit(std::move(atThreadExit)) {}

PipelineStage::~PipelineStage() {
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return !m_pending; });
        m_quit = true;
    }
    m_changed.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

StepOutcome PipelineStage::collectLocked(std::unique_lock<std::mutex> &lock) {
    m_changed.wait(lock, [this] { return !m_pending; });
    StepOutcome previous = m_done.value_or(StepOutcome::success());
    m_done.reset();
    return previous;
}

StepOutcome PipelineStage::wait() {
    std::unique_lock lock(m_mutex);
    return collectLocked(lock);
}

StepOutcome PipelineStage::submit(Task task) {
    StepOutcome previous;
    {
        std::unique_lock lock(m_mutex);
        previous = collectLocked(lock);
        if (!previous.ok())
            return previous;
        m_pending = std::move(task);
        if (!m_thread.joinable())
            m_thread = std::thread([this] { run(); });
    }
    m_changed.notify_all();
    return previous;
}

void PipelineStage::run() {
    std::unique_lock lock(m_mutex);
    while (true) {
        m_changed.wait(lock, [this] { return m_pending || m_quit; });
        if (!m_pending)
            break;
        Task task = std::move(*m_pending);
        lock.unlock();
        StepOutcome outcome = task();
        task = nullptr; // what it captured goes now, on this thread
        lock.lock();
        m_done = std::move(outcome);
        m_pending.reset();
        m_changed.notify_all();
    }
    lock.unlock();
    if (m_atThreadExit)
        m_atThreadExit();
}

} // namespace syncengine
