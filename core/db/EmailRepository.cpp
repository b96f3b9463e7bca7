#include "db/EmailRepository.h"

#include "db/Database.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDriver>
#include <QSqlQuery>
#include <QVariant>

#include <libpq-fe.h>

namespace db {

namespace {

// The COPY column list and the staging table share this order.
constexpr const char *CopyColumns =
    "gmail_message_id, gmail_thread_id, history_id, subject, from_name, from_address, to_addresses, "
    "cc_addresses, bcc_addresses, reply_to, message_id_header, in_reply_to, references_header, sent_at, "
    "internal_date, labels, snippet, body_html, body_text, attachments, priority, size_estimate, "
    "parse_warnings";

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

void appendNull(QByteArray &out) {
    out.append("\\N");
}

void appendTimestamp(QByteArray &out, const QDateTime &dt) {
    if (!dt.isValid())
        appendNull(out);
    else
        out.append(dt.toUTC().toString(Qt::ISODateWithMs).toLatin1());
}

QDateTime readTimestamp(const QVariant &v) {
    QDateTime dt = v.toDateTime();
    if (dt.isValid())
        dt = dt.toUTC();
    return dt;
}

QStringList readJsonArray(const QVariant &v) {
    QStringList out;
    const QJsonArray a = QJsonDocument::fromJson(v.toString().toUtf8()).array();
    for (const QJsonValue &e : a)
        out << e.toString();
    return out;
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

} // namespace

EmailRepository::EmailRepository(QSqlDatabase db)
    : m_db(std::move(db)) {}

bool EmailRepository::fail(const QString &what, const QString &detail) {
    m_error = what + QStringLiteral(": ") + detail;
    return false;
}

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

QString EmailRepository::arrayLiteral(const QStringList &values) {
    // Array input syntax (PostgreSQL docs 8.15.2): every element double-quoted, \ and " escaped.
    QString out = QStringLiteral("{");
    for (qsizetype i = 0; i < values.size(); ++i) {
        if (i)
            out += QLatin1Char(',');
        QString e = values.at(i);
        e.remove(QChar(0));
        e.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
            .replace(QLatin1Char('"'), QStringLiteral("\\\""));
        out += QLatin1Char('"') + e + QLatin1Char('"');
    }
    return out + QLatin1Char('}');
}

bool EmailRepository::ensureStaging() {
    QSqlQuery q(m_db);
    // Temporary: private to this session, no WAL. ON COMMIT DELETE ROWS empties it after every batch.
    if (!q.exec(QStringLiteral(
            "CREATE TEMP TABLE IF NOT EXISTS gsa_email_staging ("
            " gmail_message_id text, gmail_thread_id text, history_id bigint, subject text, from_name text,"
            " from_address text, to_addresses text[], cc_addresses text[], bcc_addresses text[], reply_to "
            "text,"
            " message_id_header text, in_reply_to text, references_header text, sent_at timestamptz,"
            " internal_date timestamptz, labels text[], snippet text, body_html text, body_text text,"
            " attachments jsonb, priority text, size_estimate integer, parse_warnings text[]"
            ") ON COMMIT DELETE ROWS")))
        return fail(QStringLiteral("cannot create the staging table"),
                    Database::describeError(q.lastError()));
    if (!q.exec(QStringLiteral("TRUNCATE gsa_email_staging")))
        return fail(QStringLiteral("cannot empty the staging table"), Database::describeError(q.lastError()));
    return true;
}

bool EmailRepository::copyRows(const QList<EmailRecord> &records) {
    PGconn *conn = pgConnection(m_db);
    if (!conn)
        return fail(QStringLiteral("bulk insert"),
                    QStringLiteral("the connection is not a PostgreSQL connection"));
    const QByteArray command = QByteArrayLiteral("COPY gsa_email_staging (") + CopyColumns + ") FROM STDIN";
    PGresult *res = PQexec(conn, command.constData());
    const bool copying = PQresultStatus(res) == PGRES_COPY_IN;
    PQclear(res);
    if (!copying)
        return fail(QStringLiteral("bulk insert (COPY)"), pgError(conn));

    QByteArray buf;
    constexpr qsizetype FlushAt = 1 << 20;
    bool sendOk = true;
    for (const EmailRecord &r : records) {
        auto text = [&buf](const QString &s) {
            if (s.isNull())
                appendNull(buf);
            else
                EmailRepository::appendCopyField(buf, s);
            buf.append('\t');
        };
        auto array = [&buf](const QStringList &l) {
            EmailRepository::appendCopyField(buf, arrayLiteral(l));
            buf.append('\t');
        };
        EmailRepository::appendCopyField(buf, r.gmailMessageId);
        buf.append('\t');
        EmailRepository::appendCopyField(buf, r.threadId);
        buf.append('\t');
        if (r.historyId)
            buf.append(QByteArray::number(*r.historyId));
        else
            appendNull(buf);
        buf.append('\t');
        text(r.subject);
        text(r.fromName);
        text(r.fromAddress);
        array(r.to);
        array(r.cc);
        array(r.bcc);
        text(r.replyTo);
        text(r.messageIdHeader);
        text(r.inReplyTo);
        text(r.references);
        appendTimestamp(buf, r.sentAt);
        buf.append('\t');
        appendTimestamp(buf, r.internalDate);
        buf.append('\t');
        array(r.labels);
        text(r.snippet);
        text(r.bodyHtml);
        text(r.bodyText);
        EmailRepository::appendCopyField(
            buf, QString::fromUtf8(r.attachmentsJson.isEmpty() ? "[]" : r.attachmentsJson));
        buf.append('\t');
        EmailRepository::appendCopyField(buf, r.priority);
        buf.append('\t');
        if (r.sizeEstimate)
            buf.append(QByteArray::number(*r.sizeEstimate));
        else
            appendNull(buf);
        buf.append('\t');
        EmailRepository::appendCopyField(buf, arrayLiteral(r.parseWarnings));
        buf.append('\n');
        if (buf.size() >= FlushAt) {
            sendOk = PQputCopyData(conn, buf.constData(), int(buf.size())) == 1;
            buf.clear();
            if (!sendOk)
                break;
        }
    }
    if (sendOk && !buf.isEmpty())
        sendOk = PQputCopyData(conn, buf.constData(), int(buf.size())) == 1;
    if (PQputCopyEnd(conn, sendOk ? nullptr : "client aborted") != 1)
        sendOk = false;
    bool ok = sendOk;
    QString error;
    while ((res = PQgetResult(conn)) != nullptr) {
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            ok = false;
            if (error.isEmpty())
                error =
                    QString::fromUtf8(PQresultErrorMessage(res)).trimmed().section(QLatin1Char('\n'), 0, 0);
        }
        PQclear(res);
    }
    if (!ok)
        return fail(QStringLiteral("bulk insert (COPY)"), error.isEmpty() ? pgError(conn) : error);
    return true;
}

std::optional<UpsertCounts> EmailRepository::upsert(const QString &tenantId,
                                                    const QList<EmailRecord> &records) {
    m_error.clear();
    if (records.isEmpty())
        return UpsertCounts{};
    OwnTransaction tx(m_db, pgConnection(m_db));
    if (!ensureStaging() || !copyRows(records))
        return std::nullopt;
    QSqlQuery q(m_db);
    // DISTINCT ON: one batch may name a message twice; ON CONFLICT may touch a row only once.
    // xmax = 0 on the returned row ⇔ the row was inserted, not updated (a well-known PostgreSQL idiom).
    q.prepare(QStringLiteral(
        "WITH src AS ("
        "  SELECT DISTINCT ON (gmail_message_id) * FROM gsa_email_staging"
        "  ORDER BY gmail_message_id, history_id DESC NULLS LAST"
        "), up AS ("
        "  INSERT INTO emails (tenant_id, gmail_message_id, gmail_thread_id, history_id, subject, from_name,"
        "    from_address, to_addresses, cc_addresses, bcc_addresses, reply_to, message_id_header, "
        "in_reply_to,"
        "    references_header, sent_at, internal_date, labels, snippet, body_html, body_text, attachments,"
        "    priority, size_estimate, parse_warnings)"
        "  SELECT :tenant, gmail_message_id, gmail_thread_id, history_id, subject, from_name, from_address,"
        "    to_addresses, cc_addresses, bcc_addresses, reply_to, message_id_header, in_reply_to,"
        "    references_header, sent_at, internal_date, labels, snippet, body_html, body_text, attachments,"
        "    priority, size_estimate, parse_warnings FROM src"
        "  ON CONFLICT (tenant_id, gmail_message_id) DO UPDATE SET"
        "    gmail_thread_id = EXCLUDED.gmail_thread_id, history_id = EXCLUDED.history_id,"
        "    subject = EXCLUDED.subject, from_name = EXCLUDED.from_name, from_address = "
        "EXCLUDED.from_address,"
        "    to_addresses = EXCLUDED.to_addresses, cc_addresses = EXCLUDED.cc_addresses,"
        "    bcc_addresses = EXCLUDED.bcc_addresses, reply_to = EXCLUDED.reply_to,"
        "    message_id_header = EXCLUDED.message_id_header, in_reply_to = EXCLUDED.in_reply_to,"
        "    references_header = EXCLUDED.references_header, sent_at = EXCLUDED.sent_at,"
        "    internal_date = EXCLUDED.internal_date, labels = EXCLUDED.labels, snippet = EXCLUDED.snippet,"
        "    body_html = EXCLUDED.body_html, body_text = EXCLUDED.body_text,"
        "    attachments = EXCLUDED.attachments, priority = EXCLUDED.priority,"
        "    size_estimate = EXCLUDED.size_estimate, parse_warnings = EXCLUDED.parse_warnings"
        "  WHERE emails.history_id IS DISTINCT FROM EXCLUDED.history_id"
        "     OR emails.labels IS DISTINCT FROM EXCLUDED.labels"
        "     OR emails.gmail_thread_id IS DISTINCT FROM EXCLUDED.gmail_thread_id"
        "     OR emails.snippet IS DISTINCT FROM EXCLUDED.snippet"
        "     OR emails.parse_warnings IS DISTINCT FROM EXCLUDED.parse_warnings"
        "  RETURNING (xmax = 0) AS inserted"
        ") SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up"));
    q.bindValue(QStringLiteral(":tenant"), tenantId);
    if (!q.exec() || !q.next()) {
        fail(QStringLiteral("cannot store %1 messages").arg(records.size()),
             Database::describeError(q.lastError()));
        return std::nullopt;
    }
    UpsertCounts counts{q.value(0).toLongLong(), q.value(1).toLongLong()};
    q.finish();
    if (!tx.commit()) {
        fail(QStringLiteral("cannot commit stored messages"), Database::describeError(m_db.lastError()));
        return std::nullopt;
    }
    return counts;
}

std::optional<qint64> EmailRepository::remove(const QString &tenantId, const QStringList &gmailMessageIds) {
    m_error.clear();
    if (gmailMessageIds.isEmpty())
        return 0;
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral(
        "DELETE FROM emails WHERE tenant_id = :tenant AND gmail_message_id = ANY (CAST(:ids AS text[]))"));
    q.bindValue(QStringLiteral(":tenant"), tenantId);
    q.bindValue(QStringLiteral(":ids"), arrayLiteral(gmailMessageIds));
    if (!q.exec()) {
        fail(QStringLiteral("cannot remove deleted messages"), Database::describeError(q.lastError()));
        return std::nullopt;
    }
    return q.numRowsAffected();
}

