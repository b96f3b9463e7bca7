#pragma once

#include "gmail/BatchCodec.h"
#include "gmail/GmailTransport.h"
#include "gmail/GmailTypes.h"

#include <QHash>
#include <QStringList>

#include <chrono>
#include <optional>

namespace gmail {

// messages.get?format=raw for many ids through the batch endpoint (developers.google.com/gmail/api/
// guides/batch), over a GmailTransport. The batch adapts: inner 429s or a timeout halve it, four clean
// batches grow it by a tenth of maxBatchSize, and it never holds more than half a second of the pacer's
// rate. Parts that fail inside a 200 batch answer (429/5xx) are retried in smaller batches
// (rate-limited parts without using a retry); a lone id goes as a plain GET; a server without the batch
// endpoint gets one GET per message from then on. One result per id, never dropped.
class BatchFetcher final {
    Q_DISABLE_COPY_MOVE(BatchFetcher)

public:
    // userPath: "/gmail/v1/users/<id>"; settings and transport outlive this.
    BatchFetcher(const GmailClientSettings &settings, GmailTransport &transport, QString userPath);

    QList<FetchResult> fetch(const QStringList &ids);
    int currentBatchSize() const { return m_batchSize; }

private:
    // The ids of one round to retry and why; attempts counts each id's retries over all rounds.
    struct Round {
        QHash<QString, int> attempts;
        QStringList retry;
        std::chrono::milliseconds retryDelay{0};
        bool hardRetry = false; // some id is retried for a failure, not only for rate
    };
    // What the parts of one batch answer said, for adapting the batch size and the pacer.
    struct Tally {
        bool rateLimited = false;
        bool quotaSignal = false; // a rate-limit part named a time to retry at (the quota, not bursts)
        bool progress = false;    // some part was answered
    };

    void runRound(const QStringList &pending, Round *round, QHash<QString, FetchResult> *results);
    bool stopsAll() const; // the last error means no further request can succeed
    QList<FetchResult> fetchBatch(const QStringList &ids, Round *round);
    QList<FetchResult> fetchEach(const QStringList &ids, const Round &round);
    FetchResult fetchOne(const QString &id, int spentRetries);
    GmailTransport::Call batchCall(const QStringList &ids, QList<BatchCodec::Response> *parts) const;
    QList<FetchResult> onBatchFailed(const QStringList &ids, Round *round);
    QHash<QString, const BatchCodec::Response *> partsById(const QStringList &ids,
                                                           const QList<BatchCodec::Response> &parts) const;
    std::optional<FetchResult> judgePart(const QString &id, const BatchCodec::Response *part, Round *round,
                                         Tally *tally);
    std::optional<FetchResult> deferRateLimited(const QString &id, ApiError error, Round *round,
                                                Tally *tally);
    std::optional<FetchResult> retryOrFail(const QString &id, ApiError error, Round *round);
    void adapt(const Tally &tally, std::chrono::steady_clock::time_point sentAt,
               std::chrono::milliseconds retryDelay);
    int quotaBatchLimit() const; // messages per batch that half a second of the pacer's rate pays for
    QString messagePath(const QString &id) const;

    const GmailClientSettings &m_settings;
    GmailTransport &m_transport;
    QString m_userPath;
    int m_batchSize;
    int m_cleanBatches = 0;
    bool m_batchUnavailable = false; // the server has no batch endpoint: single GETs
    std::optional<std::chrono::steady_clock::time_point> m_partsLimitedSince; // inner rate limits
};

} // namespace gmail
