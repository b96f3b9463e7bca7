// The Gmail v1 routes of a real gmail-sandbox process, through HTTP on 127.0.0.1.

#include "SandboxProcess.h"
#include "TestSandboxUtil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTest>

using namespace sandboxtest;
using testsupport::SandboxProcess;

class TestSandboxGmail final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void unauthenticated();
    void otherUsersMailboxForbidden();
    void profile();
    void listPaging();
    void listHidesSpamAndTrash();
    void queryDates();
    void queryRelative();
    void queryUnsupportedTerm();
    void formats();
    void attachment();
    void thread();
    void unknownMessage();
    void historyPaging();
    void historyTypesAndShape();
    void historyExpired();
    void historyMissingStart();
    void watchAndStop();
    void controlState();

private:
    SandboxProcess::Reply get(const QString &pathAndQuery) {
        return m_sandbox->request("GET", pathAndQuery, {}, bearer(m_token));
    }

    std::unique_ptr<SandboxProcess> m_sandbox;
    QString m_token;
    const QString m_user = QStringLiteral("a@example.com");
};

void TestSandboxGmail::initTestCase() {
    m_sandbox = std::make_unique<SandboxProcess>(
        QStringList{QStringLiteral("--user"), m_user, QStringLiteral("--generate"), QStringLiteral("500"),
                    QStringLiteral("--seed"), QStringLiteral("7")});
    QVERIFY2(m_sandbox->isRunning(), qPrintable(m_sandbox->errorString()));
    m_token = m_sandbox->accessToken(m_user);
    QVERIFY(m_token.startsWith(QStringLiteral("ya29.")));
}

void TestSandboxGmail::unauthenticated() {
    // No token: 401 "required" with WWW-Authenticate; an unknown token: 401 authError invalid_token.
    const auto none = m_sandbox->request("GET", QStringLiteral("/gmail/v1/users/me/profile"));
    QCOMPARE(none.status, 401);
    QVERIFY(isGoogleError(none.json(), 401, QStringLiteral("required"), QStringLiteral("UNAUTHENTICATED")));
    QVERIFY(none.header("WWW-Authenticate").startsWith("Bearer realm="));

    const auto bad = m_sandbox->request("GET", QStringLiteral("/gmail/v1/users/me/profile"), {},
                                        bearer(QStringLiteral("ya29.not-a-token")));
    QCOMPARE(bad.status, 401);
    QVERIFY(isGoogleError(bad.json(), 401, QStringLiteral("authError"), QStringLiteral("UNAUTHENTICATED")));
    QVERIFY(bad.header("WWW-Authenticate").contains("invalid_token"));

    // An expired token is unknown too.
    const QString shortLived = m_sandbox->accessToken(m_user, {}, 1);
    QTest::qWait(1100);
    const auto expired =
        m_sandbox->request("GET", QStringLiteral("/gmail/v1/users/me/profile"), {}, bearer(shortLived));
    QCOMPARE(expired.status, 401);
}

void TestSandboxGmail::otherUsersMailboxForbidden() {
    const auto r = get(QStringLiteral("/gmail/v1/users/someone.else@example.com/profile"));
    QCOMPARE(r.status, 403);
    QVERIFY(isGoogleError(r.json(), 403, QStringLiteral("forbidden"), QStringLiteral("PERMISSION_DENIED")));
    // The own address works like "me".
    QCOMPARE(get(QStringLiteral("/gmail/v1/users/A@Example.com/profile")).status, 200);
}

void TestSandboxGmail::profile() {
    const auto r = get(QStringLiteral("/gmail/v1/users/me/profile"));
    QCOMPARE(r.status, 200);
    const QJsonObject p = r.json();
    QCOMPARE(p.value(QStringLiteral("emailAddress")).toString(), m_user);
    QCOMPARE(p.value(QStringLiteral("messagesTotal")).toInt(), 500);
    QVERIFY(p.value(QStringLiteral("threadsTotal")).toInt() > 0);
    QVERIFY(p.value(QStringLiteral("historyId")).isString()); // int64 as a string, as Google sends it
    QVERIFY(p.value(QStringLiteral("historyId")).toString().toULongLong() >= 500);
}

