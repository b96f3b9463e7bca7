#pragma once

#include "gmail/GmailTypes.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace syncengine {

// What the sync kinds need from Gmail, in the engine's own terms (a fetched message is Gmail's own
// gmail::RawMessage). GmailMailSource implements it over gmail::GmailClient (retries, batch, pacing
// live there); the kinds never see HTTP.

struct SourceError {
    QString message;        // one line: what failed (never a token or message content)
    bool permanent = false; // retrying cannot help (e.g. invalid_grant: re-authorize)
};

struct MailboxProfile {
    QString emailAddress;
    qint64 historyId = 0;
    qint64 messagesTotal = 0;
};

struct MessageIdPage {
    QStringList ids;
    QString nextPageToken; // empty: last page
    qint64 resultSizeEstimate = 0;
};

// A message the source could not deliver after its own retries (server errors, timeouts, broken or
// oversized answers): recorded as a failure of that message, not of the step.
struct UndeliveredMessage {
    QString id;
    QString error; // one line: status, reason, endpoint (never a token or content)
    bool tooLarge = false;
};

// What fetchRaw delivered for a list of ids (gmail::GmailClient answers per id; this sorts them).
struct SourceFetch {
    QList<gmail::RawMessage> messages;
    QStringList notFound;             // vanished between list and get (404): skipped
    QList<UndeliveredMessage> failed; // still failing after the client's retries
};

// One history record, reduced to what the engine applies (users.history.list, in order).
struct HistoryChange {
    enum class Type { MessageAdded, MessageDeleted, LabelsAdded, LabelsRemoved };
    Type type = Type::MessageAdded;
    QString messageId;
    QStringList labelIds; // for label changes: the labels added or removed
};

// One page of users.history.list as the engine applies it (gmail::HistoryPage holds the raw records).
struct SourceHistoryPage {
    QList<HistoryChange> changes;
    QString nextPageToken;
    qint64 historyId = 0;       // the mailbox's current history id
    bool historyTooOld = false; // 404: startHistoryId outside the kept range → full resync
};

class MailSource {
public:
    virtual ~MailSource() = default;
    virtual std::optional<MailboxProfile> profile(SourceError *error) = 0;
    // users.messages.list with q (includeSpamTrash true: the table mirrors the whole mailbox).
    virtual std::optional<MessageIdPage> listMessages(const QString &query, const QString &pageToken,
                                                      int maxResults, SourceError *error) = 0;
    // format=raw through batch requests; every id ends up in messages, notFound or failed, or the whole
    // call fails (authentication, cancellation: nothing can succeed).
    virtual std::optional<SourceFetch> fetchRaw(const QStringList &ids, SourceError *error) = 0;
    virtual std::optional<SourceHistoryPage> listHistory(qint64 startHistoryId, const QString &pageToken,
                                                         SourceError *error) = 0;
    // Cooperative cancellation of the request in flight (any thread).
    virtual void cancel() = 0;
};

} // namespace syncengine
