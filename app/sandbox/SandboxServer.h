#pragma once

#include "ApiMessages.h"
#include "ControlRoutes.h"
#include "FaultInjector.h"
#include "GmailRoutes.h"
#include "MailboxStore.h"
#include "QuotaLimiter.h"
#include "TokenStore.h"

#include <QHash>
#include <QHostAddress>
#include <QHttpServer>
#include <QJsonObject>
#include <QObject>
#include <QUrl>

#include <functional>
#include <memory>
#include <vector>

class QTcpSocket;

namespace sandbox {

// gmail-sandbox's HTTP front: one QHttpServer on the loopback interface. Routes registered on http()
// (the OAuth, Pub/Sub and Secret Manager services) are matched first; everything else goes through
// dispatch(): the Gmail API (/gmail/v1/…, with faults, latency and per-user quota), the batch endpoint
// (/batch/gmail/v1, /batch) and the control API (/_sandbox/…, loopback peers only).
// Single-threaded: everything runs on the thread that owns this object.
class SandboxServer final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SandboxServer)

public:
    explicit SandboxServer(QObject *parent = nullptr);
    ~SandboxServer() override;

    // Listens on host:port (0 = any free port). False with errorString() when the port is taken.
    Q_REQUIRED_RESULT bool listen(const QHostAddress &host = QHostAddress::LocalHost, quint16 port = 0);
    QString errorString() const { return m_error; }
    QUrl baseUrl() const; // http://127.0.0.1:PORT

    MailboxStore &mailboxes() { return m_store; }
    TokenStore &tokens() { return m_tokens; }
    FaultInjector &faults() { return m_faults; }
    QuotaLimiter &quota() { return m_quota; }
    QHttpServer &http() { return m_http; }

    // What DELETE /_sandbox/faults restores (--quota-units-per-second).
    // What DELETE /_sandbox/faults restores (--quota-profile, --quota-units-per-second; 0 = unlimited).
    void setDefaultQuota(const gmail::QuotaProfile &profile, double unitsPerSecond);
    void restoreDefaultQuota();

    // users.watch registrations, for the Pub/Sub side.
    std::optional<GmailRoutes::Watch> watchFor(const QString &email) const { return m_gmail.watchFor(email); }
    QList<GmailRoutes::Watch> watches() const { return m_gmail.watches(); }

    // Other services add their figures to GET /_sandbox/stats under `key`; `reset` runs on stats/reset.
    void addStatsSource(const QString &key, std::function<QJsonObject()> source,
                        std::function<void()> reset = {});
    QJsonObject statsJson() const;
    void resetStats();

private:
    void dispatch(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    // One Gmail API call: injected HTTP fault, authentication, quota, then the answer.
    // `users` collects the authenticated callers (for the concurrency limit).
    ApiResponse callGmail(const ApiRequest &request, FaultInjector::Fault fault, QStringList *users);
    void send(QTcpSocket *socket, const ApiResponse &response, FaultInjector::Fault fault);
    void countStatus(int status);

    QHttpServer m_http;
    MailboxStore m_store;
    TokenStore m_tokens;
    FaultInjector m_faults;
    QuotaLimiter m_quota;
    GmailRoutes m_gmail;
    ControlRoutes m_control;
    double m_defaultQuota = 0;
    gmail::QuotaProfile m_defaultProfile = *gmail::QuotaProfile::fromName(gmail::QuotaProfile::Legacy);
    quint16 m_port = 0;
    QString m_error;

    QHash<QString, qint64> m_requests; // by API method ("messages.get", "batch", "control", …)
    QHash<int, qint64> m_statuses;     // Gmail API answers by HTTP status, batch parts included
    // Per user: calls whose (delayed) answers are not sent yet. Shared with the pending timers, which may
    // outlive the other members when the server shuts down.
    std::shared_ptr<QHash<QString, int>> m_inFlight = std::make_shared<QHash<QString, int>>();

    struct StatsSource {
        std::function<QJsonObject()> stats;
        std::function<void()> reset;
    };
    QHash<QString, StatsSource> m_statsSources;

    // Services of the other sandbox parts (OAuth, Pub/Sub, Secret Manager), kept alive with the server.
    std::vector<std::shared_ptr<void>> m_services;
};

} // namespace sandbox
