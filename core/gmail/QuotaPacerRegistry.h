#pragma once

#include "gmail/QuotaPacer.h"

#include <QHash>
#include <QMutex>
#include <QString>

#include <memory>

namespace gmail {

// One QuotaPacer per tenant (Gmail's limits are per user), shared by all worker threads of that
// tenant. Thread-safe.
class QuotaPacerRegistry final {
public:
    static QuotaPacerRegistry &instance();

    // The tenant's pacer, created with `settings` on first use.
    std::shared_ptr<QuotaPacer> pacerFor(const QString &tenantKey, const QuotaPacer::Settings &settings = {});
    void remove(const QString &tenantKey);

private:
    QuotaPacerRegistry() = default;

    QMutex m_mutex;
    QHash<QString, std::shared_ptr<QuotaPacer>> m_pacers;
};

} // namespace gmail
