#pragma once

#include <QMutex>
#include <QSemaphore>

#include <atomic>
#include <chrono>
#include <functional>

namespace gmail {

// Gmail quota units per method (developers.google.com/gmail/api/reference/quota). users.stop is not
// in today's table; the older table listed 50.
namespace QuotaCost {
inline constexpr int GetProfile = 1;
inline constexpr int HistoryList = 2;
inline constexpr int MessagesList = 5;
inline constexpr int MessagesGet = 5; // a batch of n gets costs 5n: each call counts on its own
inline constexpr int AttachmentsGet = 5;
inline constexpr int ThreadsGet = 10;
inline constexpr int Watch = 100;
inline constexpr int Stop = 50;
} // namespace QuotaCost

struct QuotaPacerSettings {
    double unitsPerSecond = 250.0; // Gmail's per-user ceiling
    double burstUnits = 50.0;      // small: Google averages over a moving window
    int maxInFlight = 4;           // "a handful" of concurrent requests per user
};

// Per-user pacing shared by every thread that syncs one tenant (get it from QuotaPacerRegistry):
//  - a token bucket in quota units (Gmail allows 250 units/user/s as a moving average with short
//    bursts); a caller reserves its units and waits until the bucket has paid for them, so
//    callers are served in order and the long-run rate is exactly the configured one;
//  - pause() after a 429/403 rate-limit answer holds every thread of the tenant back, so one
//    refusal does not turn into a retry storm;
//  - a cap on requests in flight ("Too many concurrent requests for user").
// Thread-safe. The clock is injectable so tests can drive time.
class QuotaPacer final {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    using Settings = QuotaPacerSettings;

    explicit QuotaPacer(Settings settings = {}, Clock clock = {});
    Q_DISABLE_COPY_MOVE(QuotaPacer)

    // Takes `units` from the bucket (it may go into debt) and returns how long the caller must wait
    // before sending. Never blocks.
    std::chrono::nanoseconds reserve(int units);
    // Nobody sends before now + d (Retry-After / backoff after a rate-limit answer).
    void pause(std::chrono::nanoseconds d);

    // Requests in flight: blocks until a slot is free; false when *cancel became true first.
    bool acquireSlot(const std::function<bool()> &cancelled);
    void releaseSlot();

    Settings settings() const;
    void setRate(double unitsPerSecond, double burstUnits);
    qint64 unitsReserved() const { return m_unitsReserved.load(); }

private:
    std::chrono::steady_clock::time_point now() const;

    mutable QMutex m_mutex;
    Settings m_settings;
    Clock m_clock;
    double m_tokens;
    std::chrono::steady_clock::time_point m_last;
    std::chrono::steady_clock::time_point m_pausedUntil;
    QSemaphore m_slots;
    std::atomic<qint64> m_unitsReserved{0};
};

} // namespace gmail
