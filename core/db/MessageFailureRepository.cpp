#include "db/MessageFailureRepository.h"

#include "db/Database.h"
#include "db/SqlValues.h"

#include <QSqlQuery>
#include <QVariant>

namespace db {

QString MessageFailure::kindName(Kind kind) {
    switch (kind) {
    case Kind::Fetch:
        return QStringLiteral("fetch");
    case Kind::TooLarge:
        return QStringLiteral("too_large");
    case Kind::Parse:
        return QStringLiteral("parse");
    case Kind::Crash:
        return QStringLiteral("crash");
    }
    return QStringLiteral("fetch");
}

MessageFailure::Kind MessageFailure::kindFromName(const QString &name) {
    if (name == QLatin1String("too_large"))
        return Kind::TooLarge;
    if (name == QLatin1String("parse"))
        return Kind::Parse;
    if (name == QLatin1String("crash"))
        return Kind::Crash;
    return Kind::Fetch;
}

namespace {

constexpr const char *Columns =
    "tenant_id, gmail_message_id, coalesce(job_id, 0), kind, last_error, attempts,"
    " permanent, first_seen_at, last_seen_at";

MessageFailure readFailure(const QSqlQuery &q) {
    MessageFailure f;
    f.tenantId = q.value(0).toString();
    f.gmailMessageId = q.value(1).toString();
    f.jobId = q.value(2).toLongLong();
    f.kind = MessageFailure::kindFromName(q.value(3).toString());
    f.lastError = q.value(4).toString();
    f.attempts = q.value(5).toInt();
    f.permanent = q.value(6).toBool();
    f.firstSeenAt = sql::dateTime(q.value(7));
    f.lastSeenAt = sql::dateTime(q.value(8));
    return f;
}

} // namespace

MessageFailureRepository::MessageFailureRepository(QSqlDatabase db)
    : m_db(std::move(db)) {}

bool MessageFailureRepository::fail(const QString &what, const QSqlQuery &q) {
    return m_status.sqlFailed(what, q.lastError());
}

std::optional<qint64> MessageFailureRepository::record(const QString &tenantId, qint64 jobId,
                                                       const QList<FailedMessage> &failures,
                                                       int maxAttempts) {
    m_status.clear();
    if (failures.isEmpty())
        return 0;
    QStringList ids, kinds, errors;
    for (const FailedMessage &f : failures) {
        ids << f.gmailMessageId;
        kinds << MessageFailure::kindName(f.kind);
        errors << f.error.left(2000);
    }
    QSqlQuery q(m_db);
    // DISTINCT ON: one row per id even if a step reports an id twice (ON CONFLICT cannot touch a row twice).
    q.prepare(QStringLiteral(
        "WITH f AS (SELECT DISTINCT ON (id) id, kind, error"
        "   FROM unnest(CAST(:ids AS text[]), CAST(:kinds AS text[]), CAST(:errors AS text[])) AS u(id, "
        "kind, "
        "error)),"
        " up AS (INSERT INTO message_failures AS m (tenant_id, gmail_message_id, job_id, kind, last_error,"
        "   attempts, permanent)"
        "   SELECT :tenant, f.id, CAST(:job AS bigint), f.kind, f.error, 1,"
        "     1 >= CASE WHEN f.kind = 'crash' THEN CAST(:crashMax AS integer) ELSE CAST(:max AS integer) END"
        "   FROM f"
        "   ON CONFLICT (tenant_id, gmail_message_id) DO UPDATE SET job_id = EXCLUDED.job_id,"
        "     kind = EXCLUDED.kind, last_error = EXCLUDED.last_error, attempts = m.attempts + 1,"
        "     permanent = m.permanent OR m.attempts + 1 >="
        "       CASE WHEN EXCLUDED.kind = 'crash' THEN CAST(:crashMax2 AS integer) ELSE CAST(:max2 AS "
        "integer) END,"
        "     last_seen_at = now()"
        "   RETURNING permanent)"
        " SELECT count(*) FILTER (WHERE permanent) FROM up"));
    q.bindValue(QStringLiteral(":ids"), sql::arrayLiteral(ids));
    q.bindValue(QStringLiteral(":kinds"), sql::arrayLiteral(kinds));
    q.bindValue(QStringLiteral(":errors"), sql::arrayLiteral(errors));
    q.bindValue(QStringLiteral(":tenant"), tenantId);
    q.bindValue(QStringLiteral(":job"),
                jobId > 0 ? QVariant(jobId) : QVariant(QMetaType::fromType<qint64>()));
    q.bindValue(QStringLiteral(":crashMax"), kCrashAttempts);
    q.bindValue(QStringLiteral(":crashMax2"), kCrashAttempts);
    q.bindValue(QStringLiteral(":max"), maxAttempts);
    q.bindValue(QStringLiteral(":max2"), maxAttempts);
    if (!q.exec() || !q.next()) {
        fail(QStringLiteral("recording %1 failed messages of tenant %2").arg(failures.size()).arg(tenantId),
             q);
        return std::nullopt;
    }
    return q.value(0).toLongLong();
}

std::optional<qint64> MessageFailureRepository::resolve(const QString &tenantId,
                                                        const QStringList &gmailMessageIds) {
    m_status.clear();
    if (gmailMessageIds.isEmpty())
        return 0;
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("DELETE FROM message_failures WHERE tenant_id = :tenant"
                             " AND gmail_message_id = ANY (CAST(:ids AS text[]))"));
    q.bindValue(QStringLiteral(":tenant"), tenantId);
    q.bindValue(QStringLiteral(":ids"), sql::arrayLiteral(gmailMessageIds));
    if (!q.exec()) {
        fail(QStringLiteral("clearing recorded failures of tenant %1").arg(tenantId), q);
        return std::nullopt;
    }
    return q.numRowsAffected();
}

