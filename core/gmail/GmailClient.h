#pragma once

#include "gmail/ApiError.h"
#include "gmail/BatchFetcher.h"
#include "gmail/GmailClientSettings.h"
#include "gmail/GmailTransport.h"
#include "gmail/GmailTypes.h"

#include <QJsonObject>
#include <QObject>

#include <atomic>
#include <optional>

namespace common {
class AccessTokenProvider;
}

namespace gmail {

// The Gmail API v1 for one user, for worker threads: synchronous calls that each run a local event
// loop, so it must never be used on the GUI thread. One instance per thread; its
// QNetworkAccessManager is created in the thread of the first call.
//
// Each endpoint method builds one request and reads its answer (GmailJson); the GmailTransport
// underneath paces, retries and classifies (see there), the BatchFetcher fetches messages in adaptive
// batches. Failure: nullopt and lastError(). cancel() (any thread) or the flag given to
// setCancelFlag() aborts the current call within ~50 ms.
class GmailClient final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GmailClient)

public:
    using Stats = GmailTransport::Stats;

    GmailClient(GmailClientSettings settings, common::AccessTokenProvider *tokens, QObject *parent = nullptr);
    ~GmailClient() override;

    std::optional<Profile> profile();
    std::optional<MessageListPage> listMessages(const QString &q = {}, const QStringList &labelIds = {},
                                                bool includeSpamTrash = false, const QString &pageToken = {},
                                                int maxResults = 500);
    // messages.get?format=raw for each id through the batch endpoint. One result per id, in order.
    // Parts that fail inside a 200 batch answer (429/5xx) are retried in smaller batches (rate-limited
    // parts without using a retry); a batch that times out is split; a 404 is NotFound; a message over
    // maxMessageBytes is Failed ("message too large: N bytes"); an id that still fails after
    // maxRetries is Failed with its error (never dropped).
    QList<FetchResult> getMessagesRaw(const QStringList &ids) { return m_fetcher.fetch(ids); }
    std::optional<HistoryPage> listHistory(quint64 startHistoryId, const QStringList &historyTypes = {},
                                           const QString &pageToken = {}, int maxResults = 500);
    std::optional<WatchResponse> watch(const QString &topicName, const QStringList &labelIds = {});
    Q_REQUIRED_RESULT bool stop();

    const ApiError &lastError() const { return m_transport.lastError(); }
    QString errorString() const { return lastError().toString(); }

    void cancel() { m_transport.cancel(); }           // thread-safe
    void resetCancel() { m_transport.resetCancel(); } // before reusing a cancelled client
    void setCancelFlag(const std::atomic_bool *flag) { m_transport.setCancelFlag(flag); }
    bool isCancelled() const { return m_transport.isCancelled(); }

    int currentBatchSize() const { return m_fetcher.currentBatchSize(); }
    Stats stats() const { return m_transport.stats(); } // wire-level statistics, for benchmarks and tests

private:
    GmailTransport::Call jsonCall(const QString &path, const QString &method, const QString &costName) const;
    std::optional<QJsonObject> call(const GmailTransport::Call &call);
    QString userPath() const;

    GmailClientSettings m_settings;
    GmailTransport m_transport;
    BatchFetcher m_fetcher;
};

} // namespace gmail
