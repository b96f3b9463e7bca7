#pragma once

#include "gmail/GmailClient.h"
#include "sync/MailSource.h"
#include "sync/SyncOptions.h"

#include <memory>

namespace syncengine {

// MailSource over gmail::GmailClient (one per job, on the worker thread that runs it). The client
// does retries, batching and per-tenant quota pacing; this adapter only translates types and errors.
class GmailMailSource final : public MailSource {
public:
    GmailMailSource(
        const QUrl &baseUrl, std::shared_ptr<common::AccessTokenProvider> tokens,
        std::shared_ptr<gmail::QuotaPacer> pacer, const std::atomic_bool *stop,
        std::chrono::milliseconds backoffBase = std::chrono::milliseconds(1000),
        const gmail::QuotaProfile &quota = *gmail::QuotaProfile::fromName(gmail::QuotaProfile::defaultName()),
        std::shared_ptr<gmail::ProjectQuota> projectQuota = nullptr);

    std::optional<MailboxProfile> profile(SourceError *error) override;
    std::optional<MessageIdPage> listMessages(const QString &query, const QString &pageToken, int maxResults,
                                              SourceError *error) override;
    std::optional<SourceFetch> fetchRaw(const QStringList &ids, SourceError *error) override;
    std::optional<SourceHistoryPage> listHistory(qint64 startHistoryId, const QString &pageToken,
                                                 SourceError *error) override;
    void cancel() override { m_client.cancel(); }

    gmail::GmailClient &client() { return m_client; }

    // The engine's default: a GmailMailSource per job with the tenant's token provider, its shared
    // QuotaPacer (gmail::QuotaPacerRegistry, starting at the profile's per-user rate) and the
    // deployment's per-project quota (db::ProjectQuotaLedger under `project`); requests abort when
    // *stop becomes true.
    static MailSourceFactory factory(const QUrl &baseUrl, TokenProviderFactory tokens,
                                     const gmail::QuotaProfile &quota, const QString &project,
                                     const std::atomic_bool *stop,
                                     std::chrono::milliseconds backoffBase = std::chrono::milliseconds(1000));

private:
    void setError(SourceError *error) const;

    std::shared_ptr<common::AccessTokenProvider> m_tokens; // outlives m_client, which holds a raw pointer
    gmail::GmailClient m_client;
};

} // namespace syncengine