void TestSandboxGmail::listPaging() {
    // 500 messages, 100 a page: exactly 5 pages, no duplicates, the same set as the mailbox.
    QStringList all;
    QString token;
    int pages = 0;
    do {
        QString path = QStringLiteral("/gmail/v1/users/me/messages?maxResults=100&includeSpamTrash=true");
        if (!token.isEmpty())
            path += QStringLiteral("&pageToken=") + token;
        const auto r = get(path);
        QCOMPARE(r.status, 200);
        const QJsonObject page = r.json();
        QCOMPARE(page.value(QStringLiteral("resultSizeEstimate")).toInt(), 500);
        const QStringList pageIds = ids(page);
        QCOMPARE(pageIds.size(), 100);
        for (const QJsonValue &v : page.value(QStringLiteral("messages")).toArray())
            QVERIFY(!v.toObject().value(QStringLiteral("threadId")).toString().isEmpty());
        all += pageIds;
        token = page.value(QStringLiteral("nextPageToken")).toString();
        ++pages;
        QVERIFY(pages <= 5);
    } while (!token.isEmpty());
    QCOMPARE(pages, 5);
    const QSet<QString> unique(all.cbegin(), all.cend());
    QCOMPARE(unique.size(), 500);

    const QJsonArray state = m_sandbox->control("GET", QStringLiteral("/_sandbox/users/%1/state").arg(m_user))
                                 .object()
                                 .value(QStringLiteral("messages"))
                                 .toArray();
    QStringList stateIds;
    for (const QJsonValue &v : state)
        stateIds.append(v.toObject().value(QStringLiteral("id")).toString());
    QCOMPARE(all, stateIds); // same order too: newest first

    // maxResults above 500 is clamped; a bad page token is refused.
    QCOMPARE(
        ids(get(QStringLiteral("/gmail/v1/users/me/messages?maxResults=900&includeSpamTrash=true")).json())
            .size(),
        500);
    QCOMPARE(get(QStringLiteral("/gmail/v1/users/me/messages?pageToken=garbage")).status, 400);
}

void TestSandboxGmail::listHidesSpamAndTrash() {
    const QJsonArray state = m_sandbox->control("GET", QStringLiteral("/_sandbox/users/%1/state").arg(m_user))
                                 .object()
                                 .value(QStringLiteral("messages"))
                                 .toArray();
    int hidden = 0, inbox = 0;
    for (const QJsonValue &v : state) {
        const QJsonArray labels = v.toObject().value(QStringLiteral("labelIds")).toArray();
        if (labels.contains(QStringLiteral("SPAM")) || labels.contains(QStringLiteral("TRASH")))
            ++hidden;
        else if (labels.contains(QStringLiteral("INBOX")))
            ++inbox;
    }
    QVERIFY2(hidden > 0, "the generator makes some SPAM/TRASH");
    const auto r = get(QStringLiteral("/gmail/v1/users/me/messages?maxResults=500"));
    QCOMPARE(r.json().value(QStringLiteral("resultSizeEstimate")).toInt(), 500 - hidden);
    QCOMPARE(ids(r.json()).size(), 500 - hidden);
    // labelIds: every listed label must be present.
    const auto inboxOnly = get(QStringLiteral("/gmail/v1/users/me/messages?maxResults=500&labelIds=INBOX"));
    QCOMPARE(ids(inboxOnly.json()).size(), inbox);
    const auto spam = get(QStringLiteral("/gmail/v1/users/me/messages?maxResults=500&labelIds=SPAM"));
    QVERIFY(!ids(spam.json()).isEmpty());
}

