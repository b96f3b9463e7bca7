#pragma once

#include <QJsonObject>
#include <QSqlDatabase>
#include <QString>

namespace ops {

// Who does what: every operator action is recorded through here, once, with its outcome (append-only
// `audit_log`). A failure to record is logged, never turned into a failure of the action itself.
class AuditTrail final {
public:
    explicit AuditTrail(QSqlDatabase db);

    // The OS user running this process, as an actor ("os:alice"): the GUI and the CLI.
    static QString osActor();
    // An HTTP API caller ("apikey:3:crm").
    static QString apiKeyActor(qint64 keyId, const QString &keyName);

    void record(const QString &actor, const QString &action, const QString &tenantId,
                const QJsonObject &details, const QString &outcome);

private:
    QSqlDatabase m_db;
};

} // namespace ops
