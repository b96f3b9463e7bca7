#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>

namespace db {

// One row of `api_keys` (migration 0011). The key is not here: only its SHA-256.
struct ApiKey final {
    qint64 id = 0;
    QString name;
    QByteArray keyHash; // SHA-256 of the whole key
    QString keyPrefix;  // the key's first characters (shown in lists, never enough to use it)
    QString scope;      // read | sync | admin
    QString tenantId;   // empty: every tenant
    QDateTime expiresAt;
    QDateTime createdAt;
    QString createdBy;
    QDateTime lastUsedAt;
    QDateTime revokedAt;
};

} // namespace db
