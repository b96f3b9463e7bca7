#include "gmail/QuotaPacerRegistry.h"

namespace gmail {

QuotaPacerRegistry &QuotaPacerRegistry::instance() {
    static QuotaPacerRegistry registry;
    return registry;
}

std::shared_ptr<QuotaPacer> QuotaPacerRegistry::pacerFor(const QString &tenantKey,
                                                         const QuotaPacer::Settings &settings) {
    QMutexLocker lock(&m_mutex);
    auto &pacer = m_pacers[tenantKey];
    if (!pacer)
        pacer = std::make_shared<QuotaPacer>(settings);
    return pacer;
}

void QuotaPacerRegistry::remove(const QString &tenantKey) {
    QMutexLocker lock(&m_mutex);
    m_pacers.remove(tenantKey);
}

} // namespace gmail
