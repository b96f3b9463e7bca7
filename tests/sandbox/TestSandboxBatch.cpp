// The batch endpoint of a real gmail-sandbox process (developers.google.com/gmail/api/guides/batch),
// and the throughput figures of messages.get and of 100-call batches.

#include "SandboxProcess.h"
#include "TestSandboxUtil.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace sandboxtest;
using testsupport::SandboxProcess;

namespace {

struct BatchPart {
    QByteArray contentId;
    int status = 0;
    QByteArray contentType;
    QByteArray body;
};

// Splits a multipart/mixed batch answer into its application/http parts.
QList<BatchPart> parseBatch(const SandboxProcess::Reply &reply, QString *error) {
    QList<BatchPart> parts;
    const QByteArray contentType = reply.header("Content-Type");
    const qsizetype at = contentType.indexOf("boundary=");
    if (!contentType.startsWith("multipart/mixed") || at < 0) {
        *error = QStringLiteral("not multipart/mixed: ") + QString::fromLatin1(contentType);
        return parts;
    }
    const QByteArray delimiter = "--" + contentType.mid(at + 9);
    const QList<QByteArray> chunks = reply.body.split('\n');
    // Re-join into entities at delimiter lines.
    QList<QByteArray> entities;
    QByteArray current;
    bool inPart = false;
    bool closed = false;
    for (const QByteArray &rawLine : chunks) {
        const QByteArray line = rawLine.endsWith('\r') ? rawLine.chopped(1) : rawLine;
        if (line == delimiter || line == delimiter + "--") {
            if (inPart)
                entities.append(current.endsWith("\r\n") ? current.chopped(2) : current);
            current.clear();
            inPart = line == delimiter;
            closed = line != delimiter;
            continue;
        }
        if (inPart)
            current += rawLine + '\n';
    }
    if (!closed) {
        *error = QStringLiteral("no closing delimiter");
        return parts;
    }
    for (const QByteArray &entity : entities) {
        BatchPart part;
        const qsizetype headEnd = entity.indexOf("\r\n\r\n");
        const QList<QByteArray> mimeHeaders = entity.left(headEnd).split('\n');
        for (const QByteArray &h : mimeHeaders) {
            if (h.toLower().startsWith("content-id:"))
                part.contentId = h.mid(11).trimmed();
        }
        const QByteArray http = entity.mid(headEnd + 4);
        const qsizetype httpHeadEnd = http.indexOf("\r\n\r\n");
        const QList<QByteArray> lines = http.left(httpHeadEnd).split('\n');
        const QList<QByteArray> statusLine = lines.value(0).trimmed().split(' ');
        if (statusLine.value(0) != "HTTP/1.1") {
            *error = QStringLiteral("part without status line: ") + QString::fromLatin1(http.left(80));
            return {};
        }
        part.status = statusLine.value(1).toInt();
        qsizetype length = -1;
        for (const QByteArray &h : lines) {
            if (h.toLower().startsWith("content-type:"))
                part.contentType = h.mid(13).trimmed();
            if (h.toLower().startsWith("content-length:"))
                length = h.mid(15).trimmed().toLongLong();
        }
        part.body = http.mid(httpHeadEnd + 4);
        if (length != part.body.size()) {
            *error = QStringLiteral("Content-Length %1 but %2 bytes").arg(length).arg(part.body.size());
            return {};
        }
        parts.append(part);
    }
    return parts;
}

QByteArray batchBody(const QByteArray &boundary, const QStringList &ids,
                     const QByteArray &extraPartHeader = {}, int extraIndex = -1) {
    QByteArray body;
    for (qsizetype i = 0; i < ids.size(); ++i) {
        body += "--" + boundary + "\r\nContent-Type: application/http\r\nContent-ID: <item" +
                QByteArray::number(i) + ">\r\n\r\nGET /gmail/v1/users/me/messages/" + ids[i].toLatin1() +
                "?format=raw\r\n";
        if (i == extraIndex)
            body += extraPartHeader + "\r\n";
        body += "\r\n";
    }
    body += "--" + boundary + "--\r\n";
    return body;
}

} // namespace

class TestSandboxBatch final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void hundredCalls();
    void partsFailOnTheirOwn();
    void tooManyCalls();
    void notMultipart();
    void throughput();

private:
    SandboxProcess::Reply postBatch(const QByteArray &body, const QByteArray &boundary = "batch_test",
                                    const QString &path = QStringLiteral("/batch/gmail/v1")) {
        auto headers = bearer(m_token);
        headers.append({"Content-Type", "multipart/mixed; boundary=" + boundary});
        return m_sandbox->request("POST", path, body, headers);
    }

    std::unique_ptr<SandboxProcess> m_sandbox;
    QString m_token;
    QStringList m_ids;
    const QString m_user = QStringLiteral("batch@example.com");
};

void TestSandboxBatch::initTestCase() {
    m_sandbox = std::make_unique<SandboxProcess>(
        QStringList{QStringLiteral("--user"), m_user, QStringLiteral("--generate"), QStringLiteral("300")});
    QVERIFY2(m_sandbox->isRunning(), qPrintable(m_sandbox->errorString()));
    m_token = m_sandbox->accessToken(m_user);
    const QJsonArray state = m_sandbox->control("GET", QStringLiteral("/_sandbox/users/%1/state").arg(m_user))
                                 .object()
                                 .value(QStringLiteral("messages"))
                                 .toArray();
    for (const QJsonValue &v : state)
        m_ids.append(v.toObject().value(QStringLiteral("id")).toString());
    QCOMPARE(m_ids.size(), 300);
}

