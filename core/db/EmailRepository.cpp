#include "db/EmailRepository.h"

#include "db/Database.h"
#include "db/MailAddress.h"
#include "db/SqlValues.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <libpq-fe.h>

namespace db {

namespace {

// What a row of `emails` stores besides tenant_id, in the order of the COPY, the staging table and
// the INSERT … SELECT.
const QStringList kStoredColumns =
    QStringLiteral("gmail_message_id, gmail_thread_id, history_id, subject, from_name, from_address,"
                   " to_addresses, to_names, cc_addresses, cc_names, bcc_addresses, bcc_names, reply_to,"
                   " message_id_header, in_reply_to, references_header, sent_at, internal_date, labels,"
                   " snippet, body_html, body_text, attachments, priority, size_estimate, parse_warnings")
        .split(QStringLiteral(", "));

// Arrays as JSON text: QPSQL hands text[] over as an unparsed literal. readRecord() follows this order.
const QString kReadColumns = QStringLiteral(
    "SELECT gmail_message_id, gmail_thread_id, history_id, subject, from_name, from_address,"
    " array_to_json(to_addresses)::text, array_to_json(to_names)::text,"
    " array_to_json(cc_addresses)::text, array_to_json(cc_names)::text,"
    " array_to_json(bcc_addresses)::text, array_to_json(bcc_names)::text,"
    " reply_to, message_id_header, in_reply_to, references_header, sent_at, internal_date,"
    " array_to_json(labels)::text, snippet, body_html, body_text, attachments::text, priority, size_estimate,"
    " array_to_json(parse_warnings)::text FROM emails");

PGconn *pgConnection(const QSqlDatabase &db) {
    const QVariant handle = db.driver()->handle();
    // QPSQL exposes its PGconn* (type name "PGconn*", "pg_conn*" on some builds).
    if (!handle.isValid() || !handle.data())
        return nullptr;
    const QByteArray type = handle.typeName();
    if (type != "PGconn*" && type != "pg_conn*")
        return nullptr;
    return *static_cast<PGconn *const *>(handle.constData());
}

QString pgError(PGconn *conn) {
    return QString::fromUtf8(PQerrorMessage(conn)).trimmed().section(QLatin1Char('\n'), 0, 0);
}

// One line of COPY text format: fields separated by tabs, \N for NULL.
class CopyLine final {
public:
    explicit CopyLine(QByteArray &out)
        : m_out(out) {}
    void text(const QString &s) { // null QString → NULL
        if (s.isNull())
            field("\\N");
        else
            escaped(s);
    }
    void escaped(const QString &s) {
        separate();
        EmailRepository::appendCopyField(m_out, s);
    }
    void array(const QStringList &list) { escaped(sql::arrayLiteral(list)); }
    void number(std::optional<qint64> n) { field(n ? QByteArray::number(*n) : QByteArrayLiteral("\\N")); }
    void timestamp(const QDateTime &dt) {
        field(dt.isValid() ? dt.toUTC().toString(Qt::ISODateWithMs).toLatin1() : QByteArrayLiteral("\\N"));
    }
    void recipients(const QStringList &formatted) {
        const QList<MailAddress> parsed = MailAddress::parseList(formatted);
        array(MailAddress::addressesOf(parsed));
        array(MailAddress::namesOf(parsed));
    }
    void end() { m_out.append('\n'); }

private:
    void separate() {
        if (!m_first)
            m_out.append('\t');
        m_first = false;
    }
    void field(const QByteArray &raw) {
        separate();
        m_out.append(raw);
    }

