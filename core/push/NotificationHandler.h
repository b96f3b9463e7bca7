#pragma once

#include <QByteArray>
#include <QString>

#include <functional>

namespace push {

// Turns one Gmail push notification (a Pub/Sub message's data) into a queued `push` job for the tenant
// whose address it names (developers.google.com/gmail/api/guides/push#receiving_notifications).
// Gmail notifies many times for one burst of changes, so one queued push/incremental job per tenant is
// enough (coalescing). Uses the calling thread's db::Database::connection().
class NotificationHandler final {
public:
    enum class Result {
        Enqueued,       // a new push job was queued
        Coalesced,      // a push/incremental job was already queued for the tenant
        UnknownAddress, // no tenant has this address: dropped
        Malformed,      // data is not base64 JSON {"emailAddress","historyId"}: dropped
        DatabaseError,  // nothing queued: the message must be redelivered
    };
    struct Outcome {
        Result result = Result::Malformed;
        QString tenantId;
        qint64 jobId = 0;     // the new or the already queued job
        qint64 historyId = 0; // from the notification (0 when missing)
        QString error;        // for DatabaseError / Malformed (no message contents)
    };

    // Called after a job was queued (e.g. SyncEngine::wakeWorkers), on the handling thread.
    explicit NotificationHandler(std::function<void(qint64 jobId)> onEnqueued = {});

    // `data` as it arrives in JSON: base64 (standard or URL-safe) of the notification JSON.
    Outcome handleBase64(const QByteArray &data);
    // Already decoded notification JSON.
    Outcome handleJson(const QByteArray &json);

    // Whether the message may be acknowledged: everything except a database error (a poison message
    // must not be redelivered forever, an unknown address will not become known by retrying).
    static bool shouldAcknowledge(Result result) { return result != Result::DatabaseError; }
    static QString resultName(Result result);

private:
    // Queues (or coalesces into a queued job) the incremental sync a notification asks for.
    void queueSync(Outcome *outcome);

    std::function<void(qint64)> m_onEnqueued;
};

} // namespace push