std::optional<QList<MessageFailure>> MessageFailureRepository::retryable(const QString &tenantId,
                                                                         bool includePermanent, int limit,
                                                                         qint64 currentJobId) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT %1 FROM message_failures WHERE tenant_id = :tenant"
                             " AND (:all OR NOT permanent)"
                             " AND NOT (kind = 'crash' AND NOT permanent AND job_id IS NOT DISTINCT FROM "
                             "CAST(:job AS bigint))"
                             " ORDER BY kind <> 'crash', last_seen_at, gmail_message_id LIMIT :limit")
                  .arg(QLatin1String(Columns)));
    q.bindValue(QStringLiteral(":tenant"), tenantId);
    q.bindValue(QStringLiteral(":all"), includePermanent);
    q.bindValue(QStringLiteral(":job"), currentJobId);
    q.bindValue(QStringLiteral(":limit"), limit);
    if (!q.exec()) {
        fail(QStringLiteral("reading recorded failures of tenant %1").arg(tenantId), q);
        return std::nullopt;
    }
    QList<MessageFailure> out;
    while (q.next())
        out.append(readFailure(q));
    return out;
}

bool MessageFailureRepository::quarantine(const QString &tenantId, QStringList *permanentIds,
                                          QStringList *crashSuspectIds) {
    m_status.clear();
    permanentIds->clear();
    crashSuspectIds->clear();
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT gmail_message_id, permanent FROM message_failures"
                             " WHERE tenant_id = :tenant AND (permanent OR kind = 'crash')"));
    q.bindValue(QStringLiteral(":tenant"), tenantId);
    if (!q.exec())
        return fail(QStringLiteral("reading quarantined messages of tenant %1").arg(tenantId), q);
    while (q.next())
        (q.value(1).toBool() ? permanentIds : crashSuspectIds)->append(q.value(0).toString());
    return true;
}

std::optional<QList<MessageFailure>> MessageFailureRepository::list(const QString &tenantId, int limit) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT %1 FROM message_failures WHERE tenant_id = :tenant"
                             " ORDER BY permanent DESC, last_seen_at DESC, gmail_message_id LIMIT :limit")
                  .arg(QLatin1String(Columns)));
    q.bindValue(QStringLiteral(":tenant"), tenantId);
    q.bindValue(QStringLiteral(":limit"), limit);
    if (!q.exec()) {
        fail(QStringLiteral("listing failed messages of tenant %1").arg(tenantId), q);
        return std::nullopt;
    }
    QList<MessageFailure> out;
    while (q.next())
        out.append(readFailure(q));
    return out;
}

std::optional<QList<MessageFailure>> MessageFailureRepository::listForJob(qint64 jobId, int limit) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    // The job's tenant first, so the primary key (tenant_id, gmail_message_id) narrows the scan.
    q.prepare(QStringLiteral("SELECT %1 FROM message_failures WHERE job_id = :job"
                             " AND tenant_id = (SELECT tenant_id FROM sync_jobs WHERE id = :job2)"
                             " ORDER BY permanent DESC, last_seen_at DESC, gmail_message_id LIMIT :limit")
                  .arg(QLatin1String(Columns)));
    q.bindValue(QStringLiteral(":job"), jobId);
    q.bindValue(QStringLiteral(":job2"), jobId);
    q.bindValue(QStringLiteral(":limit"), limit);
    if (!q.exec()) {
        fail(QStringLiteral("listing failed messages of job %1").arg(jobId), q);
        return std::nullopt;
    }
    QList<MessageFailure> out;
    while (q.next())
        out.append(readFailure(q));
    return out;
}

bool MessageFailureRepository::forgetCrashSuspects(const QString &tenantId, qint64 jobId) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral(
        "DELETE FROM message_failures WHERE tenant_id = :tenant AND job_id = CAST(:job AS bigint)"
        " AND kind = 'crash' AND NOT permanent"));
    q.bindValue(QStringLiteral(":tenant"), tenantId);
    q.bindValue(QStringLiteral(":job"), jobId);
    if (!q.exec())
        return fail(QStringLiteral("clearing the crash suspects of job %1").arg(jobId), q);
    return true;
}

bool MessageFailureRepository::count(const QString &tenantId, qint64 *total, qint64 *permanent) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT count(*), count(*) FILTER (WHERE permanent) FROM message_failures"
                             " WHERE tenant_id = :tenant"));
    q.bindValue(QStringLiteral(":tenant"), tenantId);
    if (!q.exec() || !q.next())
        return fail(QStringLiteral("counting failed messages of tenant %1").arg(tenantId), q);
    *total = q.value(0).toLongLong();
    *permanent = q.value(1).toLongLong();
    return true;
}

} // namespace db
