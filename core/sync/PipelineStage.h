#pragma once

#include "sync/StepOutcome.h"

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

namespace syncengine {

// One stage of a job's pipeline: runs tasks one at a time, in the order given, on a thread of its own,
// while the job's thread goes on with the next piece of work (depth one, so memory stays bounded).
// A job fetches on its own thread, parses on one stage and commits steps on another (with that
// stage's own database connection), so Gmail, the parser and PostgreSQL work at the same time.
class PipelineStage final {
public:
    using Task = std::function<StepOutcome()>;

    // atThreadExit runs on the stage's thread when it ends (e.g. closing its database connection).
    explicit PipelineStage(std::function<void()> atThreadExit = {});
    ~PipelineStage(); // waits for the task in flight
    PipelineStage(const PipelineStage &) = delete;
    PipelineStage &operator=(const PipelineStage &) = delete;

    // Waits until the task in flight (if any) is done and returns its outcome (Ok when there was
    // none); when that outcome is Ok, hands `task` to the stage's thread. A failed task is never
    // followed by the next one.
    StepOutcome submit(Task task);
    // Waits until the task in flight (if any) is done; its outcome (Ok when there was none).
    StepOutcome wait();

private:
    StepOutcome collectLocked(std::unique_lock<std::mutex> &lock);
    void run();

    std::function<void()> m_atThreadExit;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::optional<Task> m_pending;     // handed over, not yet finished
    std::optional<StepOutcome> m_done; // finished, not yet collected
    bool m_quit = false;
    std::thread m_thread; // started with the first task
};

} // namespace syncengine
