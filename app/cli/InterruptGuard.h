#pragma once

#include <QObject>
#include <QSocketNotifier>

#include <atomic>
#include <functional>
#include <memory>

#include <signal.h>

namespace cli {

// SIGINT and SIGTERM (Ctrl-C, `kill`, systemd stop) for as long as the guard lives: the handler only sets a
// flag and writes one byte to a self-pipe (both async-signal-safe), so a loop can poll interrupted() or
// flag(), and an event loop hears it through onInterrupt(). The previous handlers come back on
// destruction. One guard at a time.
class InterruptGuard final {
public:
    InterruptGuard();
    ~InterruptGuard();
    InterruptGuard(const InterruptGuard &) = delete;
    InterruptGuard &operator=(const InterruptGuard &) = delete;

    bool interrupted() const { return flag().load(); }
    // For code that takes the flag itself (syncengine::JobRunner).
    const std::atomic_bool &flag() const;
    // `slot` runs on the calling thread's event loop after SIGINT/SIGTERM, also for one that came before
    // this call (its byte waits in the pipe).
    void onInterrupt(std::function<void()> slot);

private:
    void drain();

    struct sigaction m_previousInt {};
    struct sigaction m_previousTerm {};
    std::unique_ptr<QSocketNotifier> m_notifier;
    std::function<void()> m_slot;
};

} // namespace cli
