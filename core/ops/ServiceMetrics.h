#pragma once

#include "db/ServiceStats.h"

#include <QByteArray>
#include <QSqlDatabase>
#include <QString>

namespace ops {

// /metrics: the service's figures in Prometheus' text format, from the database (jobs by kind and status,
// messages synced and failed, the queue, integrations by status) plus build info. Per-tenant series only
// when asked for (`perTenant`), to keep the number of series bounded by default.
class ServiceMetrics final {
public:
    // nullopt and *error when the database does not answer.
    static std::optional<QByteArray> render(QSqlDatabase db, bool perTenant, QString *error);
    static QByteArray render(const db::ServiceStats &stats);
};

} // namespace ops
