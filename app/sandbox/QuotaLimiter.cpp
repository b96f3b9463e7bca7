#include "QuotaLimiter.h"

#include <QtMath>

#include <algorithm>

namespace sandbox {

QuotaLimiter::QuotaLimiter() {
    m_clock.start();
}

void QuotaLimiter::setUnitsPerSecond(double unitsPerSecond) {
    m_unitsPerSecond = std::max(0.0, unitsPerSecond);
    m_buckets.clear(); // start every user with a full bucket under the new rate
}

double QuotaLimiter::capacity() const {
    return std::max(m_unitsPerSecond, 100.0);
}

bool QuotaLimiter::tryConsume(const QString &user, int units, qint64 *retryAfterMs) {
    if (m_unitsPerSecond > 0) {
        const qint64 now = m_clock.elapsed();
        auto it = m_buckets.find(user);
        if (it == m_buckets.end())
            it = m_buckets.insert(user, Bucket{capacity(), now});
        Bucket &b = *it;
        b.tokens = std::min(capacity(), b.tokens + double(now - b.lastMs) * m_unitsPerSecond / 1000.0);
        b.lastMs = now;
        if (b.tokens < units) {
            if (retryAfterMs)
                *retryAfterMs = qCeil((units - b.tokens) * 1000.0 / m_unitsPerSecond);
            ++m_rejected[user];
            ++m_rejectedTotal;
            return false;
        }
        b.tokens -= units;
    }
    m_used[user] += units;
    return true;
}

void QuotaLimiter::setProfile(const gmail::QuotaProfile &profile) {
    m_profile = profile;
    setUnitsPerSecond(profile.userUnitsPerSecond());
}

QJsonObject QuotaLimiter::statsJson() const {
    QJsonObject used;
    for (auto it = m_used.cbegin(); it != m_used.cend(); ++it)
        used.insert(it.key(), it.value());
    QJsonObject rejected;
    for (auto it = m_rejected.cbegin(); it != m_rejected.cend(); ++it)
        rejected.insert(it.key(), it.value());
    return QJsonObject{{QStringLiteral("unitsUsed"), used}, {QStringLiteral("rejected"), rejected}};
}

void QuotaLimiter::resetStats() {
    m_used.clear();
    m_rejected.clear();
    m_rejectedTotal = 0;
}

} // namespace sandbox
