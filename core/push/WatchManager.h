#pragma once

#include "sync/SyncOptions.h"

#include <QDateTime>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <chrono>
#include <memory>

namespace gmail {
class GmailClient;
}

namespace push {

// Gmail users.watch per tenant (developers.google.com/gmail/api/guides/push#watch_request): starts a
// watch on a Pub/Sub topic and stores its expiration (TenantRepository::setWatch), renews watches that
// expire within renewBefore (a watch lapses after 7 days; Google recommends calling watch daily), and
// stops them (users.stop). Synchronous: call on a worker thread (gmail::GmailClient runs local event
// loops), with db::Database::connection() of that thread.
class WatchManager final {
public:
    struct Settings {
        QUrl gmailApiUrl = QUrl(QStringLiteral("https://gmail.googleapis.com"));
        syncengine::TokenProviderFactory tokenProviderFactory;
        QString defaultTopic; // when set, renewDue() also starts watches of tenants without one
        std::chrono::hours renewBefore{24};
    };
    struct RenewReport {
        int renewed = 0;
        int failed = 0;
        QStringList errors; // "tenant: reason"
    };

    explicit WatchManager(Settings settings);

    // users.watch on `topic` (projects/P/topics/T); stores topic and expiration. *expiresAt when given.
    Q_REQUIRED_RESULT bool watch(const QString &tenantId, const QString &topic,
                                 QDateTime *expiresAt = nullptr);
    // users.stop; clears the stored watch.
    Q_REQUIRED_RESULT bool stop(const QString &tenantId);
    // Watches every tenant whose watch expires within renewBefore (or has none and defaultTopic is set).
    RenewReport renewDue();

    QString errorString() const { return m_error; }

private:
    // A Gmail client with the tenant's credentials (client empty: m_error says why). The provider is
    // kept beside the client, which only points at it.
    struct TenantClient {
        std::shared_ptr<common::AccessTokenProvider> tokens;
        std::unique_ptr<gmail::GmailClient> client;
    };
    TenantClient clientFor(const QString &tenantId);

    Settings m_settings;
    QString m_error;
};

} // namespace push
