#include "FaultInjector.h"

#include <QJsonArray>

namespace sandbox {

FaultInjector::FaultInjector()
    : m_random(m_config.seed) {}

bool FaultInjector::configure(const QJsonObject &json, QString *error) {
    Config c = m_config;
    const auto rate = [&](const char *key, double &field) {
        const QString k = QString::fromLatin1(key);
        if (!json.contains(k))
            return true;
        const double v = json.value(k).toDouble(-1);
        if (!json.value(k).isDouble() || v < 0 || v > 1) {
            *error = QStringLiteral("%1 must be a number between 0 and 1").arg(k);
            return false;
        }
        field = v;
        return true;
    };
    const auto integer = [&](const char *key, auto &field) {
        const QString k = QString::fromLatin1(key);
        if (!json.contains(k))
            return true;
        const double v = json.value(k).toDouble(-1);
        if (!json.value(k).isDouble() || v < 0 || v > 3600000) {
            *error = QStringLiteral("%1 must be a non-negative number").arg(k);
            return false;
        }
        field = static_cast<std::remove_reference_t<decltype(field)>>(v);
        return true;
    };
    if (!rate("rate429", c.rate429) || !rate("rate403", c.rate403) || !rate("rate500", c.rate500) ||
        !rate("rate503", c.rate503) || !rate("dropRate", c.dropRate) ||
        !rate("truncateRate", c.truncateRate) || !integer("latencyMs", c.latencyMs) ||
        !integer("retryAfter", c.retryAfterSeconds) ||
        !integer("maxConcurrentPerUser", c.maxConcurrentPerUser) || !integer("seed", c.seed))
        return false;
    if (json.contains(QStringLiteral("failMessageIds"))) {
        const QJsonValue ids = json.value(QStringLiteral("failMessageIds"));
        if (!ids.isArray()) {
            *error = QStringLiteral("failMessageIds must be an array of message ids");
            return false;
        }
        c.failMessageIds.clear();
        for (const QJsonValue &id : ids.toArray())
            c.failMessageIds.insert(id.toString());
    }
    if (c.rate429 + c.rate403 + c.rate500 + c.rate503 + c.dropRate + c.truncateRate > 1.0 + 1e-9) {
        *error = QStringLiteral("the fault rates add up to more than 1");
        return false;
    }
    const bool reseed = json.contains(QStringLiteral("seed"));
    m_config = c;
    if (reseed)
        m_random.seed(m_config.seed);
    return true;
}

void FaultInjector::reset() {
    m_config = Config{};
    m_random.seed(m_config.seed);
}

QJsonObject FaultInjector::toJson() const {
    return QJsonObject{{QStringLiteral("rate429"), m_config.rate429},
                       {QStringLiteral("rate403"), m_config.rate403},
                       {QStringLiteral("rate500"), m_config.rate500},
                       {QStringLiteral("rate503"), m_config.rate503},
                       {QStringLiteral("dropRate"), m_config.dropRate},
                       {QStringLiteral("truncateRate"), m_config.truncateRate},
                       {QStringLiteral("latencyMs"), m_config.latencyMs},
                       {QStringLiteral("retryAfter"), m_config.retryAfterSeconds},
                       {QStringLiteral("maxConcurrentPerUser"), m_config.maxConcurrentPerUser},
                       {QStringLiteral("seed"), static_cast<qint64>(m_config.seed)},
                       {QStringLiteral("failMessageIds"),
                        QJsonArray::fromStringList(
                            QStringList(m_config.failMessageIds.cbegin(), m_config.failMessageIds.cend()))}};
}

FaultInjector::Fault FaultInjector::next(bool httpOnly) {
    const Config &c = m_config;
    if (c.rate429 + c.rate403 + c.rate500 + c.rate503 + c.dropRate + c.truncateRate <= 0)
        return Fault::None;
    double x = m_random.generateDouble();
    Fault f = Fault::None;
    const std::pair<double, Fault> table[] = {
        {c.rate429, Fault::RateLimit429}, {c.rate403, Fault::UserRateLimit403},
        {c.rate500, Fault::Backend500},   {c.rate503, Fault::Unavailable503},
        {c.dropRate, Fault::Drop},        {c.truncateRate, Fault::Truncate}};
    for (const auto &[rate, fault] : table) {
        if (x < rate) {
            f = fault;
            break;
        }
        x -= rate;
    }
    if (httpOnly && (f == Fault::Drop || f == Fault::Truncate))
        f = Fault::None;
    if (f != Fault::None)
        ++m_injected[name(f)];
    return f;
}

QJsonObject FaultInjector::statsJson() const {
    QJsonObject o;
    for (Fault f : {Fault::RateLimit429, Fault::UserRateLimit403, Fault::Backend500, Fault::Unavailable503,
                    Fault::Drop, Fault::Truncate})
        o.insert(name(f), m_injected.value(name(f)));
    return o;
}

void FaultInjector::resetStats() {
    m_injected.clear();
}

QString FaultInjector::name(Fault fault) {
    switch (fault) {
    case Fault::RateLimit429:
        return QStringLiteral("rate429");
    case Fault::UserRateLimit403:
        return QStringLiteral("rate403");
    case Fault::Backend500:
        return QStringLiteral("rate500");
    case Fault::Unavailable503:
        return QStringLiteral("rate503");
    case Fault::Drop:
        return QStringLiteral("drop");
    case Fault::Truncate:
        return QStringLiteral("truncate");
    case Fault::None:
        break;
    }
    return QStringLiteral("none");
}

} // namespace sandbox