    QByteArray &m_out;
    bool m_first = true;
};

// In kStoredColumns order.
void appendRecord(QByteArray &out, const EmailRecord &r) {
    CopyLine line(out);
    line.escaped(r.gmailMessageId);
    line.escaped(r.threadId);
    line.number(r.historyId);
    line.text(r.subject);
    line.text(r.fromName);
    line.text(r.fromAddress);
    line.recipients(r.to);
    line.recipients(r.cc);
    line.recipients(r.bcc);
    line.text(r.replyTo);
    line.text(r.messageIdHeader);
    line.text(r.inReplyTo);
    line.text(r.references);
    line.timestamp(r.sentAt);
    line.timestamp(r.internalDate);
    line.array(r.labels);
    line.text(r.snippet);
    line.text(r.bodyHtml);
    line.text(r.bodyText);
    line.escaped(QString::fromUtf8(r.attachmentsJson.isEmpty() ? "[]" : r.attachmentsJson));
    line.escaped(r.priority);
    line.number(r.sizeEstimate ? std::optional<qint64>(*r.sizeEstimate) : std::nullopt);
    line.array(r.parseWarnings);
    line.end();
}

QStringList recipients(const QSqlQuery &q, int addressColumn) {
    return MailAddress::displayList(MailAddress::fromColumns(sql::stringArray(q.value(addressColumn)),
                                                             sql::stringArray(q.value(addressColumn + 1))));
}

// One row of kReadColumns.
EmailRecord readRecord(const QSqlQuery &q) {
    EmailRecord r;
    r.gmailMessageId = q.value(0).toString();
    r.threadId = q.value(1).toString();
    r.historyId = sql::optionalInt(q.value(2));
    r.subject = q.value(3).toString();
    r.fromName = q.value(4).toString();
    r.fromAddress = q.value(5).toString();
    r.to = recipients(q, 6);
    r.cc = recipients(q, 8);
    r.bcc = recipients(q, 10);
    r.replyTo = q.value(12).toString();
    r.messageIdHeader = q.value(13).toString();
    r.inReplyTo = q.value(14).toString();
    r.references = q.value(15).toString();
    r.sentAt = sql::dateTime(q.value(16));
    r.internalDate = sql::dateTime(q.value(17));
    r.labels = sql::stringArray(q.value(18));
    r.snippet = q.value(19).toString();
    r.bodyHtml = sql::text(q.value(20));
    r.bodyText = sql::text(q.value(21));
    r.attachmentsJson = q.value(22).toString().toUtf8();
    r.priority = q.value(23).toString();
    r.sizeEstimate = sql::optionalInt32(q.value(24));
    r.parseWarnings = sql::stringArray(q.value(25));
    return r;
}

// Sends the records as COPY data in blocks of about 1 MiB; false when the server stopped taking them.
bool sendCopyData(PGconn *conn, const QList<EmailRecord> &records) {
    constexpr qsizetype FlushAt = 1 << 20;
    QByteArray buf;
    for (const EmailRecord &r : records) {
        appendRecord(buf, r);
        if (buf.size() >= FlushAt) {
            if (PQputCopyData(conn, buf.constData(), int(buf.size())) != 1)
                return false;
            buf.clear();
        }
    }
    return buf.isEmpty() || PQputCopyData(conn, buf.constData(), int(buf.size())) == 1;
}

// Ends the COPY (aborting it when sending failed) and collects its outcome; an empty string on success.
QString finishCopy(PGconn *conn, bool sent) {
    bool ok = PQputCopyEnd(conn, sent ? nullptr : "client aborted") == 1 && sent;
    QString error;
    while (PGresult *res = PQgetResult(conn)) {
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            ok = false;
            if (error.isEmpty())
                error =
                    QString::fromUtf8(PQresultErrorMessage(res)).trimmed().section(QLatin1Char('\n'), 0, 0);
        }
        PQclear(res);
    }
    if (ok)
        return {};
    return error.isEmpty() ? pgError(conn) : error;
}

// RAII: commits (or rolls back) a transaction this repository opened itself.
class OwnTransaction final {
public:
    explicit OwnTransaction(QSqlDatabase &db, PGconn *conn)
        : m_db(db) {
        if (conn && PQtransactionStatus(conn) == PQTRANS_IDLE)
            m_own = m_db.transaction();
    }
    ~OwnTransaction() {
        if (m_own)
            m_db.rollback();
    }
    bool commit() {
        if (!m_own)
            return true;
        m_own = false;
        return m_db.commit();
    }
    OwnTransaction(const OwnTransaction &) = delete;
    OwnTransaction &operator=(const OwnTransaction &) = delete;

private:
    QSqlDatabase &m_db;
    bool m_own = false;
};

// INSERT … SELECT from the staging table, updating a row only when something Gmail changes did change.
QString upsertStatement() {
    const QString columns = kStoredColumns.join(QStringLiteral(", "));
    QStringList assignments;
    for (const QString &c : kStoredColumns.mid(1))
        assignments << c + QStringLiteral(" = EXCLUDED.") + c;
    // DISTINCT ON: one batch may name a message twice; ON CONFLICT may touch a row only once.
    // xmax = 0 on the returned row ⇔ the row was inserted, not updated (a well-known PostgreSQL idiom).
    return QStringLiteral(
               "WITH src AS ("
               "  SELECT DISTINCT ON (gmail_message_id) * FROM gsa_email_staging"
               "  ORDER BY gmail_message_id, history_id DESC NULLS LAST"
               "), up AS ("
               "  INSERT INTO emails (tenant_id, %1) SELECT :tenant, %1 FROM src"
               "  ON CONFLICT (tenant_id, gmail_message_id) DO UPDATE SET %2"
               "  WHERE emails.history_id IS DISTINCT FROM EXCLUDED.history_id"
               "     OR emails.labels IS DISTINCT FROM EXCLUDED.labels"
               "     OR emails.gmail_thread_id IS DISTINCT FROM EXCLUDED.gmail_thread_id"
               "     OR emails.snippet IS DISTINCT FROM EXCLUDED.snippet"
               "     OR emails.parse_warnings IS DISTINCT FROM EXCLUDED.parse_warnings"
               "  RETURNING (xmax = 0) AS inserted"
               ") SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up")
        .arg(columns, assignments.join(QStringLiteral(", ")));
}

} // namespace

