#include "sync/GmailMailSource.h"

#include "common/AccessTokenProvider.h"
#include "db/ProjectQuotaLedger.h"
#include "gmail/QuotaPacerRegistry.h"

namespace syncengine {

namespace {

gmail::GmailClientSettings clientSettings(const QUrl &baseUrl, std::shared_ptr<gmail::QuotaPacer> pacer,
                                          std::chrono::milliseconds backoffBase,
                                          const gmail::QuotaProfile &quota,
                                          std::shared_ptr<gmail::ProjectQuota> projectQuota) {
    gmail::GmailClientSettings s;
    s.baseUrl = baseUrl;
    s.pacer = std::move(pacer);
    s.backoffBase = backoffBase;
    s.quota = quota;
    s.projectQuota = std::move(projectQuota);
    return s;
}

// gmail::ProjectQuota over the database ledger (core/gmail does not know the database).
class LedgerProjectQuota final : public gmail::ProjectQuota {
public:
    explicit LedgerProjectQuota(std::shared_ptr<db::ProjectQuotaLedger> ledger)
        : m_ledger(std::move(ledger)) {}
    std::chrono::milliseconds tryAcquire(int units) override { return m_ledger->tryAcquire(units); }

private:
    std::shared_ptr<db::ProjectQuotaLedger> m_ledger;
};

} // namespace

GmailMailSource::GmailMailSource(const QUrl &baseUrl, std::shared_ptr<common::AccessTokenProvider> tokens,
                                 std::shared_ptr<gmail::QuotaPacer> pacer, const std::atomic_bool *stop,
                                 std::chrono::milliseconds backoffBase, const gmail::QuotaProfile &quota,
                                 std::shared_ptr<gmail::ProjectQuota> projectQuota)
    : m_tokens(std::move(tokens))
    , m_client(clientSettings(baseUrl, std::move(pacer), backoffBase, quota, std::move(projectQuota)),
               m_tokens.get()) {
    if (stop)
        m_client.setCancelFlag(stop);
}

void GmailMailSource::setError(SourceError *error) const {
    if (!error)
        return;
    error->message = m_client.errorString();
    error->permanent = m_client.lastError().kind == gmail::ApiError::Kind::AuthPermanent;
}

std::optional<MailboxProfile> GmailMailSource::profile(SourceError *error) {
    const auto p = m_client.profile();
    if (!p) {
        setError(error);
        return std::nullopt;
    }
    return MailboxProfile{p->emailAddress, qint64(p->historyId), p->messagesTotal};
}

std::optional<MessageIdPage> GmailMailSource::listMessages(const QString &query, const QString &pageToken,
                                                           int maxResults, SourceError *error) {
    // includeSpamTrash: the table mirrors the whole mailbox, SPAM and TRASH included (history reports
    // changes there too).
    const auto page = m_client.listMessages(query, {}, true, pageToken, maxResults);
    if (!page) {
        setError(error);
        return std::nullopt;
    }
    MessageIdPage out;
    out.ids.reserve(page->messages.size());
    for (const gmail::MessageRef &m : page->messages)
        out.ids.append(m.id);
    out.nextPageToken = page->nextPageToken;
    out.resultSizeEstimate = page->resultSizeEstimate;
    return out;
}

std::optional<SourceFetch> GmailMailSource::fetchRaw(const QStringList &ids, SourceError *error) {
    const QList<gmail::FetchResult> results = m_client.getMessagesRaw(ids);
    SourceFetch out;
    out.messages.reserve(results.size());
    for (const gmail::FetchResult &r : results) {
        switch (r.status) {
        case gmail::FetchResult::Status::Ok:
            out.messages.append(r.message);
            break;
        case gmail::FetchResult::Status::NotFound:
            out.notFound.append(r.id);
            break;
        case gmail::FetchResult::Status::Failed: {
            // The client already retried this id; what still fails is the message's failure, unless no
            // request can succeed now (credentials refused, cancelled): then the call fails as a whole.
            const auto kind = m_client.lastError().kind;
            if (kind == gmail::ApiError::Kind::AuthPermanent || kind == gmail::ApiError::Kind::Auth ||
                kind == gmail::ApiError::Kind::Cancelled) {
                if (error) {
                    error->message = r.error.isEmpty() ? m_client.errorString() : r.error;
                    error->permanent = kind == gmail::ApiError::Kind::AuthPermanent;
                }
                return std::nullopt;
            }
            const QString why = r.error.isEmpty() ? m_client.errorString() : r.error;
            out.failed.append({r.id, why, why.contains(QLatin1String("too large"), Qt::CaseInsensitive)});
            break;
        }
        }
    }
    if (results.size() != ids.size()) {
        if (error)
            error->message =
                QStringLiteral("batch answered %1 of %2 messages").arg(results.size()).arg(ids.size());
        return std::nullopt;
    }
    return out;
}

std::optional<SourceHistoryPage> GmailMailSource::listHistory(qint64 startHistoryId, const QString &pageToken,
                                                              SourceError *error) {
    static const QStringList types{QStringLiteral("messageAdded"), QStringLiteral("messageDeleted"),
                                   QStringLiteral("labelAdded"), QStringLiteral("labelRemoved")};
    const auto page = m_client.listHistory(quint64(startHistoryId), types, pageToken);
    if (!page) {
        setError(error);
        return std::nullopt;
    }
    SourceHistoryPage out;
    out.historyTooOld = page->historyTooOld;
    out.nextPageToken = page->nextPageToken;
    out.historyId = qint64(page->historyId);
    for (const gmail::HistoryRecord &rec : page->history) {
        for (const gmail::MessageRef &m : rec.messagesAdded)
            out.changes.append({HistoryChange::Type::MessageAdded, m.id, {}});
        for (const gmail::MessageRef &m : rec.messagesDeleted)
            out.changes.append({HistoryChange::Type::MessageDeleted, m.id, {}});
        for (const gmail::LabelChange &c : rec.labelsAdded)
            out.changes.append({HistoryChange::Type::LabelsAdded, c.message.id, c.labelIds});
        for (const gmail::LabelChange &c : rec.labelsRemoved)
            out.changes.append({HistoryChange::Type::LabelsRemoved, c.message.id, c.labelIds});
    }
    return out;
}

MailSourceFactory GmailMailSource::factory(const QUrl &baseUrl, TokenProviderFactory tokens,
                                           const gmail::QuotaProfile &quota, const QString &project,
                                           const std::atomic_bool *stop,
                                           std::chrono::milliseconds backoffBase) {
    std::shared_ptr<gmail::ProjectQuota> projectQuota;
    if (quota.projectUnitsPerMinute > 0)
        projectQuota = std::make_shared<LedgerProjectQuota>(
            db::ProjectQuotaLedger::forProject(project, quota.projectUnitsPerMinute));
    return [baseUrl, tokens = std::move(tokens), quota, projectQuota, stop, backoffBase](
               const QString &tenantId, const QString &, QString *error) -> std::unique_ptr<MailSource> {
        std::shared_ptr<common::AccessTokenProvider> provider = tokens ? tokens(tenantId) : nullptr;
        if (!provider) {
            if (error)
                *error = QStringLiteral(
                             "no Gmail credentials for tenant %1: connect it first (gmail-sync connect)")
                             .arg(tenantId);
            return nullptr;
        }
        auto pacer = gmail::QuotaPacerRegistry::instance().pacerFor(
            tenantId, gmail::QuotaPacerSettings::forProfile(quota));
        return std::make_unique<GmailMailSource>(baseUrl, std::move(provider), std::move(pacer), stop,
                                                 backoffBase, quota, projectQuota);
    };
}

} // namespace syncengine