std::optional<qint64> EmailRepository::applyLabelChanges(const QString &tenantId,
                                                         const QList<LabelChange> &changes) {
    m_error.clear();
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
        fail(QStringLiteral("cannot update labels"), Database::describeError(q.lastError()));
        return std::nullopt;
    }
    return q.numRowsAffected();
}

std::optional<qint64> EmailRepository::removeNotSeenInWindow(const QString &tenantId, const QDateTime &from,
                                                             qint64 jobId) {
    m_error.clear();
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral(
        "DELETE FROM emails e WHERE e.tenant_id = :tenant AND e.internal_date >= :from"
        " AND NOT EXISTS (SELECT 1 FROM sync_job_seen_ids s"
        "                 WHERE s.job_id = :job AND s.gmail_message_id = e.gmail_message_id)"));
    q.bindValue(QStringLiteral(":tenant"), tenantId);
    q.bindValue(QStringLiteral(":from"), from.toUTC());
    q.bindValue(QStringLiteral(":job"), jobId);
    if (!q.exec()) {
        fail(QStringLiteral("cannot remove vanished messages"), Database::describeError(q.lastError()));
        return std::nullopt;
    }
    return q.numRowsAffected();
}

std::optional<qint64> EmailRepository::count(const QString &tenantId) {
    m_error.clear();
    QSqlQuery q(m_db);
    // Kept by triggers on emails in the same transactions (migration 0005): exact, and O(1).
    q.prepare(QStringLiteral("SELECT coalesce((SELECT email_count FROM tenant_email_counts"
                             "                 WHERE tenant_id = :tenant), 0)"));
    q.bindValue(QStringLiteral(":tenant"), tenantId);
    if (!q.exec() || !q.next()) {
        fail(QStringLiteral("cannot count emails"), Database::describeError(q.lastError()));
        return std::nullopt;
    }
    return q.value(0).toLongLong();
}

