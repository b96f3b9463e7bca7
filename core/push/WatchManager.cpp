#include "push/WatchManager.h"

#include "common/AccessTokenProvider.h"
#include "db/Database.h"
#include "db/TenantRepository.h"
#include "gmail/GmailClient.h"
#include "log/LogEvent.h"

#include <QRegularExpression>

#include <memory>

namespace push {

WatchManager::WatchManager(Settings settings)
    : m_settings(std::move(settings)) {}

WatchManager::TenantClient WatchManager::clientFor(const QString &tenantId) {
    TenantClient out;
    out.tokens = m_settings.tokenProviderFactory ? m_settings.tokenProviderFactory(tenantId) : nullptr;
    if (!out.tokens) {
        m_error = QStringLiteral("no credentials for tenant %1").arg(tenantId);
        return out;
    }
    gmail::GmailClientSettings clientSettings;
    clientSettings.baseUrl = m_settings.gmailApiUrl;
    out.client = std::make_unique<gmail::GmailClient>(clientSettings, out.tokens.get());
    return out;
}

bool WatchManager::watch(const QString &tenantId, const QString &topic, QDateTime *expiresAt) {
    m_error.clear();
    // The topic's full name (developers.google.com/gmail/api/reference/rest/v1/users/watch).
    static const QRegularExpression topicPattern(QStringLiteral("^projects/[^/]+/topics/[^/]+$"));
    if (!topicPattern.match(topic).hasMatch()) {
        m_error = QStringLiteral("the topic must be a full name, projects/PROJECT/topics/TOPIC, not \"%1\"")
                      .arg(topic);
        return false;
    }
    db::TenantRepository tenants(db::Database::connection());
    if (!tenants.find(tenantId)) {
        m_error = tenants.errorString();
        return false;
    }
    TenantClient gmail = clientFor(tenantId);
    if (!gmail.client)
        return false;
    gmail::GmailClient &client = *gmail.client;
    const auto response = client.watch(topic);
    if (!response) {
        m_error = QStringLiteral("users.watch for tenant %1 failed: %2").arg(tenantId, client.errorString());
        return false;
    }
    const QDateTime expiration = QDateTime::fromMSecsSinceEpoch(response->expiration, Qt::UTC);
    if (!tenants.setWatch(tenantId, topic, expiration)) {
        m_error = tenants.errorString();
        return false;
    }
    if (expiresAt)
        *expiresAt = expiration;
    logging::LogEvent(logging::Level::Info, "gmail watch started")
        .tenant(tenantId)
        .count("historyId", qint64(response->historyId))
        .count("expiresAtMs", response->expiration)
        .write();
    return true;
}

bool WatchManager::stop(const QString &tenantId) {
    m_error.clear();
    TenantClient gmail = clientFor(tenantId);
    if (!gmail.client)
        return false;
    gmail::GmailClient &client = *gmail.client;
    if (!client.stop()) {
        m_error = QStringLiteral("users.stop for tenant %1 failed: %2").arg(tenantId, client.errorString());
        return false;
    }
    db::TenantRepository tenants(db::Database::connection());
    if (!tenants.setWatch(tenantId, QString(), QDateTime())) {
        m_error = tenants.errorString();
        return false;
    }
    logging::LogEvent(logging::Level::Info, "gmail watch stopped").tenant(tenantId).write();
    return true;
}

WatchManager::RenewReport WatchManager::renewDue() {
    RenewReport report;
    db::TenantRepository tenants(db::Database::connection());
    const auto list = tenants.list();
    if (!list) {
        ++report.failed;
        report.errors << tenants.errorString();
        return report;
    }
    const QDateTime horizon = QDateTime::currentDateTimeUtc().addSecs(
        std::chrono::duration_cast<std::chrono::seconds>(m_settings.renewBefore).count());
    for (const db::Tenant &tenant : *list) {
        const QString topic = tenant.watchTopic.isEmpty() ? m_settings.defaultTopic : tenant.watchTopic;
        if (topic.isEmpty())
            continue;
        if (!tenant.watchTopic.isEmpty() && tenant.watchExpiresAt.isValid() &&
            tenant.watchExpiresAt > horizon)
            continue;
        if (watch(tenant.id, topic)) {
            ++report.renewed;
        } else {
            ++report.failed;
            report.errors << QStringLiteral("%1: %2").arg(tenant.id, m_error);
            logging::LogEvent(logging::Level::Warning, "gmail watch renewal failed")
                .tenant(tenant.id)
                .error(m_error)
                .write();
        }
    }
    return report;
}

} // namespace push
