#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace gmail {

// Plain result structs of GmailClient, shaped like the Gmail API v1 resources
// (developers.google.com/gmail/api/reference/rest/v1/users).

struct Profile { // users.getProfile
    QString emailAddress;
    quint64 historyId = 0;
    qint64 messagesTotal = 0;
    qint64 threadsTotal = 0;
};

struct MessageRef { // an element of messages.list / history records
    QString id;
    QString threadId;
    QStringList labelIds; // only where the API sends them (history messagesAdded/labels*)
};

struct MessageListPage { // users.messages.list
    QList<MessageRef> messages;
    QString nextPageToken;
    qint64 resultSizeEstimate = 0;
};

struct RawMessage { // users.messages.get?format=raw
    QString id;
    QString threadId;
    QStringList labelIds;
    quint64 historyId = 0;
    qint64 internalDate = 0; // ms since the epoch
    qint64 sizeEstimate = 0;
    QString snippet;
    QByteArray raw; // the RFC 822 bytes, base64url-decoded
};

// One id's outcome in getMessagesRaw: fetched, gone (404 between list and get → skipped), or failed.
struct FetchResult {
    enum class Status { Ok, NotFound, Failed };
    QString id;
    Status status = Status::Failed;
    RawMessage message;
    QString error; // Failed: status, reason, endpoint (never a token)
};

struct LabelChange { // history labelsAdded / labelsRemoved
    MessageRef message;
    QStringList labelIds;
};

struct HistoryRecord { // users.history
    quint64 id = 0;
    QList<MessageRef> messages;
    QList<MessageRef> messagesAdded;
    QList<MessageRef> messagesDeleted;
    QList<LabelChange> labelsAdded;
    QList<LabelChange> labelsRemoved;
};

struct HistoryPage { // users.history.list
    // 404 on history.list: startHistoryId is older than the history Gmail keeps; a full sync is due
    // (developers.google.com/gmail/api/guides/sync#partial).
    bool historyTooOld = false;
    QList<HistoryRecord> history;
    QString nextPageToken;
    quint64 historyId = 0;
};

struct WatchResponse { // users.watch
    quint64 historyId = 0;
    qint64 expiration = 0; // ms since the epoch
};

} // namespace gmail
