#include "ProgressListener.h"

#include "db/Database.h"

#include <QSqlDriver>
#include <QSqlQuery>

namespace syncengine {

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
    if (const auto update = ProgressUpdate::fromJson(payload.toString().toUtf8()))
        Q_EMIT progress(*update);
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
