#include "ops/ServiceMetrics.h"

#include "common/AppInfo.h"
#include "db/ServiceStatsRepository.h"
#include "ops/PrometheusText.h"

#include <QHash>

namespace ops {

namespace {

void jobFamilies(PrometheusText &out, const db::ServiceStats &s) {
    out.family(QStringLiteral("gsa_jobs_total"), "counter", QStringLiteral("Sync jobs by kind and status."));
    for (const auto &j : s.jobs)
        out.sample({{QStringLiteral("kind"), j.kind}, {QStringLiteral("status"), j.status}}, double(j.jobs));
    out.family(QStringLiteral("gsa_messages_processed_total"), "counter",
               QStringLiteral("Messages processed by sync jobs, by job kind."));
    QHash<QString, std::pair<qint64, qint64>> byKind; // processed, failed
    for (const auto &j : s.jobs) {
        byKind[j.kind].first += j.processed;
        byKind[j.kind].second += j.failed;
    }
    for (auto it = byKind.cbegin(); it != byKind.cend(); ++it)
        out.sample({{QStringLiteral("kind"), it.key()}}, double(it->first));
    out.family(QStringLiteral("gsa_messages_failed_total"), "counter",
               QStringLiteral("Messages sync jobs recorded as failed, by job kind."));
    for (auto it = byKind.cbegin(); it != byKind.cend(); ++it)
        out.sample({{QStringLiteral("kind"), it.key()}}, double(it->second));
}

void queueFamilies(PrometheusText &out, const db::ServiceStats &s) {
    out.family(QStringLiteral("gsa_queue_depth"), "gauge", QStringLiteral("Queued jobs that are due now."));
    out.sample({}, double(s.queuedRunnable));
    out.family(QStringLiteral("gsa_queue_oldest_seconds"), "gauge",
               QStringLiteral("Age of the oldest due queued job (0 when none)."));
    out.sample({}, s.oldestQueuedSeconds.value_or(0));
    out.family(QStringLiteral("gsa_jobs_running"), "gauge", QStringLiteral("Jobs running now."));
    out.sample({}, double(s.running));
    out.family(QStringLiteral("gsa_job_heartbeat_oldest_seconds"), "gauge",
               QStringLiteral("The stalest heartbeat of a running job (0 when none run)."));
    out.sample({}, s.oldestHeartbeatSeconds.value_or(0));
}

void stateFamilies(PrometheusText &out, const db::ServiceStats &s) {
    out.family(QStringLiteral("gsa_failed_items"), "gauge",
               QStringLiteral("Messages recorded as failed and not yet stored."));
    out.sample({{QStringLiteral("permanent"), QStringLiteral("false")}},
               double(s.failedItems - s.failedPermanent));
    out.sample({{QStringLiteral("permanent"), QStringLiteral("true")}}, double(s.failedPermanent));
    out.family(QStringLiteral("gsa_integrations"), "gauge", QStringLiteral("Gmail integrations by status."));
    out.sample({{QStringLiteral("status"), QStringLiteral("active")}}, double(s.integrationsActive));
    out.sample({{QStringLiteral("status"), QStringLiteral("needs_reauth")}},
               double(s.integrationsNeedsReauth));
    out.sample({{QStringLiteral("status"), QStringLiteral("inactive")}}, double(s.integrationsInactive));
    out.family(QStringLiteral("gsa_schema_version"), "gauge",
               QStringLiteral("The database's migration version."));
    out.sample({}, double(s.schemaVersion));
    out.family(QStringLiteral("gsa_build_info"), "gauge", QStringLiteral("The running build."));
    out.sample({{QStringLiteral("version"), common::AppInfo::version()}}, 1);
}

void tenantFamilies(PrometheusText &out, const db::ServiceStats &s) {
    if (s.tenants.isEmpty())
        return;
    out.family(QStringLiteral("gsa_tenant_emails"), "gauge", QStringLiteral("Stored emails per tenant."));
    for (const auto &t : s.tenants)
        out.sample({{QStringLiteral("tenant"), t.tenantId}}, double(t.emails));
    out.family(QStringLiteral("gsa_tenant_failed_items"), "gauge",
               QStringLiteral("Messages recorded as failed per tenant."));
    for (const auto &t : s.tenants)
        out.sample({{QStringLiteral("tenant"), t.tenantId}}, double(t.failedItems));
}

} // namespace

QByteArray ServiceMetrics::render(const db::ServiceStats &stats) {
    PrometheusText out;
    jobFamilies(out, stats);
    queueFamilies(out, stats);
    stateFamilies(out, stats);
    tenantFamilies(out, stats);
    return out.text();
}

std::optional<QByteArray> ServiceMetrics::render(QSqlDatabase db, bool perTenant, QString *error) {
    db::ServiceStatsRepository repo(db);
    const auto stats = repo.read(perTenant);
    if (!stats) {
        *error = repo.errorString();
        return std::nullopt;
    }
    return render(*stats);
}

} // namespace ops
