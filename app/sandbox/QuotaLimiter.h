#pragma once

#include "gmail/QuotaProfile.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QString>

namespace sandbox {

// Gmail's per-user rate limit (developers.google.com/workspace/gmail/api/reference/quota): quota units
// per user per minute, applied as a moving average that allows short bursts. Modelled as a token
// bucket per user that refills at `unitsPerSecond` and holds one second's worth (at least one watch
// call's 100 units). 0 units per second means unlimited. Method costs come from a gmail::QuotaProfile
// ("legacy": messages.get 5, "2026": messages.get 20, threads.get 40; the old table until a profile is
// set). Single-threaded (the server's thread).
class QuotaLimiter final {
public:
    QuotaLimiter();

    void setUnitsPerSecond(double unitsPerSecond);
    double unitsPerSecond() const { return m_unitsPerSecond; }
    // The profile's costs and its per-user rate (setUnitsPerSecond afterwards sets a lower limit).
    void setProfile(const gmail::QuotaProfile &profile);
    const gmail::QuotaProfile &profile() const { return m_profile; }

    // Charges `units` to `user` when the bucket holds them; otherwise charges nothing and returns
    // false with the wait until it would (`retryAfterMs`).
    Q_REQUIRED_RESULT bool tryConsume(const QString &user, int units, qint64 *retryAfterMs);

    // The profile's per-method cost; 5 for methods not listed.
    int cost(const QString &method) const { return m_profile.cost(method); }

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
    gmail::QuotaProfile m_profile = *gmail::QuotaProfile::fromName(gmail::QuotaProfile::Legacy);
    QElapsedTimer m_clock;
    QHash<QString, Bucket> m_buckets;
    QHash<QString, qint64> m_used;
    QHash<QString, qint64> m_rejected;
    qint64 m_rejectedTotal = 0;
};

} // namespace sandbox