EmailRepository::EmailRepository(QSqlDatabase db)
    : m_db(std::move(db)) {}

void EmailRepository::appendCopyField(QByteArray &out, const QString &value) {
    const QByteArray utf8 = value.toUtf8();
    out.reserve(out.size() + utf8.size() + 8);
    for (const char c : utf8) {
        switch (c) {
        case '\0':
            break; // PostgreSQL text cannot contain NUL (COPY would reject the whole batch)
        case '\\':
            out.append("\\\\");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\r':
            out.append("\\r");
            break;
        case '\t':
            out.append("\\t");
            break;
        default:
            out.append(c);
        }
    }
}

bool EmailRepository::ensureStaging() {
    QSqlQuery q(m_db);
    // Temporary: private to this session, no WAL. ON COMMIT DELETE ROWS empties it after every batch.
    // Its columns are those of `emails` (kStoredColumns), no constraints.
    if (!q.exec(QStringLiteral("CREATE TEMP TABLE IF NOT EXISTS gsa_email_staging ON COMMIT DELETE ROWS AS"
                               " SELECT %1 FROM emails WITH NO DATA")
                    .arg(kStoredColumns.join(QStringLiteral(", ")))))
        return m_status.sqlFailed(QStringLiteral("creating the staging table"), q.lastError());
    if (!q.exec(QStringLiteral("TRUNCATE gsa_email_staging")))
        return m_status.sqlFailed(QStringLiteral("emptying the staging table"), q.lastError());
    return true;
}

bool EmailRepository::copyRows(const QList<EmailRecord> &records) {
    PGconn *conn = pgConnection(m_db);
    if (!conn)
        return m_status.failed(
            QStringLiteral("bulk insert failed: the connection is not a PostgreSQL connection"));
    const QByteArray command =
        "COPY gsa_email_staging (" + kStoredColumns.join(QStringLiteral(", ")).toLatin1() + ") FROM STDIN";
    PGresult *res = PQexec(conn, command.constData());
    const bool copying = PQresultStatus(res) == PGRES_COPY_IN;
    PQclear(res);
    if (!copying)
        return m_status.failed(QStringLiteral("bulk insert (COPY) failed: %1").arg(pgError(conn)));
    const QString error = finishCopy(conn, sendCopyData(conn, records));
    if (!error.isEmpty())
        return m_status.failed(QStringLiteral("bulk insert (COPY) failed: %1").arg(error));
    return true;
}

