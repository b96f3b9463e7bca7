#include "InterruptGuard.h"

#include <fcntl.h>
#include <unistd.h>

namespace cli {

namespace {

std::atomic_bool s_interrupted{false};
int s_pipe[2] = {-1, -1};

extern "C" void onInterruptSignal(int) {
    s_interrupted = true; // lock-free atomic store and write(2): async-signal-safe
    if (s_pipe[1] >= 0) {
        const char byte = 1;
        [[maybe_unused]] const ssize_t written = ::write(s_pipe[1], &byte, 1);
    }
}

} // namespace

InterruptGuard::InterruptGuard() {
    Q_ASSERT(s_pipe[0] < 0); // one guard at a time
    s_interrupted = false;
    if (::pipe2(s_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
        s_pipe[0] = s_pipe[1] = -1; // the flag still works; onInterrupt() then never fires
    struct sigaction action {};
    action.sa_handler = onInterruptSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &action, &m_previousInt);
    ::sigaction(SIGTERM, &action, &m_previousTerm);
}

InterruptGuard::~InterruptGuard() {
    ::sigaction(SIGINT, &m_previousInt, nullptr);
    ::sigaction(SIGTERM, &m_previousTerm, nullptr);
    m_notifier.reset();
    for (int &fd : s_pipe) {
        if (fd >= 0)
            ::close(fd);
        fd = -1;
    }
}

const std::atomic_bool &InterruptGuard::flag() const {
    return s_interrupted;
}

void InterruptGuard::onInterrupt(std::function<void()> slot) {
    m_slot = std::move(slot);
    if (s_pipe[0] >= 0 && !m_notifier) {
        m_notifier = std::make_unique<QSocketNotifier>(s_pipe[0], QSocketNotifier::Read);
        QObject::connect(m_notifier.get(), &QSocketNotifier::activated, m_notifier.get(),
                         [this] { drain(); });
    }
}

void InterruptGuard::drain() {
    char buffer[64];
    while (::read(s_pipe[0], buffer, sizeof buffer) > 0) {
    }
    if (m_slot)
        m_slot();
}

} // namespace cli
