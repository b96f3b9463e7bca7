#pragma once

#include "db/Alert.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QTimer>
#include <QUrl>

#include <chrono>

class QNetworkAccessManager;

namespace ops {

// Failure alerts: scans the database for the conditions an operator must hear about (a tenant's newest job
// failed, an integration needs re-authorization, a push watch lapsed, failed items over a threshold),
// raises one alert per tenant and condition while it holds (migration 0013 de-duplicates across workers),
// and POSTs each to every configured webhook, retried with backoff until all of them took it.
// The body suits Slack and Teams incoming webhooks ({"text": …}) and carries the alert as JSON too.
// Lives on, and does its SQL on, the thread that owns it (its own connection there).
class AlertService final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertService)

public:
    struct Options {
        QList<QUrl> webhooks;          // GMAIL_SYNC_ALERT_WEBHOOKS (comma-separated)
        int failedItemsThreshold = 50; // GMAIL_SYNC_ALERT_FAILED_ITEMS: alert above this many
        std::chrono::milliseconds scanInterval{30000};
        int retryBaseSeconds = 10; // doubled per attempt, at most an hour
        std::chrono::milliseconds requestTimeout{10000};
    };

    explicit AlertService(Options options, QObject *parent = nullptr);
    ~AlertService() override;

    // Options from the environment (empty webhooks: alerts are raised and logged, not posted).
    static Options fromEnvironment();

    void start(); // scans and delivers every scanInterval
    // One scan: raises new alerts, resolves those whose condition ended. Returns how many were raised
    // (-1 on a database error, logged).
    int scanOnce();
    // Claims the due undelivered alerts and posts them; `delivered`/`deliveryFailed` tell the outcome.
    void deliverDue();

    static QByteArray body(const db::Alert &alert);

Q_SIGNALS:
    void raised(const QString &tenantId, const QString &condition, const QString &message);
    void delivered(qint64 alertId);
    void deliveryFailed(qint64 alertId, const QString &error);

private:
    struct Pending {
        db::Alert alert;
        int outstanding = 0;
        QString error;
    };
    void post(qint64 alertId, const QUrl &url, const QByteArray &body);
    void finish(qint64 alertId);

    Options m_options;
    QTimer m_timer;
    QNetworkAccessManager *m_network;
    QHash<qint64, Pending> m_pending;
};

} // namespace ops
