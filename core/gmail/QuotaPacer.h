#pragma once

#include "gmail/QuotaProfile.h"

#include <QMutex>
#include <QSemaphore>

#include <atomic>
#include <chrono>
#include <functional>

namespace gmail {

struct QuotaPacerSettings {
    double unitsPerSecond = 100.0; // the ceiling: never faster (a profile's per-user limit, less headroom)
    double burstUnits = 50.0;      // small: Google averages over a moving window
    int maxInFlight = 4;           // "a handful" of concurrent requests per user
    // Adaptation to what Gmail answers (AIMD, as TCP's congestion control, RFC 5681 §3.1). Tuned on a
    // model of a token-bucket server (tests/gmail/TestQuotaPacer) and against gmail-sandbox
    // (bench/bench_quota): slower probing means fewer 429s once settled, but a longer way back after one.
    double minUnitsPerSecond = 1.0;
    double decreaseFactor = 0.7;   // multiplicative decrease on a rate-limit answer (once per event)
    double probeFraction = 0.0005; // additive increase per clean probe interval, as a share of the ceiling
    std::chrono::milliseconds probeInterval{500};
    // After a decrease the rate climbs back quickly (half the gap per interval) to this share of the
    // rate at which the limit was hit, then probes slowly: the limit is most likely just below it.
    double recoveryFraction = 0.9;
    int unspecificStreak = 3;

    // The profile's per-user rate with 3 % headroom: Google's moving average is not our clock, and a
    // client that runs exactly at the limit meets every scheduling jitter as a 429.
    static QuotaPacerSettings forProfile(const QuotaProfile &profile);
};

// Per-user pacing shared by every thread that syncs one tenant (get it from QuotaPacerRegistry):
//  - a token bucket in quota units at the current rate; a caller reserves its units and waits until
//    the bucket has paid for them, so callers are served in order and the long-run rate is exactly
//    the current one;
//  - the current rate starts at the ceiling (the configured profile) and adapts: a rate-limit answer
//    (429, 403 rateLimitExceeded/userRateLimitExceeded) multiplies it by decreaseFactor — once per
//    congestion event: answers to requests sent before the last decrease are part of the same event
//    (TCP reacts once per window) — and each probe interval without one adds probeFraction of the
//    ceiling, up to the ceiling. So the pacer finds a lower real limit (another regime, another
//    client of the same user, a quota Google lowered) instead of trusting the configuration;
//  - pause() after a rate-limit answer holds every thread of the tenant back;
//  - a cap on requests in flight ("Too many concurrent requests for user").
// Thread-safe. The clock is injectable so tests can drive time.
class QuotaPacer final {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    using Settings = QuotaPacerSettings;
    using TimePoint = std::chrono::steady_clock::time_point;

    explicit QuotaPacer(Settings settings = {}, Clock clock = {});
    Q_DISABLE_COPY_MOVE(QuotaPacer)

    // Takes `units` from the bucket (it may go into debt) and returns how long the caller must wait
    // before sending. Never blocks.
    std::chrono::nanoseconds reserve(int units);
    // Nobody sends before now + d (Retry-After / backoff after a rate-limit answer).
    void pause(std::chrono::nanoseconds d);
    // A request sent at `sentAt` was refused for rate: slows down unless this event was already
    // counted. `quotaSignal`: the refusal names when the user's quota admits calls again (Gmail's
    // "User-rate limit exceeded.  Retry after <time>"), which is the quota itself speaking. Other
    // rate-limit answers (no time, "Too many concurrent requests", throttling that comes and goes)
    // slow the rate only when unspecificStreak of them come without a success in between: scattered
    // refusals that have nothing to do with our rate must not drive it to the floor (AIMD collapses
    // under random loss). True when the rate was decreased.
    bool onRateLimited(TimePoint sentAt, bool quotaSignal = true);
    // A call of this tenant succeeded (ends a streak of unspecific refusals).
    void onSuccess();

    // Requests in flight: blocks until a slot is free; false when *cancel became true first.
    bool acquireSlot(const std::function<bool()> &cancelled);
    void releaseSlot();

    TimePoint now() const;
    Settings settings() const;
    double currentRate() const;
    int decreases() const;
    void setRate(double unitsPerSecond, double burstUnits); // a new ceiling; the current rate starts there
    qint64 unitsReserved() const { return m_unitsReserved.load(); }

private:
    void probe(TimePoint t); // additive increase for each clean interval up to t; m_mutex held

    mutable QMutex m_mutex;
    Settings m_settings;
    Clock m_clock;
    double m_rate;
    double m_rateAtLoss = 0;
    double m_tokens;
    TimePoint m_last;
    TimePoint m_pausedUntil;
    TimePoint m_lastDecrease;
    TimePoint m_lastProbe;
    int m_decreases = 0;
    int m_unspecific = 0; // rate-limit answers without a quota time since the last success
    QSemaphore m_slots;
    std::atomic<qint64> m_unitsReserved{0};
};

} // namespace gmail