std::optional<UpsertCounts> EmailRepository::upsert(const QString &tenantId,
                                                    const QList<EmailRecord> &records) {
    m_status.clear();
    if (records.isEmpty())
        return UpsertCounts{};
    OwnTransaction tx(m_db, pgConnection(m_db));
    if (!ensureStaging() || !copyRows(records))
        return std::nullopt;
    QSqlQuery q(m_db);
    q.prepare(upsertStatement());
    q.bindValue(QStringLiteral(":tenant"), tenantId);
    if (!q.exec() || !q.next()) {
        m_status.sqlFailed(QStringLiteral("storing %1 messages").arg(records.size()), q.lastError());
        return std::nullopt;
    }
    UpsertCounts counts{q.value(0).toLongLong(), q.value(1).toLongLong()};
    q.finish();
    if (!tx.commit()) {
        m_status.sqlFailed(QStringLiteral("committing the stored messages"), m_db.lastError());
        return std::nullopt;
    }
    return counts;
}

std::optional<qint64> EmailRepository::remove(const QString &tenantId, const QStringList &gmailMessageIds) {
    m_status.clear();
    if (gmailMessageIds.isEmpty())
        return 0;
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral(
        "DELETE FROM emails WHERE tenant_id = :tenant AND gmail_message_id = ANY (CAST(:ids AS text[]))"));
    q.bindValue(QStringLiteral(":tenant"), tenantId);
    q.bindValue(QStringLiteral(":ids"), sql::arrayLiteral(gmailMessageIds));
    if (!q.exec()) {
        m_status.sqlFailed(QStringLiteral("removing deleted messages"), q.lastError());
        return std::nullopt;
    }
    return q.numRowsAffected();
}

std::optional<qint64> EmailRepository::applyLabelChanges(const QString &tenantId,
                                                         const QList<LabelChange> &changes) {
    m_status.clear();
    if (changes.isEmpty())
        return 0;
    QJsonArray rows;
    for (const LabelChange &c : changes) {
        rows.append(QJsonObject{{QStringLiteral("id"), c.gmailMessageId},
                                {QStringLiteral("add_labels"), QJsonArray::fromStringList(c.add)},
                                {QStringLiteral("remove_labels"), QJsonArray::fromStringList(c.remove)}});
    }
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("UPDATE emails e SET labels = ARRAY("
                             "    SELECT DISTINCT l FROM unnest(e.labels || c.add_labels) AS l"
                             "    WHERE NOT (l = ANY (c.remove_labels)) ORDER BY l)"
                             "  FROM jsonb_to_recordset(CAST(:changes AS jsonb)) AS c(id text, add_labels "
                             "text[], remove_labels text[])"
                             " WHERE e.tenant_id = :tenant AND e.gmail_message_id = c.id"));
    q.bindValue(QStringLiteral(":changes"),
                QString::fromUtf8(QJsonDocument(rows).toJson(QJsonDocument::Compact)));
    q.bindValue(QStringLiteral(":tenant"), tenantId);
    if (!q.exec()) {
        m_status.sqlFailed(QStringLiteral("updating labels"), q.lastError());
        return std::nullopt;
    }
    return q.numRowsAffected();
}