void TestSandboxBatch::hundredCalls() {
    const QStringList ids = m_ids.mid(0, 100);
    for (const QString &path : {QStringLiteral("/batch/gmail/v1"), QStringLiteral("/batch")}) {
        const auto reply = postBatch(batchBody("batch_test", ids), "batch_test", path);
        QCOMPARE(reply.status, 200);
        QVERIFY(reply.header("Content-Type").startsWith("multipart/mixed; boundary=batch_"));
        QString error;
        const QList<BatchPart> parts = parseBatch(reply, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(parts.size(), 100);
        for (int i = 0; i < 100; ++i) {
            // In request order, each tagged with "response-" + the request's Content-ID.
            QCOMPARE(parts[i].contentId, "<response-item" + QByteArray::number(i) + '>');
            QCOMPARE(parts[i].status, 200);
            QVERIFY(parts[i].contentType.startsWith("application/json"));
            const QJsonObject m = QJsonDocument::fromJson(parts[i].body).object();
            QCOMPARE(m.value(QStringLiteral("id")).toString(), ids[i]);
            QVERIFY(!m.value(QStringLiteral("raw")).toString().isEmpty());
        }
    }
    // A batch of n calls counts n requests and 5n units.
    const QJsonObject stats = m_sandbox->control("GET", QStringLiteral("/_sandbox/stats")).object();
    QCOMPARE(stats.value(QStringLiteral("requests")).toObject().value(QStringLiteral("messages.get")).toInt(),
             200);
    QCOMPARE(stats.value(QStringLiteral("requests")).toObject().value(QStringLiteral("batch")).toInt(), 2);
    QCOMPARE(stats.value(QStringLiteral("unitsUsed")).toObject().value(m_user).toInt(), 1000);
}

void TestSandboxBatch::partsFailOnTheirOwn() {
    // Part 1 names no message (404); part 2 overrides the outer Authorization with a bad token (401).
    QStringList ids = m_ids.mid(0, 4);
    ids[1] = QStringLiteral("0000000000000000");
    const auto reply = postBatch(batchBody("b2", ids, "Authorization: Bearer ya29.wrong", 2), "b2");
    QCOMPARE(reply.status, 200);
    QString error;
    const QList<BatchPart> parts = parseBatch(reply, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(parts.size(), 4);
    QCOMPARE(parts[0].status, 200);
    QCOMPARE(parts[1].status, 404);
    QVERIFY(isGoogleError(QJsonDocument::fromJson(parts[1].body).object(), 404, QStringLiteral("notFound"),
                          QStringLiteral("NOT_FOUND")));
    QCOMPARE(parts[2].status, 401);
    QCOMPARE(parts[3].status, 200);

    // Without an outer token every part is unauthenticated on its own.
    const auto anonymous =
        m_sandbox->request("POST", QStringLiteral("/batch/gmail/v1"), batchBody("b3", m_ids.mid(0, 2)),
                           {{"Content-Type", "multipart/mixed; boundary=b3"}});
    QCOMPARE(anonymous.status, 200);
    const QList<BatchPart> unauth = parseBatch(anonymous, &error);
    QCOMPARE(unauth.size(), 2);
    QCOMPARE(unauth[0].status, 401);
    QCOMPARE(unauth[1].status, 401);
}

void TestSandboxBatch::tooManyCalls() {
    const QStringList ids = m_ids.mid(0, 101);
    const auto reply = postBatch(batchBody("b4", ids), "b4");
    QCOMPARE(reply.status, 400);
    QVERIFY(
        isGoogleError(reply.json(), 400, QStringLiteral("badRequest"), QStringLiteral("INVALID_ARGUMENT")));
    QVERIFY(reply.json()
                .value(QStringLiteral("error"))
                .toObject()
                .value(QStringLiteral("message"))
                .toString()
                .contains(QStringLiteral("100")));
}

void TestSandboxBatch::notMultipart() {
    const auto reply = m_sandbox->request("POST", QStringLiteral("/batch/gmail/v1"), "{}",
                                          {{"Content-Type", "application/json"}});
    QCOMPARE(reply.status, 400);
}

void TestSandboxBatch::throughput() {
    // Figures for the report: messages.get (format=raw) one after another on one keep-alive connection,
    // and 100-call batches. The floors are far below what the sandbox does even on a loaded machine.
    QElapsedTimer timer;
    timer.start();
    int gets = 0;
    while (timer.elapsed() < 2000) {
        const auto r = m_sandbox->request(
            "GET", QStringLiteral("/gmail/v1/users/me/messages/%1?format=raw").arg(m_ids[gets % 300]), {},
            bearer(m_token));
        QCOMPARE(r.status, 200);
        ++gets;
    }
    const double getRate = gets * 1000.0 / double(timer.elapsed());

    timer.restart();
    int batches = 0;
    const QByteArray body = batchBody("bperf", m_ids.mid(100, 100));
    while (timer.elapsed() < 3000) {
        const auto r = postBatch(body, "bperf");
        QCOMPARE(r.status, 200);
        ++batches;
    }
    const double batchRate = batches * 1000.0 / double(timer.elapsed());
    qInfo("THROUGHPUT messages.get format=raw, one keep-alive connection: %.0f requests/s", getRate);
    qInfo("THROUGHPUT 100-call batches of messages.get format=raw: %.1f batches/s = %.0f messages/s",
          batchRate, batchRate * 100);
    QVERIFY(getRate > 100);
    QVERIFY(batchRate * 100 > 300);
}

QTEST_GUILESS_MAIN(TestSandboxBatch)
#include "TestSandboxBatch.moc"
