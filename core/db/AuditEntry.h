#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace db {

// One row of `audit_log` (migration 0012): an operator action and how it ended.
struct AuditEntry final {
    qint64 id = 0;
    QDateTime at;
    QString actor;    // "os:alice", "apikey:3:crm"
    QString action;   // connect, reconnect, deactivate, rotate-keys, unlock, sync, apikey-create, ...
    QString tenantId; // empty: not about one tenant
    QJsonObject details;
    QString outcome; // "ok" or the error the operator saw
};

} // namespace db
