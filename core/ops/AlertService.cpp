#include "ops/AlertService.h"

#include "db/AlertRepository.h"
#include "db/Database.h"
#include "log/LogEvent.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

#include <functional>

namespace ops {

AlertService::AlertService(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_network(new QNetworkAccessManager(this)) {
    m_timer.setInterval(m_options.scanInterval);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        scanOnce();
        deliverDue();
    });
}

AlertService::~AlertService() = default;

AlertService::Options AlertService::fromEnvironment() {
    Options o;
    for (const QString &url :
         qEnvironmentVariable("GMAIL_SYNC_ALERT_WEBHOOKS").split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QUrl u(url.trimmed());
        if (u.isValid() && (u.scheme() == QLatin1String("https") || u.scheme() == QLatin1String("http")))
            o.webhooks.append(u);
    }
    bool ok = false;
    if (const int n = qEnvironmentVariableIntValue("GMAIL_SYNC_ALERT_FAILED_ITEMS", &ok); ok && n >= 0)
        o.failedItemsThreshold = n;
    return o;
}

void AlertService::start() {
    m_timer.start();
}

int AlertService::scanOnce() {
    db::AlertRepository alerts(db::Database::connection());
    using Finder = std::function<std::optional<QHash<QString, QString>>()>;
    const std::pair<QString, Finder> conditions[] = {
        {QStringLiteral("job_failed"), [&] { return alerts.failedJobs(); }},
        {QStringLiteral("needs_reauth"), [&] { return alerts.needsReauth(); }},
        {QStringLiteral("watch_lapsed"), [&] { return alerts.lapsedWatches(); }},
        {QStringLiteral("failed_items"), [&] { return alerts.failedItems(m_options.failedItemsThreshold); }},
    };
    int raisedCount = 0;
    for (const auto &[condition, find] : conditions) {
        const auto holding = find();
        const auto raisedNow = holding ? alerts.reconcile(condition, *holding) : std::nullopt;
        if (!raisedNow) {
            logging::LogEvent(logging::Level::Error, "alert scan failed")
                .step(condition)
                .error(alerts.errorString())
                .write();
            return -1;
        }
        raisedCount += *raisedNow;
    }
    if (raisedCount > 0) {
        const auto open = alerts.list(false, raisedCount);
        for (const db::Alert &a : open.value_or(QList<db::Alert>{})) {
            logging::LogEvent(logging::Level::Warning, "alert raised")
                .tenant(a.tenantId)
                .step(a.condition)
                .error(a.message)
                .write();
            Q_EMIT raised(a.tenantId, a.condition, a.message);
        }
    }
    return raisedCount;
}

QByteArray AlertService::body(const db::Alert &a) {
    const QJsonObject alert{{QStringLiteral("id"), a.id},
                            {QStringLiteral("tenantId"), a.tenantId},
                            {QStringLiteral("condition"), a.condition},
                            {QStringLiteral("message"), a.message},
                            {QStringLiteral("raisedAt"), a.raisedAt.toString(Qt::ISODateWithMs)}};
    const QString text = QStringLiteral("[gmail-sync] %1 — %2: %3").arg(a.tenantId, a.condition, a.message);
    return QJsonDocument(QJsonObject{{QStringLiteral("text"), text}, {QStringLiteral("alert"), alert}})
        .toJson(QJsonDocument::Compact);
}

void AlertService::deliverDue() {
    if (m_options.webhooks.isEmpty())
        return;
    QSqlDatabase conn = db::Database::connection();
    db::AlertRepository alerts(conn);
    if (!conn.transaction())
        return;
    const auto due = alerts.claimDue(20);
    if (!due || !conn.commit()) {
        conn.rollback();
        logging::LogEvent(logging::Level::Error, "alert delivery: claiming failed")
            .error(alerts.errorString())
            .write();
        return;
    }
    for (const db::Alert &a : *due) {
        if (m_pending.contains(a.id))
            continue;
        m_pending.insert(a.id, Pending{a, int(m_options.webhooks.size()), {}});
        for (const QUrl &url : m_options.webhooks)
            post(a.id, url, body(a));
    }
}

void AlertService::post(qint64 alertId, const QUrl &url, const QByteArray &payload) {
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setTransferTimeout(int(m_options.requestTimeout.count()));
    QNetworkReply *reply = m_network->post(request, payload);
    connect(reply, &QNetworkReply::finished, this, [this, reply, alertId, url] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        auto it = m_pending.find(alertId);
        if (it == m_pending.end())
            return;
        if (reply->error() != QNetworkReply::NoError || status < 200 || status >= 300) {
            // The URL's host only: a webhook URL's path is its secret (Slack, Teams).
            it->error = QStringLiteral("webhook %1 answered %2")
                            .arg(url.host())
                            .arg(status ? QString::number(status) : reply->errorString());
        }
        if (--it->outstanding == 0)
            finish(alertId);
    });
}

void AlertService::finish(qint64 alertId) {
    const Pending p = m_pending.take(alertId);
    db::AlertRepository alerts(db::Database::connection());
    if (p.error.isEmpty()) {
        if (!alerts.markDelivered(alertId))
            logging::LogEvent(logging::Level::Error, "alert delivery not recorded")
                .error(alerts.errorString())
                .write();
        Q_EMIT delivered(alertId);
        return;
    }
    const int backoff = qMin(3600, m_options.retryBaseSeconds << qMin(p.alert.attempts - 1, 12));
    if (!alerts.markFailed(alertId, p.error, backoff))
        logging::LogEvent(logging::Level::Error, "alert retry not recorded")
            .error(alerts.errorString())
            .write();
    logging::LogEvent(logging::Level::Warning, "alert delivery failed; retrying")
        .tenant(p.alert.tenantId)
        .step(p.alert.condition)
        .count("attempts", p.alert.attempts)
        .count("retryInSeconds", backoff)
        .error(p.error)
        .write();
    Q_EMIT deliveryFailed(alertId, p.error);
}

} // namespace ops
