#include "ProgressListener.h"

#include "db/Database.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDriver>
#include <QSqlQuery>

namespace syncengine {

std::optional<ProgressEvent> ProgressEvent::fromJson(const QByteArray &payload) {
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(payload, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    const QJsonObject o = doc.object();
    if (!o.value(QLatin1String("jobId")).isDouble() && !o.value(QLatin1String("jobId")).isString())
        return std::nullopt;
    ProgressEvent e;
    // Numbers may arrive as JSON numbers or as strings of digits (bigint through json_build_object is a
    // number, through to_json(text) a string); accept both.
    e.jobId = o.value(QLatin1String("jobId")).toVariant().toLongLong();
    e.tenantId = o.value(QLatin1String("tenantId")).toString();
    e.phase = o.value(QLatin1String("phase")).toString();
    e.processed = o.value(QLatin1String("processed")).toVariant().toLongLong();
    const QJsonValue total = o.value(QLatin1String("total"));
    if (!total.isNull() && !total.isUndefined())
        e.total = total.toVariant().toLongLong();
    e.rate = o.value(QLatin1String("rate")).toVariant().toDouble();
    if (e.jobId <= 0)
        return std::nullopt;
    return e;
}

ProgressListener::ProgressListener(QObject *parent)
    : QObject(parent)
    , m_pingTimer(new QTimer(this)) {
    m_pingTimer->setInterval(15000);
    connect(m_pingTimer, &QTimer::timeout, this, &ProgressListener::ping);
}

ProgressListener::~ProgressListener() = default;

void ProgressListener::start() {
    QString error;
    if (!db::Database::open(&error)) {
        m_subscribed = false;
        m_pingTimer->start(); // retry on the next ping
        Q_EMIT failed(error);
        return;
    }
    QSqlDriver *driver = db::Database::connection().driver();
    // A new connection (after a reconnect) has a new driver object; connect once per driver.
    connect(driver, &QSqlDriver::notification, this, &ProgressListener::onNotification, Qt::UniqueConnection);
    if (!driver->subscribedToNotifications().contains(channel()) &&
        !driver->subscribeToNotification(channel())) {
        m_subscribed = false;
        m_pingTimer->start();
        Q_EMIT failed(QStringLiteral("listening for sync progress failed: %1")
                          .arg(db::Database::describeError(driver->lastError())));
        return;
    }
    m_subscribed = true;
    m_pingTimer->start();
    Q_EMIT listening();
}

void ProgressListener::stop() {
    m_pingTimer->stop();
    if (m_subscribed) {
        QSqlDatabase db = db::Database::connection();
        if (db.isOpen())
            db.driver()->unsubscribeFromNotification(channel());
    }
    m_subscribed = false;
    db::Database::closeThreadConnection();
}

void ProgressListener::onNotification(const QString &name, QSqlDriver::NotificationSource,
                                      const QVariant &payload) {
    if (name != channel())
        return;
    if (const auto event = ProgressEvent::fromJson(payload.toString().toUtf8()))
        Q_EMIT progress(*event);
}

void ProgressListener::ping() {
    // QPSQL only reads notifications while the socket is alive; a failed ping means the server went away
    // (restart, network): drop the connection and subscribe on a fresh one.
    {
        // After a change of the default settings connection() opens a new connection, which has not
        // subscribed yet: that counts as lost too.
        QSqlDatabase db = db::Database::connection();
        QSqlQuery q(db);
        if (m_subscribed && q.exec(QStringLiteral("SELECT 1")) &&
            db.driver()->subscribedToNotifications().contains(channel()))
            return;
    }
    db::Database::closeThreadConnection();
    start();
}

} // namespace syncengine
