#pragma once

#include <QDateTime>
#include <QString>

namespace db {

// One row of `message_failures`: a message a sync could not store (migration 0007).
struct MessageFailure final {
    enum class Kind { Fetch, TooLarge, Parse, Crash };

    QString tenantId;
    QString gmailMessageId;
    qint64 jobId = 0; // the last job it failed in (0: that job is gone)
    Kind kind = Kind::Fetch;
    QString lastError; // one line; never message content or a token
    int attempts = 0;
    bool permanent = false; // not retried automatically any more
    QDateTime firstSeenAt;
    QDateTime lastSeenAt;

    static QString kindName(Kind kind);
    static Kind kindFromName(const QString &name); // unknown names read as Fetch
};

// A failure as a step reports it, before it is recorded.
struct FailedMessage final {
    QString gmailMessageId;
    MessageFailure::Kind kind = MessageFailure::Kind::Fetch;
    QString error;
};

} // namespace db
