#pragma once

#include <QJsonObject>
#include <QMap>
#include <QRandomGenerator>
#include <QSet>
#include <QString>

namespace sandbox {

// Injected failures for Gmail API calls, set through PUT /_sandbox/faults. One draw from a seeded
// generator per call, so a run with the same seed and the same call sequence fails the same way.
class FaultInjector final {
public:
    enum class Fault { None, RateLimit429, UserRateLimit403, Backend500, Unavailable503, Drop, Truncate };

    struct Config {
        double rate429 = 0;
        double rate403 = 0;
        double rate500 = 0;
        double rate503 = 0;
        double dropRate = 0;       // close the connection without an answer
        double truncateRate = 0;   // full Content-Length, half the body, then close
        int latencyMs = 0;         // added to every Gmail API answer, without blocking the server
        int retryAfterSeconds = 0; // Retry-After on 429/403/503 answers when > 0
        // Calls of one user whose answers are still pending (latency) before the next is refused with
        // 429 "Too many concurrent requests for user"; 0 = no limit.
        int maxConcurrentPerUser = 0;
        quint32 seed = 1;
        // messages.get of these ids answers 500 backendError every time (a message that never loads).
        QSet<QString> failMessageIds;
    };

    FaultInjector();

    // Reads the fields present in `json` over the current configuration (absent fields stay);
    // false with `error` when a value is out of range.
    Q_REQUIRED_RESULT bool configure(const QJsonObject &json, QString *error);
    void reset();
    const Config &config() const { return m_config; }
    QJsonObject toJson() const;

    // One draw per call; counts what it decides. `httpOnly` (inner calls of a batch): connection faults
    // (drop, truncate) cannot hit a single part, so their share of the draw means no fault.
    Fault next(bool httpOnly = false);
    QJsonObject statsJson() const;
    void resetStats();

    static QString name(Fault fault);
    bool failsForever(const QString &messageId) const { return m_config.failMessageIds.contains(messageId); }

private:
    Config m_config;
    QRandomGenerator m_random;
    QMap<QString, qint64> m_injected;
};

} // namespace sandbox
