#include "gmail/QuotaPacer.h"

#include <algorithm>

namespace gmail {

using namespace std::chrono;

QuotaPacerSettings QuotaPacerSettings::forProfile(const QuotaProfile &profile) {
    QuotaPacerSettings s;
    s.unitsPerSecond = profile.userUnitsPerSecond() * 0.97;
    return s;
}

QuotaPacer::QuotaPacer(Settings settings, Clock clock)
    : m_settings(settings)
    , m_clock(std::move(clock))
    , m_rate(settings.unitsPerSecond)
    , m_tokens(settings.burstUnits)
    , m_slots(std::max(1, settings.maxInFlight)) {
    m_last = now();
    m_pausedUntil = m_last;
    m_lastDecrease = TimePoint::min();
    m_lastProbe = m_last;
}

steady_clock::time_point QuotaPacer::now() const {
    return m_clock ? m_clock() : steady_clock::now();
}

void QuotaPacer::probe(TimePoint t) {
    const auto interval = std::max<nanoseconds>(m_settings.probeInterval, 1ms);
    if (t - m_lastProbe < interval)
        return;
    const auto steps = std::min<qint64>((t - m_lastProbe) / interval, 1000);
    m_lastProbe += steps * interval;
    const double ceiling = m_settings.unitsPerSecond;
    const double step = std::max(0.0, m_settings.probeFraction * ceiling);
    const double target = m_settings.recoveryFraction * m_rateAtLoss;
    for (qint64 i = 0; i < steps && m_rate < ceiling; ++i) {
        if (m_rate < target)
            m_rate = std::min(target, m_rate + std::max(step, (target - m_rate) / 2));
        else
            m_rate += step;
    }
    m_rate = std::min(m_rate, ceiling);
}

nanoseconds QuotaPacer::reserve(int units) {
    QMutexLocker lock(&m_mutex);
    const auto t = now();
    probe(t);
    const double elapsed = duration<double>(t - m_last).count();
    if (elapsed > 0) {
        m_tokens = std::min(m_settings.burstUnits, m_tokens + elapsed * m_rate);
        m_last = t;
    }
    m_tokens -= units;
    m_unitsReserved += units;
    nanoseconds wait{0};
    if (m_tokens < 0)
        wait = duration_cast<nanoseconds>(duration<double>(-m_tokens / m_rate));
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

bool QuotaPacer::onRateLimited(TimePoint sentAt, bool quotaSignal) {
    QMutexLocker lock(&m_mutex);
    if (sentAt < m_lastDecrease)
        return false; // sent at the old rate: the same event, already answered
    if (!quotaSignal && ++m_unspecific < std::max(1, m_settings.unspecificStreak))
        return false;
    m_unspecific = 0;
    const auto t = now();
    // Bring the bucket up to date at the old rate before the rate changes.
    const double elapsed = duration<double>(t - m_last).count();
    if (elapsed > 0) {
        m_tokens = std::min(m_settings.burstUnits, m_tokens + elapsed * m_rate);
        m_last = t;
    }
    m_rateAtLoss = m_rate;
    m_rate = std::max(m_settings.minUnitsPerSecond, m_rate * m_settings.decreaseFactor);
    m_lastDecrease = t;
    m_lastProbe = t;
    ++m_decreases;
    return true;
}

void QuotaPacer::onSuccess() {
    QMutexLocker lock(&m_mutex);
    m_unspecific = 0;
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

double QuotaPacer::currentRate() const {
    QMutexLocker lock(&m_mutex);
    return m_rate;
}

int QuotaPacer::decreases() const {
    QMutexLocker lock(&m_mutex);
    return m_decreases;
}

void QuotaPacer::setRate(double unitsPerSecond, double burstUnits) {
    QMutexLocker lock(&m_mutex);
    m_settings.unitsPerSecond = unitsPerSecond;
    m_settings.burstUnits = burstUnits;
    m_rate = unitsPerSecond;
    m_rateAtLoss = 0;
    m_tokens = std::min(m_tokens, burstUnits);
}

} // namespace gmail
