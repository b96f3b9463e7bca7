#pragma once

#include "sync/ProgressUpdate.h"

#include <QObject>
#include <QSqlDriver>
#include <QString>
#include <QTimer>

namespace syncengine {

// LISTENs on `gsa_sync_progress` through the QSqlDriver notification API on the connection of the thread
// it lives in (db::Database::connection()), and re-emits each payload as a typed signal. Move it to a
// worker thread and call start() there: the GUI thread never touches this connection. A lost connection is
// noticed by a periodic ping and re-subscribed.
class ProgressListener final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProgressListener)
public:
    static QString channel() { return QStringLiteral("gsa_sync_progress"); }

    explicit ProgressListener(QObject *parent = nullptr);
    ~ProgressListener() override;

public Q_SLOTS:
    // Subscribes (again); emits listening() or failed().
    void start();
    // Unsubscribes and closes this thread's connection; call before the thread ends.
    void stop();

Q_SIGNALS:
    void progress(const syncengine::ProgressUpdate &update);
    void listening();
    void failed(const QString &error);

private:
    void onNotification(const QString &name, QSqlDriver::NotificationSource source, const QVariant &payload);
    void ping();

    QTimer *m_pingTimer = nullptr;
    bool m_subscribed = false;
};

} // namespace syncengine