void TestSandboxGmail::queryDates() {
    const QString user = QStringLiteral("dates@example.com");
    QCOMPARE(m_sandbox->control("POST", QStringLiteral("/_sandbox/users"), {{QStringLiteral("email"), user}})
                 .object()
                 .value(QStringLiteral("email"))
                 .toString(),
             user);
    const QString token = m_sandbox->accessToken(user);
    // Around the Pacific midnight that starts 2024-01-31 (08:00 UTC).
    const QString before =
        addMessage(*m_sandbox, user, rfc822(QStringLiteral("before")), pacificMs(2024, 1, 30, 23, 59))
            .value(QStringLiteral("id"))
            .toString();
    const QString inside =
        addMessage(*m_sandbox, user, rfc822(QStringLiteral("inside")), pacificMs(2024, 1, 31, 0, 1))
            .value(QStringLiteral("id"))
            .toString();
    const QString later =
        addMessage(*m_sandbox, user, rfc822(QStringLiteral("later")), pacificMs(2024, 2, 1, 9, 0))
            .value(QStringLiteral("id"))
            .toString();
    QVERIFY(!before.isEmpty() && !inside.isEmpty() && !later.isEmpty());
    const auto list = [&](const QString &q) {
        const auto r = m_sandbox->request("GET",
                                          QStringLiteral("/gmail/v1/users/me/messages?q=") +
                                              QString::fromLatin1(QUrl::toPercentEncoding(q)),
                                          {}, bearer(token));
        return ids(r.json());
    };
    QCOMPARE(list(QStringLiteral("after:2024/01/31 before:2024/02/01")), QStringList{inside});
    QCOMPARE(list(QStringLiteral("after:2024-01-31")), (QStringList{later, inside}));
    QCOMPARE(list(QStringLiteral("before:2024/01/31")), QStringList{before});
    // Epoch seconds are exact bounds: 2024-01-31T08:00:00Z is Pacific midnight.
    QCOMPARE(list(QStringLiteral("after:1706688000 before:1706774400")), QStringList{inside});
    QCOMPARE(list(QStringLiteral("in:inbox after:2024/01/31 before:2024/02/01")), QStringList{inside});
    // A '+' for a space (form encoding) works as well.
    const auto plus = m_sandbox->request(
        "GET", QStringLiteral("/gmail/v1/users/me/messages?q=after:2024/01/31+before:2024/02/01"), {},
        bearer(token));
    QCOMPARE(ids(plus.json()), QStringList{inside});
}

void TestSandboxGmail::queryRelative() {
    const QString user = QStringLiteral("relative@example.com");
    m_sandbox->control("POST", QStringLiteral("/_sandbox/users"), {{QStringLiteral("email"), user}});
    const QString token = m_sandbox->accessToken(user);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QString recent = addMessage(*m_sandbox, user, rfc822(QStringLiteral("recent")), now - 86400000LL)
                               .value(QStringLiteral("id"))
                               .toString();
    const QString old = addMessage(*m_sandbox, user, rfc822(QStringLiteral("old")), now - 3 * 86400000LL)
                            .value(QStringLiteral("id"))
                            .toString();
    const QString ancient =
        addMessage(*m_sandbox, user, rfc822(QStringLiteral("ancient")), now - 400 * 86400000LL)
            .value(QStringLiteral("id"))
            .toString();
    const auto list = [&](const QString &q) {
        return ids(
            m_sandbox->request("GET", QStringLiteral("/gmail/v1/users/me/messages?q=") + q, {}, bearer(token))
                .json());
    };
    QCOMPARE(list(QStringLiteral("newer_than:2d")), QStringList{recent});
    QCOMPARE(list(QStringLiteral("older_than:2d")), (QStringList{old, ancient}));
    QCOMPARE(list(QStringLiteral("older_than:1y")), QStringList{ancient});
    QCOMPARE(list(QStringLiteral("newer_than:1m")), (QStringList{recent, old}));
}

void TestSandboxGmail::queryUnsupportedTerm() {
    const auto r = get(QStringLiteral("/gmail/v1/users/me/messages?q=from:bob"));
    QCOMPARE(r.status, 400);
    QVERIFY(isGoogleError(r.json(), 400, QStringLiteral("badRequest"), QStringLiteral("INVALID_ARGUMENT")));
}