std::optional<qint64> EmailRepository::removeNotSeenInWindow(const QString &tenantId, const QDateTime &from,
                                                             qint64 jobId) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral(
        "DELETE FROM emails e WHERE e.tenant_id = :tenant AND e.internal_date >= :from"
        " AND NOT EXISTS (SELECT 1 FROM sync_job_seen_ids s"
        "                 WHERE s.job_id = :job AND s.gmail_message_id = e.gmail_message_id)"));
    q.bindValue(QStringLiteral(":tenant"), tenantId);
    q.bindValue(QStringLiteral(":from"), from.toUTC());
    q.bindValue(QStringLiteral(":job"), jobId);
    if (!q.exec()) {
        m_status.sqlFailed(QStringLiteral("removing vanished messages"), q.lastError());
        return std::nullopt;
    }
    return q.numRowsAffected();
}

std::optional<qint64> EmailRepository::count(const QString &tenantId) {
    m_status.clear();
    QSqlQuery q(m_db);
    // Kept by triggers on emails in the same transactions (migration 0005): exact, and O(1).
    q.prepare(QStringLiteral("SELECT coalesce((SELECT email_count FROM tenant_email_counts"
                             "                 WHERE tenant_id = :tenant), 0)"));
    q.bindValue(QStringLiteral(":tenant"), tenantId);
    if (!q.exec() || !q.next()) {
        m_status.sqlFailed(QStringLiteral("counting emails"), q.lastError());
        return std::nullopt;
    }
    return q.value(0).toLongLong();
}

std::optional<QList<EmailRecord>> EmailRepository::readRecords(QSqlQuery &q) {
    if (!q.exec()) {
        m_status.sqlFailed(QStringLiteral("reading emails"), q.lastError());
        return std::nullopt;
    }
    QList<EmailRecord> out;
    while (q.next())
        out.append(readRecord(q));
    return out;
}

std::optional<QList<EmailRecord>> EmailRepository::list(const QString &tenantId, const QString &threadId,
                                                        int limit) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(kReadColumns + QStringLiteral(" WHERE tenant_id = :tenant") +
              (threadId.isEmpty() ? QString() : QStringLiteral(" AND gmail_thread_id = :thread")) +
              QStringLiteral(" ORDER BY internal_date DESC, id DESC LIMIT :limit"));
    if (!threadId.isEmpty())
        q.bindValue(QStringLiteral(":thread"), threadId);
    q.bindValue(QStringLiteral(":tenant"), tenantId);
    q.bindValue(QStringLiteral(":limit"), limit > 0 ? limit : 100);
    return readRecords(q);
}

std::optional<QList<EmailRecord>> EmailRepository::listByAddress(const QString &tenantId,
                                                                 const QString &address, int limit) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    // `@>` and not `= ANY`: only the former can use the GIN indexes (migration 0009).
    q.prepare(kReadColumns + QStringLiteral(" WHERE tenant_id = :tenant AND ("
                                            "   to_addresses @> ARRAY[CAST(:to AS text)]"
                                            "   OR cc_addresses @> ARRAY[CAST(:cc AS text)]"
                                            "   OR bcc_addresses @> ARRAY[CAST(:bcc AS text)]"
                                            "   OR lower(from_address) = :from)"
                                            " ORDER BY internal_date DESC, id DESC LIMIT :limit"));
    const QString bare = MailAddress::parse(address).address;
    q.bindValue(QStringLiteral(":tenant"), tenantId);
    for (const char *name : {":to", ":cc", ":bcc", ":from"})
        q.bindValue(QLatin1String(name), bare);
    q.bindValue(QStringLiteral(":limit"), limit > 0 ? limit : 100);
    return readRecords(q);
}

std::optional<QHash<QString, QStringList>> EmailRepository::labelsById(const QString &tenantId) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral(
        "SELECT gmail_message_id, array_to_json(labels)::text FROM emails WHERE tenant_id = :tenant"));
    q.bindValue(QStringLiteral(":tenant"), tenantId);
    if (!q.exec()) {
        m_status.sqlFailed(QStringLiteral("reading emails"), q.lastError());
        return std::nullopt;
    }
    QHash<QString, QStringList> out;
    while (q.next())
        out.insert(q.value(0).toString(), sql::stringArray(q.value(1)));
    return out;
}

} // namespace db
