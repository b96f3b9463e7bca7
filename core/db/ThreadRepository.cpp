#include "ThreadRepository.h"

#include "db/MailAddress.h"
#include "db/SqlValues.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>

namespace db {

namespace {

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

// The thread list's statement; only constant fragments are joined, every value is bound by
// bindPage().
QString pageStatement(bool oneTenant, bool afterCursor, bool search) {
    QString sql = QStringLiteral(
        "SELECT th.tenant_id, th.gmail_thread_id, th.subject, array_to_json(th.participants)::text,"
        " th.first_date, th.last_date, th.message_count, array_to_json(th.labels)::text, th.snippet,"
        " (extract(epoch FROM th.last_date) * 1000000)::bigint"
        " FROM threads th WHERE true");
    if (oneTenant)
        sql += QStringLiteral(" AND th.tenant_id = :tenant");
    if (afterCursor) {
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
    return sql + QStringLiteral(
                     " ORDER BY th.last_date DESC, th.tenant_id DESC, th.gmail_thread_id DESC LIMIT :limit");
}

void bindPage(QSqlQuery &q, const ThreadQuery &query, const std::optional<ThreadCursor> &after, int limit) {
    const bool oneTenant = !query.tenantId.isEmpty();
    if (oneTenant)
        q.bindValue(QStringLiteral(":tenant"), query.tenantId);
    if (after) {
        q.bindValue(QStringLiteral(":micros"), after->lastDateMicros);
        if (!oneTenant)
            q.bindValue(QStringLiteral(":ctenant"), after->tenantId);
        q.bindValue(QStringLiteral(":cthread"), after->threadId);
    }
    if (!query.search.trimmed().isEmpty()) {
        q.bindValue(QStringLiteral(":search"), query.search.trimmed());
        if (oneTenant)
            q.bindValue(QStringLiteral(":tenant2"), query.tenantId);
    }
    // One row more than asked tells whether another page exists.
    q.bindValue(QStringLiteral(":limit"), limit + 1);
}

ThreadSummary readSummary(const QSqlQuery &q) {
    ThreadSummary t;
    t.tenantId = q.value(0).toString();
    t.threadId = q.value(1).toString();
    t.subject = q.value(2).toString();
    t.participants = sql::stringArray(q.value(3));
    t.firstDate = q.value(4).toDateTime();
    t.lastDate = q.value(5).toDateTime();
    t.messageCount = q.value(6).toInt();
    t.labels = sql::stringArray(q.value(7));
    t.snippet = q.value(8).toString();
    return t;
}

QStringList recipients(const QSqlQuery &q, int addressColumn) {
    return MailAddress::displayList(MailAddress::fromColumns(sql::stringArray(q.value(addressColumn)),
                                                             sql::stringArray(q.value(addressColumn + 1))));
}

ThreadMessage readMessage(const QSqlQuery &q) {
    ThreadMessage m;
    m.id = q.value(0).toLongLong();
    m.gmailMessageId = q.value(1).toString();
    m.subject = q.value(2).toString();
    m.fromName = q.value(3).toString();
    m.fromAddress = q.value(4).toString();
    m.to = recipients(q, 5);
    m.cc = recipients(q, 7);
    m.replyTo = q.value(9).toString();
    m.sentAt = q.value(10).toDateTime();
    m.internalDate = q.value(11).toDateTime();
    m.labels = sql::stringArray(q.value(12));
    m.bodyHtml = sql::text(q.value(13));
    m.bodyText = q.value(14).toString();
    m.attachments = attachmentList(q.value(15));
    return m;
}

} // namespace

ThreadRepository::ThreadRepository(QSqlDatabase db)
    : m_db(std::move(db)) {}

std::optional<ThreadPage> ThreadRepository::page(const ThreadQuery &query,
                                                 const std::optional<ThreadCursor> &after, int limit) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.prepare(
            pageStatement(!query.tenantId.isEmpty(), after.has_value(), !query.search.trimmed().isEmpty()))) {
        m_status.sqlFailed(QStringLiteral("preparing the thread list"), q.lastError());
        return std::nullopt;
    }
    bindPage(q, query, after, limit);
    if (!q.exec()) {
        m_status.sqlFailed(QStringLiteral("loading threads"), q.lastError());
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
        page.threads.append(readSummary(q));
        lastMicros = q.value(9).toLongLong();
    }
    return page;
}

std::optional<QList<ThreadMessage>> ThreadRepository::messages(const QString &tenantId,
                                                               const QString &threadId) {
    m_status.clear();
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral(
        "SELECT id, gmail_message_id, subject, from_name, from_address,"
        " array_to_json(to_addresses)::text, array_to_json(to_names)::text,"
        " array_to_json(cc_addresses)::text, array_to_json(cc_names)::text,"
        " reply_to, sent_at, internal_date, array_to_json(labels)::text, body_html, body_text, "
        "attachments::text"
        " FROM emails WHERE tenant_id = :tenant AND gmail_thread_id = :thread ORDER BY internal_date, id"));
    q.bindValue(QStringLiteral(":tenant"), tenantId);
    q.bindValue(QStringLiteral(":thread"), threadId);
    if (!q.exec()) {
        m_status.sqlFailed(QStringLiteral("loading the thread's messages"), q.lastError());
        return std::nullopt;
    }
    QList<ThreadMessage> out;
    while (q.next())
        out.append(readMessage(q));
    return out;
}

} // namespace db
