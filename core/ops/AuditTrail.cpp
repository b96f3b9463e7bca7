#include "ops/AuditTrail.h"

#include "db/AuditRepository.h"
#include "log/LogEvent.h"

#include <pwd.h>
#include <unistd.h>

namespace ops {

AuditTrail::AuditTrail(QSqlDatabase db)
    : m_db(std::move(db)) {}

QString AuditTrail::osActor() {
    // The real user id, not $USER (which the caller sets as it likes).
    const passwd *pw = getpwuid(getuid());
    return QStringLiteral("os:") +
           (pw && pw->pw_name ? QString::fromLocal8Bit(pw->pw_name) : QString::number(getuid()));
}

QString AuditTrail::apiKeyActor(qint64 keyId, const QString &keyName) {
    return QStringLiteral("apikey:%1:%2").arg(keyId).arg(keyName);
}

void AuditTrail::record(const QString &actor, const QString &action, const QString &tenantId,
                        const QJsonObject &details, const QString &outcome) {
    db::AuditRepository audit(m_db);
    const db::AuditEntry entry{
        0, {}, actor, action, tenantId, details, outcome.isEmpty() ? QStringLiteral("ok") : outcome};
    if (!audit.append(entry)) {
        logging::LogEvent(logging::Level::Error, "audit trail not written")
            .tenant(tenantId)
            .step(action)
            .error(audit.errorString())
            .write();
    }
}

} // namespace ops
