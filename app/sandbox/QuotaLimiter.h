#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QString>

namespace sandbox {

// Gmail's per-user rate limit (developers.google.com/gmail/api/reference/quota): quota units per user
// per second as a moving average that allows short bursts. Modelled as a token bucket per user that
// refills at `unitsPerSecond` and holds one second's worth (at least one watch call's 100 units).
// 0 units per second means unlimited. Single-threaded (the server's thread).
class QuotaLimiter final {
public:
    QuotaLimiter();

    void setUnitsPerSecond(double unitsPerSecond);
    double unitsPerSecond() const { return m_unitsPerSecond; }

    // Charges `units` to `user` when the bucket holds them; otherwise charges nothing and returns
    // false with the wait until it would (`retryAfterMs`).
    Q_REQUIRED_RESULT bool tryConsume(const QString &user, int units, qint64 *retryAfterMs);

    // Per-method costs from the quota table; 5 for methods not listed.
    static int cost(const QString &method);

    QJsonObject statsJson() const; // {"unitsUsed":{user:n}, "rejected":{user:n}}
    qint64 rejectedTotal() const { return m_rejectedTotal; }
    void resetStats();

private:
    struct Bucket {
        double tokens = 0;
        qint64 lastMs = 0;
    };
    double capacity() const;

    double m_unitsPerSecond = 0;
    QElapsedTimer m_clock;
    QHash<QString, Bucket> m_buckets;
    QHash<QString, qint64> m_used;
    QHash<QString, qint64> m_rejected;
    qint64 m_rejectedTotal = 0;
};

} // namespace sandbox