std::optional<QList<EmailRecord>> EmailRepository::list(const QString &tenantId, const QString &threadId,
                                                        int limit) {
    m_error.clear();
    // Arrays as JSON text: QPSQL hands text[] over as an unparsed literal.
    static const QString columns = QStringLiteral(
        "SELECT gmail_message_id, gmail_thread_id, history_id, subject, from_name, from_address,"
        " array_to_json(to_addresses)::text, array_to_json(cc_addresses)::text, "
        "array_to_json(bcc_addresses)::text,"
        " reply_to, message_id_header, in_reply_to, references_header, sent_at, internal_date,"
        " array_to_json(labels)::text, snippet, body_html, body_text, attachments::text, priority, "
        "size_estimate,"
        " array_to_json(parse_warnings)::text FROM emails WHERE tenant_id = :tenant");
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (threadId.isEmpty()) {
        q.prepare(columns + QStringLiteral(" ORDER BY internal_date DESC, id DESC LIMIT :limit"));
    } else {
        q.prepare(columns +
                  QStringLiteral(
                      " AND gmail_thread_id = :thread ORDER BY internal_date DESC, id DESC LIMIT :limit"));
        q.bindValue(QStringLiteral(":thread"), threadId);
    }
    q.bindValue(QStringLiteral(":tenant"), tenantId);
    q.bindValue(QStringLiteral(":limit"), limit > 0 ? limit : 100);
    if (!q.exec()) {
        fail(QStringLiteral("cannot read emails"), Database::describeError(q.lastError()));
        return std::nullopt;
    }
    QList<EmailRecord> out;
    while (q.next()) {
        EmailRecord r;
        r.gmailMessageId = q.value(0).toString();
        r.threadId = q.value(1).toString();
        if (!q.value(2).isNull())
            r.historyId = q.value(2).toLongLong();
        r.subject = q.value(3).toString();
        r.fromName = q.value(4).toString();
        r.fromAddress = q.value(5).toString();
        r.to = readJsonArray(q.value(6));
        r.cc = readJsonArray(q.value(7));
        r.bcc = readJsonArray(q.value(8));
        r.replyTo = q.value(9).toString();
        r.messageIdHeader = q.value(10).toString();
        r.inReplyTo = q.value(11).toString();
        r.references = q.value(12).toString();
        r.sentAt = readTimestamp(q.value(13));
        r.internalDate = readTimestamp(q.value(14));
        r.labels = readJsonArray(q.value(15));
        r.snippet = q.value(16).toString();
        r.bodyHtml = q.value(17).isNull() ? QString() : q.value(17).toString();
        r.bodyText = q.value(18).isNull() ? QString() : q.value(18).toString();
        r.attachmentsJson = q.value(19).toString().toUtf8();
        r.priority = q.value(20).toString();
        if (!q.value(21).isNull())
            r.sizeEstimate = q.value(21).toInt();
        r.parseWarnings = readJsonArray(q.value(22));
        out.append(std::move(r));
    }
    return out;
}

std::optional<QHash<QString, QStringList>> EmailRepository::labelsById(const QString &tenantId) {
    m_error.clear();
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral(
        "SELECT gmail_message_id, array_to_json(labels)::text FROM emails WHERE tenant_id = :tenant"));
    q.bindValue(QStringLiteral(":tenant"), tenantId);
    if (!q.exec()) {
        fail(QStringLiteral("cannot read emails"), Database::describeError(q.lastError()));
        return std::nullopt;
    }
    QHash<QString, QStringList> out;
    while (q.next())
        out.insert(q.value(0).toString(), readJsonArray(q.value(1)));
    return out;
}

} // namespace db
