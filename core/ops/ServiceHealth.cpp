#include "ops/ServiceHealth.h"

#include "db/Migrator.h"
#include "db/ServiceStatsRepository.h"

namespace ops {

namespace {

QJsonValue orNull(const std::optional<double> &v) {
    return v ? QJsonValue(qRound64(*v * 10) / 10.0) : QJsonValue(QJsonValue::Null);
}

} // namespace

ServiceHealth::Report ServiceHealth::check(QSqlDatabase db) {
    Report r;
    r.expectedSchemaVersion = db::Migrator::latestVersion();
    db::ServiceStatsRepository stats(db);
    const auto s = stats.read(false);
    if (!s) {
        r.error = QStringLiteral("the database does not answer: %1").arg(stats.errorString());
        return r;
    }
    r.databaseReachable = true;
    r.schemaVersion = s->schemaVersion;
    r.queueDepth = s->queuedRunnable;
    r.oldestQueuedSeconds = s->oldestQueuedSeconds;
    r.running = s->running;
    r.oldestHeartbeatSeconds = s->oldestHeartbeatSeconds;
    if (r.schemaVersion < r.expectedSchemaVersion) {
        r.error = QStringLiteral(
                      "the database schema is at version %1, this build needs %2: run gmail-sync migrate")
                      .arg(r.schemaVersion)
                      .arg(r.expectedSchemaVersion);
        return r;
    }
    r.ready = true;
    return r;
}

QJsonObject ServiceHealth::Report::toJson() const {
    QJsonObject o{{QStringLiteral("status"), ready ? QStringLiteral("ready") : QStringLiteral("unready")},
                  {QStringLiteral("database"),
                   QJsonObject{{QStringLiteral("reachable"), databaseReachable},
                               {QStringLiteral("schemaVersion"), schemaVersion},
                               {QStringLiteral("expectedSchemaVersion"), expectedSchemaVersion}}},
                  {QStringLiteral("queue"),
                   QJsonObject{{QStringLiteral("depth"), queueDepth},
                               {QStringLiteral("oldestQueuedSeconds"), orNull(oldestQueuedSeconds)},
                               {QStringLiteral("running"), running},
                               {QStringLiteral("oldestHeartbeatSeconds"), orNull(oldestHeartbeatSeconds)}}}};
    if (!error.isEmpty())
        o.insert(QStringLiteral("error"), error);
    return o;
}

} // namespace ops
