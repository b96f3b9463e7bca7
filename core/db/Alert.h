#pragma once

#include <QDateTime>
#include <QString>

namespace db {

// One row of `alerts` (migration 0013).
struct Alert final {
    qint64 id = 0;
    QString tenantId;
    QString condition; // job_failed | needs_reauth | watch_lapsed | failed_items
    QString message;
    QDateTime raisedAt;
    QDateTime resolvedAt;
    QDateTime deliveredAt;
    int attempts = 0;
    QString lastError;
};

} // namespace db
