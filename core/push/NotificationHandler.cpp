#include "push/NotificationHandler.h"

#include "db/Database.h"
#include "db/JobRepository.h"
#include "db/TenantRepository.h"
#include "log/LogEvent.h"

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
    // Pub/Sub's JSON carries `bytes` fields as base64; the proto3 JSON mapping accepts the standard and
    // the URL-safe alphabet (protobuf.dev/programming-guides/proto3/#json).
    auto decoded = QByteArray::fromBase64Encoding(data, QByteArray::Base64Encoding |
                                                            QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        decoded = QByteArray::fromBase64Encoding(data, QByteArray::Base64UrlEncoding |
                                                           QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return malformed(QStringLiteral("data is not base64"));
    return handleJson(decoded.decoded);
}

NotificationHandler::Outcome NotificationHandler::handleJson(const QByteArray &json) {
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isObject())
        return malformed(QStringLiteral("data is not a JSON object"));
    const QJsonObject object = doc.object();
    const QString address = object.value(QLatin1String("emailAddress")).toString().trimmed();
    if (address.isEmpty())
        return malformed(QStringLiteral("emailAddress missing"));

    Outcome outcome;
    // Documented as a string ("historyId": "9876543210"); some senders use a number: accept both.
    const QJsonValue history = object.value(QLatin1String("historyId"));
    if (history.isString())
        outcome.historyId = history.toString().toLongLong();
    else if (history.isDouble())
        outcome.historyId = static_cast<qint64>(history.toDouble());

    db::TenantRepository tenants(db::Database::connection());
    const auto tenant = tenants.findByAddress(address);
    if (!tenant) {
        if (tenants.isNotFound()) {
            outcome.result = Result::UnknownAddress;
            logging::LogEvent(logging::Level::Warning, "push notification dropped: unknown address")
                .error(address)
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

    db::JobRepository jobs(db::Database::connection());
    // A queued (not yet running) incremental or push job will read all history after the stored id,
    // which covers this notification too. A running one may have read history already: queue another.
    const auto queued = jobs.enqueueUnlessQueued(
        tenant->id, QStringLiteral("push"),
        QJsonObject{{QStringLiteral("notifiedHistoryId"), QString::number(outcome.historyId)}},
        {QStringLiteral("push"), QStringLiteral("incremental")});
    if (queued && queued->coalesced) {
        outcome.result = Result::Coalesced;
        outcome.jobId = queued->jobId;
        return outcome;
    }
    if (!queued) {
        outcome.result = Result::DatabaseError;
        outcome.error = jobs.errorString();
        logging::LogEvent(logging::Level::Error, "push job not queued: database")
            .tenant(tenant->id)
            .error(outcome.error)
            .write();
        return outcome;
    }
    outcome.result = Result::Enqueued;
    outcome.jobId = queued->jobId;
    logging::LogEvent(logging::Level::Info, "push job queued")
        .tenant(tenant->id)
        .job(queued->jobId)
        .count("historyId", outcome.historyId)
        .write();
    if (m_onEnqueued)
        m_onEnqueued(queued->jobId);
    return outcome;
}

} // namespace push
