#pragma once

#include <QObject>
#include <QSqlDriver>
#include <QString>
#include <QTimer>

#include <optional>

namespace syncengine {

// One progress report of a running sync job, as sent on the NOTIFY channel (docs/ARCHITECTURE.md, "Wire
// contracts"): {"jobId","tenantId","phase","processed","total","rate"}.
struct ProgressEvent {
    qint64 jobId = 0;
    QString tenantId;
    QString phase;
    qint64 processed = 0;
    std::optional<qint64> total; // unknown until the job has listed its messages
    double rate = 0;             // messages per second

    // nullopt for a payload that is not such an object (a malformed NOTIFY must not reach the models).
    static std::optional<ProgressEvent> fromJson(const QByteArray &payload);
};

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
    void progress(const syncengine::ProgressEvent &event);
    void listening();
    void failed(const QString &error);

private:
    void onNotification(const QString &name, QSqlDriver::NotificationSource source, const QVariant &payload);
    void ping();

    QTimer *m_pingTimer = nullptr;
    bool m_subscribed = false;
};

} // namespace syncengine