void TestSandboxGmail::formats() {
    const QString user = QStringLiteral("formats@example.com");
    m_sandbox->control("POST", QStringLiteral("/_sandbox/users"), {{QStringLiteral("email"), user}});
    const QString token = m_sandbox->accessToken(user);
    const QByteArray raw = rfc822(QStringLiteral("Format check"), "<fmt-1@example.com>");
    const QJsonObject added = addMessage(*m_sandbox, user, raw, pacificMs(2024, 3, 1, 10, 0),
                                         {QStringLiteral("INBOX"), QStringLiteral("UNREAD")});
    const QString id = added.value(QStringLiteral("id")).toString();
    const auto fetch = [&](const QString &query) {
        const auto r = m_sandbox->request("GET", QStringLiteral("/gmail/v1/users/me/messages/") + id + query,
                                          {}, bearer(token));
        return std::make_pair(r.status, r.json());
    };

    const auto [rawStatus, rawJson] = fetch(QStringLiteral("?format=raw"));
    QCOMPARE(rawStatus, 200);
    QCOMPARE(rawJson.value(QStringLiteral("id")).toString(), id);
    QCOMPARE(fromBase64Url(rawJson.value(QStringLiteral("raw")).toString()), raw);
    QCOMPARE(rawJson.value(QStringLiteral("internalDate")).toString(),
             QString::number(pacificMs(2024, 3, 1, 10, 0)));
    QVERIFY(!rawJson.contains(QStringLiteral("payload")));

    const auto [minStatus, minimal] = fetch(QStringLiteral("?format=minimal"));
    QCOMPARE(minStatus, 200);
    QCOMPARE(minimal.value(QStringLiteral("labelIds")).toArray(),
             (QJsonArray{QStringLiteral("INBOX"), QStringLiteral("UNREAD")}));
    QVERIFY(!minimal.contains(QStringLiteral("payload")) && !minimal.contains(QStringLiteral("raw")));
    QCOMPARE(minimal.value(QStringLiteral("historyId")).toString(),
             added.value(QStringLiteral("historyId")).toString());

    const auto [metaStatus, meta] = fetch(QStringLiteral("?format=metadata&metadataHeaders=Subject"));
    QCOMPARE(metaStatus, 200);
    const QJsonArray headers =
        meta.value(QStringLiteral("payload")).toObject().value(QStringLiteral("headers")).toArray();
    QCOMPARE(headers.size(), 1);
    QCOMPARE(headers.first().toObject().value(QStringLiteral("value")).toString(),
             QStringLiteral("Format check"));

    const auto [fullStatus, full] = fetch(QString()); // full is the default
    QCOMPARE(fullStatus, 200);
    QCOMPARE(full.value(QStringLiteral("payload")).toObject().value(QStringLiteral("mimeType")).toString(),
             QStringLiteral("text/plain"));

    QCOMPARE(fetch(QStringLiteral("?format=bogus")).first, 400);
}

void TestSandboxGmail::attachment() {
    const QString user = QStringLiteral("attach@example.com");
    m_sandbox->control("POST", QStringLiteral("/_sandbox/users"), {{QStringLiteral("email"), user}});
    const QString token = m_sandbox->accessToken(user);
    const QByteArray content = QByteArray("attachment bytes \x01\x02\xff end", 24);
    const QByteArray raw =
        "From: a@example.com\r\nTo: b@example.com\r\nSubject: with file\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=\"XYZ\"\r\n\r\n"
        "--XYZ\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n"
        "--XYZ\r\nContent-Type: application/octet-stream\r\n"
        "Content-Disposition: attachment; filename=\"data.bin\"\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n" +
        content.toBase64() + "\r\n--XYZ--\r\n";
    const QString id = addMessage(*m_sandbox, user, raw, pacificMs(2024, 3, 2, 10, 0))
                           .value(QStringLiteral("id"))
                           .toString();
    const auto full =
        m_sandbox->request("GET", QStringLiteral("/gmail/v1/users/me/messages/") + id, {}, bearer(token));
    QCOMPARE(full.status, 200);
    QString attachmentId;
    for (const QJsonValue &part :
         full.json().value(QStringLiteral("payload")).toObject().value(QStringLiteral("parts")).toArray()) {
        const QJsonObject body = part.toObject().value(QStringLiteral("body")).toObject();
        if (body.contains(QStringLiteral("attachmentId")))
            attachmentId = body.value(QStringLiteral("attachmentId")).toString();
    }
    QVERIFY2(!attachmentId.isEmpty(), full.body.constData());
    const auto a = m_sandbox->request(
        "GET", QStringLiteral("/gmail/v1/users/me/messages/%1/attachments/%2").arg(id, attachmentId), {},
        bearer(token));
    QCOMPARE(a.status, 200);
    QCOMPARE(a.json().value(QStringLiteral("size")).toInt(), content.size());
    QCOMPARE(fromBase64Url(a.json().value(QStringLiteral("data")).toString()), content);
    const auto missing = m_sandbox->request(
        "GET", QStringLiteral("/gmail/v1/users/me/messages/%1/attachments/nope").arg(id), {}, bearer(token));
    QCOMPARE(missing.status, 404);
}

