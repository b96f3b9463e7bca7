#pragma once

#include "db/EmailRecord.h"
#include "db/RepositoryError.h"

#include <QHash>
#include <QList>
#include <QSqlDatabase>
#include <QString>

class QSqlQuery;

#include <optional>

namespace db {

struct UpsertCounts {
    qint64 inserted = 0;
    qint64 updated = 0;
};

// Net label change of one message over a run of history records (see IncrementalSync): the new label set
// is (old \ remove) ∪ add.
struct LabelChange {
    QString gmailMessageId;
    QStringList add;
    QStringList remove;
};

// All SQL of the `emails` table. Bulk writes go through COPY into a per-session temporary staging table
// and one INSERT … SELECT … ON CONFLICT (MACHINE-NOTES: ≈71k rows/s against ≈7.6k for row-by-row
// inserts through QPSQL). Writes join the caller's open transaction (so a batch and its job checkpoint
// commit together); without one they run in a transaction of their own.
class EmailRepository final {
public:
    explicit EmailRepository(QSqlDatabase db);

    // Idempotent upsert on (tenant_id, gmail_message_id). A row whose history id, labels, thread and
    // snippet are unchanged is left alone (counted neither inserted nor updated).
    std::optional<UpsertCounts> upsert(const QString &tenantId, const QList<EmailRecord> &records);

    // Deleted messages are removed, not marked: Gmail's messagesDeleted means deleted for good (trash
    // is only the TRASH label, which arrives as a label change), the schema has no tombstone column,
    // and the table must mirror the mailbox exactly. Returns the number of rows removed.
    std::optional<qint64> remove(const QString &tenantId, const QStringList &gmailMessageIds);

    // Applies net label changes in one statement; returns rows changed (unknown ids are ignored: a
    // message outside the synced window has no row).
    std::optional<qint64> applyLabelChanges(const QString &tenantId, const QList<LabelChange> &changes);

    // Removes rows of the tenant with internal_date >= from whose id the job did not list
    // (sync_job_seen_ids): the sweep of a full (re)sync of a window, for messages that vanished while
    // history was unavailable.
    std::optional<qint64> removeNotSeenInWindow(const QString &tenantId, const QDateTime &from, qint64 jobId);

    std::optional<qint64> count(const QString &tenantId);
    // Newest first; threadId empty → all threads.
    std::optional<QList<EmailRecord>> list(const QString &tenantId, const QString &threadId, int limit);
    // Newest first: mail of the tenant from, to, cc or bcc `address` (any case). Served by the GIN
    // indexes of migration 0009 (`col @> ARRAY[addr]`, OR-ed into one BitmapOr).
    std::optional<QList<EmailRecord>> listByAddress(const QString &tenantId, const QString &address,
                                                    int limit);
    // id → labels of every row of the tenant (tests compare the table with the mailbox).
    std::optional<QHash<QString, QStringList>> labelsById(const QString &tenantId);

    QString errorString() const { return m_status.message(); }

    // COPY text format escaping of one field (PostgreSQL docs, COPY "Text Format"): backslash, newline,
    // carriage return and tab are backslash-escaped; NUL bytes are dropped because a text value cannot
    // hold them at all. Public for tests.
    static void appendCopyField(QByteArray &out, const QString &value);

private:
    bool ensureStaging();
    bool copyRows(const QList<EmailRecord> &records);
    std::optional<QList<EmailRecord>> readRecords(QSqlQuery &q);

    QSqlDatabase m_db;
    RepositoryError m_status;
};

} // namespace db
