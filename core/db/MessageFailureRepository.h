#pragma once

#include "db/RepositoryError.h"

#include "db/MessageFailure.h"

#include <QList>
#include <QSqlDatabase>
#include <QStringList>

#include <optional>

namespace db {

// All SQL of `message_failures` (migration 0007): the messages a tenant's syncs could not store.
// Recording and resolving run inside the step's transaction, so a history cursor or checkpoint never
// moves past a message that is neither stored nor recorded.
class MessageFailureRepository final {
public:
    // A message fails permanently after this many failed attempts (GMAIL_SYNC_MESSAGE_MAX_ATTEMPTS);
    // one that was in flight when a worker died twice is quarantined (CrashAttempts).
    static constexpr int kDefaultMaxAttempts = 5;
    static constexpr int kCrashAttempts = 2;

    explicit MessageFailureRepository(QSqlDatabase db);

    // Inserts or bumps (attempts + 1, last error, last job) each failure; marks it permanent when its
    // attempts reach maxAttempts (kCrashAttempts for crashes). Returns how many rows are now permanent
    // among them.
    std::optional<qint64> record(const QString &tenantId, qint64 jobId, const QList<FailedMessage> &failures,
                                 int maxAttempts);
    // Messages that are now stored (or gone for good from Gmail) leave the table. Returns rows removed.
    std::optional<qint64> resolve(const QString &tenantId, const QStringList &gmailMessageIds);

    // Failures to retry first, oldest first: the non-permanent ones, and the permanent ones too when
    // includePermanent (an operator's --retry-failed). Crash suspects first, so they go one by one early;
    // not those recorded for `currentJobId` itself: the resumed job meets them again in its own listing,
    // under its own window.
    std::optional<QList<MessageFailure>> retryable(const QString &tenantId, bool includePermanent, int limit,
                                                   qint64 currentJobId = 0);
    // The ids a sync must not fetch again by itself (permanent), and the crash suspects it must fetch one
    // at a time (kind crash, not yet permanent).
    Q_REQUIRED_RESULT bool quarantine(const QString &tenantId, QStringList *permanentIds,
                                      QStringList *crashSuspectIds);
    std::optional<QList<MessageFailure>> list(const QString &tenantId, int limit = 1000);
    // A job that succeeded met again every message it still had to do: its crash suspects it did not meet
    // belonged to work committed before the crash (processed fine), so they are dropped.
    Q_REQUIRED_RESULT bool forgetCrashSuspects(const QString &tenantId, qint64 jobId);
    // The failures whose last failed attempt was in job `jobId` (the admin's job details), ordered as list().
    std::optional<QList<MessageFailure>> listForJob(qint64 jobId, int limit = 1000);
    // Failures of the tenant (all, and permanent), for the tenant table and status.
    Q_REQUIRED_RESULT bool count(const QString &tenantId, qint64 *total, qint64 *permanent);

    QString errorString() const { return m_status.message(); }

private:
    bool fail(const QString &what, const QSqlQuery &q);

    QSqlDatabase m_db;
    RepositoryError m_status;
};

} // namespace db
