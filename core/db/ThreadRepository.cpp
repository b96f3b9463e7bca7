#include "ThreadRepository.h"

#include "db/Database.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>

namespace db {

namespace {

// Arrays come back as JSON (array_to_json) rather than as QPSQL's unparsed "{a,b}" text.
QStringList stringList(const QVariant &json) {
    QStringList out;
    const QJsonArray array = QJsonDocument::fromJson(json.toString().toUtf8()).array();
    for (const QJsonValue &v : array)
        out.append(v.toString());
    return out;
}

QList<AttachmentInfo> attachmentList(const QVariant &json) {
    QList<AttachmentInfo> out;
    const QJsonArray array = QJsonDocument::fromJson(json.toString().toUtf8()).array();
    for (const QJsonValue &v : array) {
        const QJsonObject o = v.toObject();
        out.append({o.value(QLatin1String("filename")).toString(),
                    o.value(QLatin1String("mimeType")).toString(),
                    o.value(QLatin1String("size")).toVariant().toLongLong()});
    }
    return out;
}

} // namespace

ThreadRepository::ThreadRepository(QSqlDatabase db)
    : m_db(std::move(db)) {}

std::optional<ThreadPage> ThreadRepository::page(const ThreadQuery &query,
                                                 const std::optional<ThreadCursor> &after, int limit) {
    m_error.clear();
    const bool oneTenant = !query.tenantId.isEmpty();
    const bool search = !query.search.trimmed().isEmpty();
    // Only constant fragments are joined; every value is bound.
    QString sql = QStringLiteral(
        "SELECT th.tenant_id, th.gmail_thread_id, th.subject, array_to_json(th.participants)::text,"
        " th.first_date, th.last_date, th.message_count, array_to_json(th.labels)::text, th.snippet,"
        " (extract(epoch FROM th.last_date) * 1000000)::bigint"
        " FROM threads th WHERE true");
    if (oneTenant)
        sql += QStringLiteral(" AND th.tenant_id = :tenant");
    if (after) {
        sql += oneTenant
                   ? QStringLiteral(" AND (th.last_date, th.gmail_thread_id)"
                                    " < (timestamptz 'epoch' + :micros * interval '1 microsecond', :cthread)")
                   : QStringLiteral(" AND (th.last_date, th.tenant_id, th.gmail_thread_id)"
                                    " < (timestamptz 'epoch' + :micros * interval '1 microsecond', :ctenant,"
                                    " :cthread)");
    }
    if (search) {
        // PostgreSQL 15 docs §12.3.2: websearch_to_tsquery never fails on user input. 'simple' matches
        // the configuration emails.search_vector is built with (migration 0001).
        sql +=
            QStringLiteral(" AND (th.tenant_id, th.gmail_thread_id) IN (SELECT e.tenant_id, e.gmail_thread_id"
                           " FROM emails e WHERE e.search_vector @@ websearch_to_tsquery('simple', :search)");
        if (oneTenant)
            sql += QStringLiteral(" AND e.tenant_id = :tenant2");
        sql += QLatin1Char(')');
    }
    sql += QStringLiteral(
        " ORDER BY th.last_date DESC, th.tenant_id DESC, th.gmail_thread_id DESC LIMIT :limit");

    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.prepare(sql)) {
        m_error = QStringLiteral("preparing the thread list failed: %1")
                      .arg(Database::describeError(q.lastError()));
        return std::nullopt;
    }
    if (oneTenant)
        q.bindValue(QStringLiteral(":tenant"), query.tenantId);
    if (after) {
        q.bindValue(QStringLiteral(":micros"), after->lastDateMicros);
        if (!oneTenant)
            q.bindValue(QStringLiteral(":ctenant"), after->tenantId);
        q.bindValue(QStringLiteral(":cthread"), after->threadId);
    }
    if (search) {
        q.bindValue(QStringLiteral(":search"), query.search.trimmed());
        if (oneTenant)
            q.bindValue(QStringLiteral(":tenant2"), query.tenantId);
    }
    // One row more than asked tells whether another page exists.
    q.bindValue(QStringLiteral(":limit"), limit + 1);
    if (!q.exec()) {
        m_error = QStringLiteral("loading threads failed: %1").arg(Database::describeError(q.lastError()));
        return std::nullopt;
    }
    ThreadPage page;
    qint64 lastMicros = 0;
    while (q.next()) {
        if (page.threads.size() == limit) {
            const ThreadSummary &last = page.threads.constLast();
            page.next = ThreadCursor{lastMicros, last.tenantId, last.threadId};
            break;
        }
        ThreadSummary t;
        t.tenantId = q.value(0).toString();
        t.threadId = q.value(1).toString();
        t.subject = q.value(2).toString();
        t.participants = stringList(q.value(3));
        t.firstDate = q.value(4).toDateTime();
        t.lastDate = q.value(5).toDateTime();
        t.messageCount = q.value(6).toInt();
        t.labels = stringList(q.value(7));
        t.snippet = q.value(8).toString();
        lastMicros = q.value(9).toLongLong();
        page.threads.append(t);
    }
    return page;
}

std::optional<QList<ThreadMessage>> ThreadRepository::messages(const QString &tenantId,
                                                               const QString &threadId) {
    m_error.clear();
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral(
        "SELECT id, gmail_message_id, subject, from_name, from_address, array_to_json(to_addresses)::text,"
        " array_to_json(cc_addresses)::text, reply_to, sent_at, internal_date, array_to_json(labels)::text,"
        " body_html, body_text, attachments::text"
        " FROM emails WHERE tenant_id = :tenant AND gmail_thread_id = :thread ORDER BY internal_date, id"));
    q.bindValue(QStringLiteral(":tenant"), tenantId);
    q.bindValue(QStringLiteral(":thread"), threadId);
    if (!q.exec()) {
        m_error = QStringLiteral("loading the thread's messages failed: %1")
                      .arg(Database::describeError(q.lastError()));
        return std::nullopt;
    }
    QList<ThreadMessage> out;
    while (q.next()) {
        ThreadMessage m;
        m.id = q.value(0).toLongLong();
        m.gmailMessageId = q.value(1).toString();
        m.subject = q.value(2).toString();
        m.fromName = q.value(3).toString();
        m.fromAddress = q.value(4).toString();
        m.to = stringList(q.value(5));
        m.cc = stringList(q.value(6));
        m.replyTo = q.value(7).toString();
        m.sentAt = q.value(8).toDateTime();
        m.internalDate = q.value(9).toDateTime();
        m.labels = stringList(q.value(10));
        m.bodyHtml = q.value(11).isNull() ? QString() : q.value(11).toString();
        m.bodyText = q.value(12).toString();
        m.attachments = attachmentList(q.value(13));
        out.append(m);
    }
    return out;
}

} // namespace db
