#pragma once

#include "db/RepositoryError.h"

#include <QDateTime>
#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include <optional>

namespace db {

// One row of `threads` (migration 0005): the summary the thread list shows.
struct ThreadSummary {
    QString tenantId;
    QString threadId;
    QString subject;
    QStringList participants;
    QDateTime firstDate;
    QDateTime lastDate;
    int messageCount = 0;
    QStringList labels;
    QString snippet;
};

// Where the next page starts (keyset paging: stable while new mail arrives, no OFFSET scans).
// The date travels as microseconds since the epoch because timestamptz is finer than QDateTime.
struct ThreadCursor {
    qint64 lastDateMicros = 0;
    QString tenantId;
    QString threadId;
};

struct ThreadQuery {
    QString tenantId; // empty: every tenant
    QString search;   // websearch syntax ("word", "a -b", "\"exact phrase\""); empty: no filter
};

struct ThreadPage {
    QList<ThreadSummary> threads;
    std::optional<ThreadCursor> next; // nullopt: this was the last page
};

struct AttachmentInfo {
    QString filename;
    QString mimeType;
    qint64 size = 0;
};

// One message of a thread as the thread view shows it.
struct ThreadMessage {
    qint64 id = 0;
    QString gmailMessageId;
    QString subject;
    QString fromName;
    QString fromAddress;
    QStringList to; // display form, see MailAddress
    QStringList cc;
    QString replyTo;
    QDateTime sentAt;
    QDateTime internalDate;
    QStringList labels;
    QString bodyHtml; // null when the message has no HTML part
    QString bodyText;
    QList<AttachmentInfo> attachments;
};

// The SQL the admin GUI's thread browser needs: thread list pages, full-text search over
// emails.search_vector, one thread's messages.
class ThreadRepository final {
public:
    explicit ThreadRepository(QSqlDatabase db);

    // Newest thread first; `after` is the previous page's `next`.
    std::optional<ThreadPage> page(const ThreadQuery &query, const std::optional<ThreadCursor> &after,
                                   int limit);
    // Oldest message first.
    std::optional<QList<ThreadMessage>> messages(const QString &tenantId, const QString &threadId);

    QString errorString() const { return m_status.message(); }

private:
    QSqlDatabase m_db;
    RepositoryError m_status;
};

} // namespace db
