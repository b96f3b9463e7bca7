#pragma once

#include <QList>
#include <QString>

#include <optional>

namespace db {

// What the database says about the service as a whole: the figures of /health and /metrics.
struct ServiceStats final {
    struct JobCount {
        QString kind;
        QString status;
        qint64 jobs = 0;
        qint64 processed = 0; // messages the jobs processed
        qint64 failed = 0;    // messages the jobs recorded as failed
    };
    struct TenantFigures {
        QString tenantId;
        qint64 emails = 0;
        qint64 failedItems = 0;
    };
    int schemaVersion = 0;
    qint64 queuedRunnable = 0;                 // queued and due now
    std::optional<double> oldestQueuedSeconds; // age of the oldest runnable queued job
    qint64 running = 0;
    std::optional<double> oldestHeartbeatSeconds; // of the running jobs, the stalest heartbeat
    QList<JobCount> jobs;                         // by kind and status
    qint64 failedItems = 0;                       // message_failures rows
    qint64 failedPermanent = 0;
    qint64 integrationsActive = 0;
    qint64 integrationsNeedsReauth = 0;
    qint64 integrationsInactive = 0;
    QList<TenantFigures> tenants; // only when asked for (cardinality)
};

} // namespace db