void TestSandboxGmail::thread() {
    const QString user = QStringLiteral("thread@example.com");
    m_sandbox->control("POST", QStringLiteral("/_sandbox/users"), {{QStringLiteral("email"), user}});
    const QString token = m_sandbox->accessToken(user);
    const QJsonObject first = addMessage(
        *m_sandbox, user, rfc822(QStringLiteral("Plans"), "<t1@example.com>"), pacificMs(2024, 4, 1, 9, 0));
    const QJsonObject reply = addMessage(
        *m_sandbox, user, rfc822(QStringLiteral("Re: Plans"), "<t2@example.com>", "<t1@example.com>"),
        pacificMs(2024, 4, 1, 10, 0));
    const QString threadId = first.value(QStringLiteral("threadId")).toString();
    QCOMPARE(reply.value(QStringLiteral("threadId")).toString(), threadId);
    const auto r = m_sandbox->request(
        "GET", QStringLiteral("/gmail/v1/users/me/threads/%1?format=minimal").arg(threadId), {},
        bearer(token));
    QCOMPARE(r.status, 200);
    const QJsonObject t = r.json();
    QCOMPARE(t.value(QStringLiteral("id")).toString(), threadId);
    QCOMPARE(t.value(QStringLiteral("historyId")).toString(),
             reply.value(QStringLiteral("historyId")).toString());
    QCOMPARE(ids(t), (QStringList{first.value(QStringLiteral("id")).toString(),
                                  reply.value(QStringLiteral("id")).toString()}));
    QCOMPARE(
        m_sandbox
            ->request("GET", QStringLiteral("/gmail/v1/users/me/threads/ffffffffffffffff"), {}, bearer(token))
            .status,
        404);
}

void TestSandboxGmail::unknownMessage() {
    const auto r = get(QStringLiteral("/gmail/v1/users/me/messages/0000000000000000"));
    QCOMPARE(r.status, 404);
    const QJsonObject e = r.json().value(QStringLiteral("error")).toObject();
    QCOMPARE(e.value(QStringLiteral("message")).toString(),
             QStringLiteral("Requested entity was not found."));
    QVERIFY(isGoogleError(r.json(), 404, QStringLiteral("notFound"), QStringLiteral("NOT_FOUND")));
    QCOMPARE(e.value(QStringLiteral("errors"))
                 .toArray()
                 .first()
                 .toObject()
                 .value(QStringLiteral("domain"))
                 .toString(),
             QStringLiteral("global"));
}

void TestSandboxGmail::historyPaging() {
    // Generation recorded one messageAdded per message: 500 records over 5 pages of 100.
    QStringList seen;
    QString token;
    int pages = 0;
    quint64 lastId = 0;
    do {
        QString path = QStringLiteral("/gmail/v1/users/me/history?startHistoryId=1&maxResults=100");
        if (!token.isEmpty())
            path += QStringLiteral("&pageToken=") + token;
        const auto r = get(path);
        QCOMPARE(r.status, 200);
        const QJsonObject page = r.json();
        QVERIFY(page.value(QStringLiteral("historyId")).toString().toULongLong() >= 501);
        const QJsonArray history = page.value(QStringLiteral("history")).toArray();
        QVERIFY(history.size() <= 100);
        for (const QJsonValue &v : history) {
            const quint64 id = v.toObject().value(QStringLiteral("id")).toString().toULongLong();
            QVERIFY(id > lastId); // ascending, no repeats across pages
            lastId = id;
            for (const QJsonValue &a : v.toObject().value(QStringLiteral("messagesAdded")).toArray())
                seen.append(a.toObject()
                                .value(QStringLiteral("message"))
                                .toObject()
                                .value(QStringLiteral("id"))
                                .toString());
        }
        token = page.value(QStringLiteral("nextPageToken")).toString();
        ++pages;
        QVERIFY(pages <= 10);
    } while (!token.isEmpty());
    QCOMPARE(pages, 5);
    QCOMPARE(QSet<QString>(seen.cbegin(), seen.cend()).size(), 500);
}

