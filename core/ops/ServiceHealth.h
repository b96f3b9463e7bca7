#pragma once

#include <QJsonObject>
#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace ops {

// Readiness of the service as /health reports it: the database answers, its schema is the one this build
// expects (not behind), and the queue's figures (depth, oldest waiting job, stalest running heartbeat).
class ServiceHealth final {
public:
    struct Report {
        bool ready = false;
        bool databaseReachable = false;
        int schemaVersion = 0;
        int expectedSchemaVersion = 0;
        qint64 queueDepth = 0;
        std::optional<double> oldestQueuedSeconds;
        qint64 running = 0;
        std::optional<double> oldestHeartbeatSeconds;
        QString error; // why not ready

        // {"status":"ready"|"unready","database":{"reachable","schemaVersion","expectedSchemaVersion"},
        //  "queue":{"depth","oldestQueuedSeconds","running","oldestHeartbeatSeconds"},"error"?}
        QJsonObject toJson() const;
    };

    static Report check(QSqlDatabase db);
};

} // namespace ops
