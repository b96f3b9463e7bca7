#include "gmail/QuotaPacer.h"

#include <algorithm>

namespace gmail {

using namespace std::chrono;

QuotaPacer::QuotaPacer(Settings settings, Clock clock)
    : m_settings(settings)
    , m_clock(std::move(clock))
    , m_tokens(settings.burstUnits)
    , m_slots(std::max(1, settings.maxInFlight)) {
    m_last = now();
    m_pausedUntil = m_last;
}

steady_clock::time_point QuotaPacer::now() const {
    return m_clock ? m_clock() : steady_clock::now();
}

nanoseconds QuotaPacer::reserve(int units) {
    QMutexLocker lock(&m_mutex);
    const auto t = now();
    const double elapsed = duration<double>(t - m_last).count();
    if (elapsed > 0) {
        m_tokens = std::min(m_settings.burstUnits, m_tokens + elapsed * m_settings.unitsPerSecond);
        m_last = t;
    }
    m_tokens -= units;
    m_unitsReserved += units;
    nanoseconds wait{0};
    if (m_tokens < 0)
        wait = duration_cast<nanoseconds>(duration<double>(-m_tokens / m_settings.unitsPerSecond));
    if (m_pausedUntil > t)
        wait = std::max(wait, duration_cast<nanoseconds>(m_pausedUntil - t));
    return wait;
}

void QuotaPacer::pause(nanoseconds d) {
    QMutexLocker lock(&m_mutex);
    const auto until = now() + d;
    if (until > m_pausedUntil)
        m_pausedUntil = until;
}

bool QuotaPacer::acquireSlot(const std::function<bool()> &cancelled) {
    while (!m_slots.tryAcquire(1, 50)) {
        if (cancelled && cancelled())
            return false;
    }
    return true;
}

void QuotaPacer::releaseSlot() {
    m_slots.release();
}

QuotaPacer::Settings QuotaPacer::settings() const {
    QMutexLocker lock(&m_mutex);
    return m_settings;
}

void QuotaPacer::setRate(double unitsPerSecond, double burstUnits) {
    QMutexLocker lock(&m_mutex);
    m_settings.unitsPerSecond = unitsPerSecond;
    m_settings.burstUnits = burstUnits;
    m_tokens = std::min(m_tokens, burstUnits);
}

} // namespace gmail