void TestSandboxGmail::historyTypesAndShape() {
    const QString user = QStringLiteral("history@example.com");
    m_sandbox->control("POST", QStringLiteral("/_sandbox/users"), {{QStringLiteral("email"), user}});
    const QString token = m_sandbox->accessToken(user);
    const auto startId =
        m_sandbox->request("GET", QStringLiteral("/gmail/v1/users/me/profile"), {}, bearer(token))
            .json()
            .value(QStringLiteral("historyId"))
            .toString();
    const QJsonObject m =
        addMessage(*m_sandbox, user, rfc822(QStringLiteral("h")), pacificMs(2024, 5, 1, 9, 0));
    const QString id = m.value(QStringLiteral("id")).toString();
    QCOMPARE(m_sandbox
                 ->control("POST", QStringLiteral("/_sandbox/users/%1/messages/%2/modify").arg(user, id),
                           {{QStringLiteral("addLabelIds"), QJsonArray{QStringLiteral("TRASH")}},
                            {QStringLiteral("removeLabelIds"), QJsonArray{QStringLiteral("INBOX")}}})
                 .object()
                 .value(QStringLiteral("labelIds"))
                 .toArray(),
             QJsonArray{QStringLiteral("TRASH")});
    int status = 0;
    m_sandbox->control("DELETE", QStringLiteral("/_sandbox/users/%1/messages/%2").arg(user, id), {}, &status);
    QCOMPARE(status, 200);

    const auto all = m_sandbox->request(
        "GET", QStringLiteral("/gmail/v1/users/me/history?startHistoryId=") + startId, {}, bearer(token));
    QCOMPARE(all.status, 200);
    const QJsonArray history = all.json().value(QStringLiteral("history")).toArray();
    QStringList kinds;
    for (const QJsonValue &v : history) {
        const QJsonObject h = v.toObject();
        QCOMPARE(h.value(QStringLiteral("messages"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QStringLiteral("id"))
                     .toString(),
                 id);
        for (const QString &k : {QStringLiteral("messagesAdded"), QStringLiteral("labelsAdded"),
                                 QStringLiteral("labelsRemoved"), QStringLiteral("messagesDeleted")}) {
            if (h.contains(k))
                kinds.append(k);
        }
        if (h.contains(QStringLiteral("labelsAdded"))) {
            const QJsonObject la = h.value(QStringLiteral("labelsAdded")).toArray().first().toObject();
            QCOMPARE(la.value(QStringLiteral("labelIds")).toArray(), QJsonArray{QStringLiteral("TRASH")});
            QCOMPARE(la.value(QStringLiteral("message")).toObject().value(QStringLiteral("id")).toString(),
                     id);
        }
    }
    QVERIFY(kinds.contains(QStringLiteral("messagesAdded")));
    QVERIFY(kinds.contains(QStringLiteral("labelsAdded")));
    QVERIFY(kinds.contains(QStringLiteral("labelsRemoved")));
    QCOMPARE(kinds.last(), QStringLiteral("messagesDeleted"));

    // historyTypes filters: only the deletion.
    const auto deleted = m_sandbox->request(
        "GET",
        QStringLiteral("/gmail/v1/users/me/history?historyTypes=messageDeleted&startHistoryId=") + startId,
        {}, bearer(token));
    const QJsonArray only = deleted.json().value(QStringLiteral("history")).toArray();
    QCOMPARE(only.size(), 1);
    QVERIFY(only.first().toObject().contains(QStringLiteral("messagesDeleted")));
    QVERIFY(!only.first().toObject().contains(QStringLiteral("messagesAdded")));

    // Nothing new since the current id: no "history" member, historyId still there.
    const QString current = deleted.json().value(QStringLiteral("historyId")).toString();
    const auto none = m_sandbox->request(
        "GET", QStringLiteral("/gmail/v1/users/me/history?startHistoryId=") + current, {}, bearer(token));
    QCOMPARE(none.status, 200);
    QVERIFY(!none.json().contains(QStringLiteral("history")));
    QCOMPARE(none.json().value(QStringLiteral("historyId")).toString(), current);
}

void TestSandboxGmail::historyExpired() {
    const QString user = QStringLiteral("expire@example.com");
    m_sandbox->control("POST", QStringLiteral("/_sandbox/users"), {{QStringLiteral("email"), user}});
    const QString token = m_sandbox->accessToken(user);
    const QString start =
        m_sandbox->request("GET", QStringLiteral("/gmail/v1/users/me/profile"), {}, bearer(token))
            .json()
            .value(QStringLiteral("historyId"))
            .toString();
    addMessage(*m_sandbox, user, rfc822(QStringLiteral("one")), pacificMs(2024, 6, 1, 9, 0));
    const QString path = QStringLiteral("/gmail/v1/users/me/history?startHistoryId=") + start;
    QCOMPARE(m_sandbox->request("GET", path, {}, bearer(token)).status, 200);

    const QJsonObject expired =
        m_sandbox->control("POST", QStringLiteral("/_sandbox/users/%1/expire-history").arg(user)).object();
    const QString current = expired.value(QStringLiteral("historyId")).toString();
    const auto r = m_sandbox->request("GET", path, {}, bearer(token));
    QCOMPARE(r.status, 404);
    QVERIFY(isGoogleError(r.json(), 404, QStringLiteral("notFound"), QStringLiteral("NOT_FOUND")));
    // From the current id on nothing is missing.
    QCOMPARE(m_sandbox
                 ->request("GET", QStringLiteral("/gmail/v1/users/me/history?startHistoryId=") + current, {},
                           bearer(token))
                 .status,
             200);
}

void TestSandboxGmail::historyMissingStart() {
    const auto r = get(QStringLiteral("/gmail/v1/users/me/history"));
    QCOMPARE(r.status, 400);
    QVERIFY(
        isGoogleError(r.json(), 400, QStringLiteral("invalidArgument"), QStringLiteral("INVALID_ARGUMENT")));
}

void TestSandboxGmail::watchAndStop() {
    const QByteArray body =
        R"({"topicName":"projects/demo/topics/gmail","labelIds":["INBOX"],"labelFilterBehavior":"INCLUDE"})";
    const auto w =
        m_sandbox->request("POST", QStringLiteral("/gmail/v1/users/me/watch"), body, bearer(m_token));
    QCOMPARE(w.status, 200);
    const qint64 expiration = w.json().value(QStringLiteral("expiration")).toString().toLongLong();
    const qint64 week = 7LL * 24 * 3600 * 1000;
    QVERIFY(qAbs(expiration - (QDateTime::currentMSecsSinceEpoch() + week)) < 60000);
    QVERIFY(w.json().value(QStringLiteral("historyId")).toString().toULongLong() > 0);
    const QJsonArray watches = m_sandbox->control("GET", QStringLiteral("/_sandbox/watches"))
                                   .object()
                                   .value(QStringLiteral("watches"))
                                   .toArray();
    QCOMPARE(watches.size(), 1);
    QCOMPARE(watches.first().toObject().value(QStringLiteral("topicName")).toString(),
             QStringLiteral("projects/demo/topics/gmail"));

    QCOMPARE(m_sandbox
                 ->request("POST", QStringLiteral("/gmail/v1/users/me/watch"), R"({"topicName":"nope"})",
                           bearer(m_token))
                 .status,
             400);
    const auto s = m_sandbox->request("POST", QStringLiteral("/gmail/v1/users/me/stop"), {}, bearer(m_token));
    QCOMPARE(s.status, 204);
    QVERIFY(m_sandbox->control("GET", QStringLiteral("/_sandbox/watches"))
                .object()
                .value(QStringLiteral("watches"))
                .toArray()
                .isEmpty());
}

void TestSandboxGmail::controlState() {
    int status = 0;
    m_sandbox->control("GET", QStringLiteral("/_sandbox/users/nobody@example.com/state"), {}, &status);
    QCOMPARE(status, 404);
    const QJsonObject stats = m_sandbox->control("GET", QStringLiteral("/_sandbox/stats")).object();
    QVERIFY(
        stats.value(QStringLiteral("requests")).toObject().value(QStringLiteral("messages.list")).toInt() >=
        5);
    QVERIFY(stats.value(QStringLiteral("unitsUsed")).toObject().value(m_user).toInt() > 0);
}

QTEST_GUILESS_MAIN(TestSandboxGmail)
#include "TestSandboxGmail.moc"
