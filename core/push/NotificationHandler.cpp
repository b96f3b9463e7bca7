#include "push/NotificationHandler.h"

#include "db/Database.h"
#include "db/JobRepository.h"
#include "db/TenantRepository.h"
#include "log/LogEvent.h"
#include "push/PushEnvelope.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace push {

namespace {

NotificationHandler::Outcome malformed(const QString &why) {
    NotificationHandler::Outcome outcome;
    outcome.result = NotificationHandler::Result::Malformed;
    outcome.error = why;
    logging::LogEvent(logging::Level::Warning, "push notification dropped: malformed").error(why).write();
    return outcome;
}

} // namespace

NotificationHandler::NotificationHandler(std::function<void(qint64)> onEnqueued)
    : m_onEnqueued(std::move(onEnqueued)) {}

QString NotificationHandler::resultName(Result result) {
    switch (result) {
    case Result::Enqueued:
        return QStringLiteral("enqueued");
    case Result::Coalesced:
        return QStringLiteral("coalesced");
    case Result::UnknownAddress:
        return QStringLiteral("unknown-address");
    case Result::Malformed:
        return QStringLiteral("malformed");
    case Result::DatabaseError:
        return QStringLiteral("database-error");
    }
    return {};
}

NotificationHandler::Outcome NotificationHandler::handleBase64(const QByteArray &data) {
    const auto decoded = PushEnvelope::decodeData(data);
    if (!decoded)
        return malformed(QStringLiteral("data is not base64"));
    return handleJson(*decoded);
}

NotificationHandler::Outcome NotificationHandler::handleJson(const QByteArray &json) {
    QString why;
    const auto notification = PushEnvelope::parseNotification(json, &why);
    if (!notification)
        return malformed(why);
    Outcome outcome;
    outcome.historyId = notification->historyId;
    db::TenantRepository tenants(db::Database::connection());
    const auto tenant = tenants.findByAddress(notification->emailAddress);
    if (!tenant) {
        if (tenants.isNotFound()) {
            outcome.result = Result::UnknownAddress;
            logging::LogEvent(logging::Level::Warning, "push notification dropped: unknown address")
                .error(notification->emailAddress)
                .write();
            return outcome;
        }
        outcome.result = Result::DatabaseError;
        outcome.error = tenants.errorString();
        logging::LogEvent(logging::Level::Error, "push notification not handled: database")
            .error(outcome.error)
            .write();
        return outcome;
    }
    outcome.tenantId = tenant->id;
    queueSync(&outcome);
    return outcome;
}

void NotificationHandler::queueSync(Outcome *outcome) {
    db::JobRepository queue(db::Database::connection());
    // A queued (not yet running) incremental or push job will read all history after the stored id,
    // which covers this notification too. A running one may have read history already: queue another.
    jobs::PushParams params;
    params.notifiedHistoryId = outcome->historyId;
    const auto queued = queue.enqueueUnlessQueued(outcome->tenantId, params,
                                                  {jobs::JobKind::Push, jobs::JobKind::Incremental});
    if (!queued) {
        outcome->result = Result::DatabaseError;
        outcome->error = queue.errorString();
        logging::LogEvent(logging::Level::Error, "push job not queued: database")
            .tenant(outcome->tenantId)
            .error(outcome->error)
            .write();
        return;
    }
    outcome->jobId = queued->jobId;
    if (queued->coalesced) {
        outcome->result = Result::Coalesced;
        return;
    }
    outcome->result = Result::Enqueued;
    logging::LogEvent(logging::Level::Info, "push job queued")
        .tenant(outcome->tenantId)
        .job(queued->jobId)
        .count("historyId", outcome->historyId)
        .write();
    if (m_onEnqueued)
        m_onEnqueued(queued->jobId);
}

} // namespace push
