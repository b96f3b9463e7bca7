// gmail::GmailClient against a real HTTP server on 127.0.0.1 (FakeGmailServer, QHttpServer) that
// scripts exact fault sequences, plus a raw TCP server for dropped connections and silence.
#include "FakeGmailServer.h"

#include "common/AccessTokenProvider.h"
#include "gmail/GmailClient.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <atomic>

using gmail::ApiError;
using gmail::FetchResult;
using gmail::GmailClient;
using gmail::GmailClientSettings;
using namespace std::chrono_literals;

namespace {

// Counts forced refreshes; the token changes on each refresh so tests can see which was sent.
class CountingTokenProvider final : public common::AccessTokenProvider {
public:
    std::optional<QString> accessToken(bool forceRefresh, QString *error, bool *permanent) override {
        if (permanentFailure) {
            *error = QStringLiteral("invalid_grant: re-authorize");
            *permanent = true;
            return std::nullopt;
        }
        if (forceRefresh)
            ++forcedRefreshes;
        return QStringLiteral("tok-%1").arg(forcedRefreshes.load());
    }
    std::atomic_int forcedRefreshes{0};
    bool permanentFailure = false;
};

GmailClientSettings fastSettings(const QUrl &base) {
    GmailClientSettings s;
    s.baseUrl = base;
    s.backoffBase = 5ms; // keep the retry tests fast; the policy is the same
    s.backoffCap = 50ms;
    s.requestTimeout = 5000ms;
    return s;
}

FakeGmailServer::Answer status(int code, const QString &reason = {},
                               QList<QPair<QByteArray, QByteArray>> headers = {}) {
    FakeGmailServer::Answer a;
    a.status = code;
    a.reason = reason;
    a.headers = std::move(headers);
    return a;
}

// A bare HTTP/1.1 server: the first `badConnections` connections get `badAnswer` (then close), or
// nothing at all when badAnswer is empty; later ones get a good profile answer.
class RawServer final : public QObject {
public:
    RawServer(int badConnections, QByteArray badAnswer)
        : m_bad(badConnections)
        , m_badAnswer(std::move(badAnswer)) {
        m_server.listen(QHostAddress::LocalHost, 0);
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                const bool bad = connections++ < m_bad;
                QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket, bad] {
                    m_buffer[socket] += socket->readAll();
                    if (!m_buffer[socket].contains("\r\n\r\n"))
                        return;
                    if (bad && m_badAnswer.isEmpty())
                        return; // silence: the client must time out
                    if (bad) {
                        socket->write(m_badAnswer);
                        socket->flush();
                        socket->disconnectFromHost();
                        return;
                    }
                    const QByteArray body = R"({"emailAddress":"raw@example.com","historyId":"5"})";
                    socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                                  QByteArray::number(body.size()) + "\r\n\r\n" + body);
                    socket->flush();
                    m_buffer[socket].clear();
                });
            }
        });
    }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort())); }
    int connections = 0;

private:
    QTcpServer m_server;
    int m_bad;
    QByteArray m_badAnswer;
    QHash<QTcpSocket *, QByteArray> m_buffer;
};

} // namespace

class TestGmailClient final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void profileReadsFieldsAndSendsBearer();
    void retries429ThenSucceeds();
    void honoursRetryAfter();
    void honoursRetryAfterInGmailsMessage();
    void rateLimitReasonsOn403AreRetriedOthersAreNot();
    void givesUpAfterThreeRetriesWithClearMessage();
    void refreshesTokenOnceOn401();
    void permanentTokenErrorFailsAtOnce();
    void truncatedJsonIsRetried();
    void droppedConnectionIsRetried();
    void silentServerTimesOutAndIsRetried();
    void listMessagesEncodesQuery();
    void batchFetchesAllInOneRequest();
    void rawInEitherBase64AlphabetIsDecoded();
    void serverWithoutBatchEndpointGetsSingleRequests();
    void innerBatchFailuresAreRetriedAlone();
    void outerBatchFailureRetriesTheWholeBatch();
    void innerFailureThatNeverHealsIsReportedNotDropped();
    void historyRecordsAndTooOld();
    void watchAndStop();
    void cancelAbortsALongWait();
    void pacerSpacesRequests();
    void rateLimitsDoNotUseTheRetryBudget();
    void rateLimitedForTooLongFails();
    void innerRateLimitsDoNotUseTheRetryBudget();
    void profileSetsTheCosts();
    void tooLargeMessageFailsAloneWithoutRetries();
    void tooLargePartInABatchFailsAlone();
    void timeoutsShrinkTheBatch();
};

void TestGmailClient::profileReadsFieldsAndSendsBearer() {
    FakeGmailServer server;
    CountingTokenProvider tokens;
    GmailClient client(fastSettings(server.baseUrl()), &tokens);
    const auto p = client.profile();
    QVERIFY2(p, qPrintable(client.errorString()));
    QCOMPARE(p->emailAddress, QStringLiteral("a@example.com"));
    QCOMPARE(p->historyId, 123456u);
    QCOMPARE(p->messagesTotal, 100);
    QCOMPARE(server.seen().size(), 1);
    QCOMPARE(server.seen().first().authorization, QByteArray("Bearer tok-0"));
}

void TestGmailClient::retries429ThenSucceeds() {
    FakeGmailServer server;
    server.script(QStringLiteral("profile"), {status(429, QStringLiteral("rateLimitExceeded"))});
    CountingTokenProvider tokens;
    GmailClient client(fastSettings(server.baseUrl()), &tokens);
    QVERIFY2(client.profile(), qPrintable(client.errorString()));
    QCOMPARE(server.count(QStringLiteral("profile")), 2);
    QCOMPARE(client.stats().retries, 0); // a rate-limit answer waits its turn again: no retry used
    QCOMPARE(client.stats().rateLimited, 1);
}

void TestGmailClient::honoursRetryAfter() {
    FakeGmailServer server;
    server.script(QStringLiteral("profile"), {status(503, {}, {{"Retry-After", "1"}})});
    CountingTokenProvider tokens;
    GmailClient client(fastSettings(server.baseUrl()), &tokens); // backoff alone would be ≤ 50 ms
    QElapsedTimer timer;
    timer.start();
    QVERIFY2(client.profile(), qPrintable(client.errorString()));
    QVERIFY2(timer.elapsed() >= 950, qPrintable(QString::number(timer.elapsed())));
    QVERIFY(timer.elapsed() < 6000);
    QCOMPARE(server.count(QStringLiteral("profile")), 2);

    // RFC 9110 §10.2.3: Retry-After may also be an HTTP-date (IMF-fixdate, always GMT).
    const QDateTime when = QDateTime::currentDateTimeUtc().addSecs(2);
    const QByteArray httpDate =
        QLocale::c().toString(when, QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'")).toLatin1();
    server.script(QStringLiteral("profile"), {status(429, {}, {{"Retry-After", httpDate}})});
    timer.restart();
    QVERIFY2(client.profile(), qPrintable(client.errorString()));
    QVERIFY2(timer.elapsed() >= 900,
             qPrintable(QString::number(timer.elapsed()))); // ≥ 1 s: second granularity
    QVERIFY(timer.elapsed() < 6000);
}

void TestGmailClient::honoursRetryAfterInGmailsMessage() {
    // Gmail's per-user rate limit: no header, the time is in the message (RFC 3339, UTC).
    const QString when =
        QDateTime::currentDateTimeUtc().addMSecs(1500).toString(Qt::ISODateWithMs); // "…T…:…:….123Z"
    FakeGmailServer::Answer limited = status(429);
    limited.body = R"({"error":{"code":429,"message":"User-rate limit exceeded.  Retry after )" +
                   when.toLatin1() +
                   R"(","errors":[{"message":"User-rate limit exceeded.","domain":"usageLimits",)"
                   R"("reason":"rateLimitExceeded"}],"status":"RESOURCE_EXHAUSTED"}})";
    FakeGmailServer server;
    server.script(QStringLiteral("profile"), {limited});
    CountingTokenProvider tokens;
    GmailClient client(fastSettings(server.baseUrl()), &tokens); // backoff alone would be ≤ 50 ms
    QElapsedTimer timer;
    timer.start();
    QVERIFY2(client.profile(), qPrintable(client.errorString()));
    QVERIFY2(timer.elapsed() >= 1300, qPrintable(QString::number(timer.elapsed())));
    QVERIFY(timer.elapsed() < 6000);
    QCOMPARE(server.count(QStringLiteral("profile")), 2);
}

void TestGmailClient::rateLimitReasonsOn403AreRetriedOthersAreNot() {
    FakeGmailServer server;
    server.script(QStringLiteral("profile"), {status(403, QStringLiteral("userRateLimitExceeded")),
                                              status(403, QStringLiteral("rateLimitExceeded"))});
    CountingTokenProvider tokens;
    GmailClient client(fastSettings(server.baseUrl()), &tokens);
    QVERIFY2(client.profile(), qPrintable(client.errorString()));
    QCOMPARE(server.count(QStringLiteral("profile")), 3);

    server.script(QStringLiteral("profile"), {status(403, QStringLiteral("insufficientPermissions"))});
    QVERIFY(!client.profile());
    QCOMPARE(server.count(QStringLiteral("profile")), 4); // not retried
    QCOMPARE(client.lastError().httpStatus, 403);
    QCOMPARE(client.lastError().reason, QStringLiteral("insufficientPermissions"));
    QCOMPARE(client.lastError().status, QStringLiteral("PERMISSION_DENIED"));
    QCOMPARE(client.lastError().domain, QStringLiteral("usageLimits"));

    // 400 (Qt reports it as a "protocol" error) is Gmail refusing the request: never retried.
    server.script(QStringLiteral("profile"), {status(400, QStringLiteral("invalidArgument"))});
    QVERIFY(!client.profile());
    QCOMPARE(server.count(QStringLiteral("profile")), 5);
    QCOMPARE(client.lastError().kind, ApiError::Kind::Http);
    QCOMPARE(client.lastError().httpStatus, 400);
    QCOMPARE(client.lastError().reason, QStringLiteral("invalidArgument"));
    QCOMPARE(client.lastError().retries, 0);
    QCOMPARE(client.lastError().message, QStringLiteral("scripted failure"));
}

void TestGmailClient::givesUpAfterThreeRetriesWithClearMessage() {
    FakeGmailServer server;
    server.script(QStringLiteral("profile"),
                  {status(503), status(503), status(503), status(503), status(503)});
    CountingTokenProvider tokens;
    GmailClient client(fastSettings(server.baseUrl()), &tokens);
    QVERIFY(!client.profile());
    QCOMPARE(server.count(QStringLiteral("profile")), 4); // 1 + 3 retries
    QCOMPARE(client.lastError().kind, ApiError::Kind::Http);
    QCOMPARE(client.lastError().httpStatus, 503);
    QCOMPARE(client.lastError().retries, 3);
    const QString message = client.errorString();
    QVERIFY2(message.contains(QStringLiteral("HTTP 503")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("users.getProfile GET /gmail/v1/users/me/profile")),
             qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("after 3 retries")), qPrintable(message));
    QVERIFY2(!message.contains(QStringLiteral("tok-")), qPrintable(message));
}

void TestGmailClient::refreshesTokenOnceOn401() {
    FakeGmailServer server;
    server.script(QStringLiteral("profile"), {status(401)});
    CountingTokenProvider tokens;
    GmailClient client(fastSettings(server.baseUrl()), &tokens);
    QVERIFY2(client.profile(), qPrintable(client.errorString()));
    QCOMPARE(tokens.forcedRefreshes.load(), 1);
    QCOMPARE(server.seen().at(0).authorization, QByteArray("Bearer tok-0"));
    QCOMPARE(server.seen().at(1).authorization, QByteArray("Bearer tok-1"));

    server.script(QStringLiteral("profile"), {status(401), status(401), status(401)});
    QVERIFY(!client.profile());
    QCOMPARE(tokens.forcedRefreshes.load(), 2); // one refresh for this call, then give up
    QCOMPARE(server.count(QStringLiteral("profile")), 4);
    QCOMPARE(client.lastError().httpStatus, 401);
}

void TestGmailClient::permanentTokenErrorFailsAtOnce() {
    FakeGmailServer server;
    CountingTokenProvider tokens;
    tokens.permanentFailure = true;
    GmailClient client(fastSettings(server.baseUrl()), &tokens);
    QVERIFY(!client.profile());
    QCOMPARE(client.lastError().kind, ApiError::Kind::AuthPermanent);
    QCOMPARE(server.seen().size(), 0);
    QVERIFY(client.errorString().contains(QStringLiteral("re-authorize")));

    QStringList ids;
    for (int i = 0; i < 120; ++i)
        ids.append(QStringLiteral("m%1").arg(i % 100) + QString(i >= 100 ? QStringLiteral("x") : QString()));
    const QList<FetchResult> results = client.getMessagesRaw(ids);
    QCOMPARE(results.size(), 120);
    for (const FetchResult &r : results) {
        QCOMPARE(r.status, FetchResult::Status::Failed);
        QVERIFY2(r.error.contains(QStringLiteral("re-authorize")), qPrintable(r.error));
    }
    QCOMPARE(server.seen().size(), 0);
    QCOMPARE(client.lastError().kind, ApiError::Kind::AuthPermanent);
}

void TestGmailClient::truncatedJsonIsRetried() {
    FakeGmailServer server;
    FakeGmailServer::Answer cut;
    cut.body = R"({"emailAddress":"a@exa)";
    server.script(QStringLiteral("profile"), {cut});
    CountingTokenProvider tokens;
    GmailClient client(fastSettings(server.baseUrl()), &tokens);
    const auto p = client.profile();
    QVERIFY2(p, qPrintable(client.errorString()));
    QCOMPARE(p->emailAddress, QStringLiteral("a@example.com"));
    QCOMPARE(server.count(QStringLiteral("profile")), 2);
}

void TestGmailClient::droppedConnectionIsRetried() {
    // Content-Length promises 200 bytes, 12 arrive, then the connection closes.
    RawServer raw(
        2, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"emailAddre");
    CountingTokenProvider tokens;
    GmailClient client(fastSettings(raw.url()), &tokens);
    const auto p = client.profile();
    QVERIFY2(p, qPrintable(client.errorString()));
    QCOMPARE(p->emailAddress, QStringLiteral("raw@example.com"));
    QCOMPARE(raw.connections, 3);
    QCOMPARE(client.stats().retries, 2);
}

void TestGmailClient::silentServerTimesOutAndIsRetried() {
    RawServer raw(1, {});
    CountingTokenProvider tokens;
    GmailClientSettings s = fastSettings(raw.url());
    s.requestTimeout = 300ms;
    GmailClient client(s, &tokens);
    QElapsedTimer timer;
    timer.start();
    QVERIFY2(client.profile(), qPrintable(client.errorString()));
    QVERIFY(timer.elapsed() >= 290);
    QCOMPARE(client.stats().retries, 1);

    RawServer mute(10, {});
    GmailClientSettings m = fastSettings(mute.url());
    m.requestTimeout = 100ms;
    GmailClient client2(m, &tokens);
    QVERIFY(!client2.profile());
    QCOMPARE(client2.lastError().kind, ApiError::Kind::Timeout);
    QVERIFY(client2.errorString().contains(QStringLiteral("timed out")));
}

void TestGmailClient::listMessagesEncodesQuery() {
    FakeGmailServer server;
    CountingTokenProvider tokens;
    GmailClient client(fastSettings(server.baseUrl()), &tokens);
    const auto page = client.listMessages(QStringLiteral("after:1706659200 subject:(a+b c)"),
                                          {QStringLiteral("INBOX"), QStringLiteral("Label_1")}, true,
                                          QStringLiteral("tok/en=="), 100);
    QVERIFY2(page, qPrintable(client.errorString()));
    QCOMPARE(page->messages.size(), 2);
    QCOMPARE(page->messages.at(1).id, QStringLiteral("m2"));
    QCOMPARE(page->messages.at(1).threadId, QStringLiteral("t1"));
    QCOMPARE(page->nextPageToken, QStringLiteral("page-2"));
    QCOMPARE(page->resultSizeEstimate, 2);
    const QUrlQuery query(server.seen().first().url);
    QCOMPARE(query.queryItemValue(QStringLiteral("q"), QUrl::FullyDecoded),
             QStringLiteral("after:1706659200 subject:(a+b c)")); // '+' must survive as '+'
    QCOMPARE(query.allQueryItemValues(QStringLiteral("labelIds")),
             (QStringList{QStringLiteral("INBOX"), QStringLiteral("Label_1")}));
    QCOMPARE(query.queryItemValue(QStringLiteral("includeSpamTrash")), QStringLiteral("true"));
    QCOMPARE(query.queryItemValue(QStringLiteral("pageToken"), QUrl::FullyDecoded),
             QStringLiteral("tok/en=="));
    QCOMPARE(query.queryItemValue(QStringLiteral("maxResults")), QStringLiteral("100"));
}

void TestGmailClient::batchFetchesAllInOneRequest() {
    FakeGmailServer server;
    CountingTokenProvider tokens;
    GmailClient client(fastSettings(server.baseUrl()), &tokens);
    QStringList ids;
    for (int i = 0; i < 60; ++i)
        ids.append(QStringLiteral("m%1").arg(i));
    const QList<FetchResult> results = client.getMessagesRaw(ids);
    QCOMPARE(results.size(), 60);
    QCOMPARE(server.batchSizes(), (QList<int>{50, 10}));
    for (int i = 0; i < 60; ++i) {
        QCOMPARE(results.at(i).id, ids.at(i));
        QCOMPARE(results.at(i).status, FetchResult::Status::Ok);
        QCOMPARE(results.at(i).message.raw, FakeGmailServer::rawMessageFor(ids.at(i)));
    }
    const auto &m = results.first().message;
    QCOMPARE(m.threadId, QStringLiteral("t-m0"));
    QCOMPARE(m.labelIds, (QStringList{QStringLiteral("INBOX"), QStringLiteral("UNREAD")}));
    QCOMPARE(m.historyId, 1001u);
    QCOMPARE(m.internalDate, 1699950000000);
    QCOMPARE(m.sizeEstimate, 64);
    QCOMPARE(m.snippet, QStringLiteral("Body of m0"));
    QCOMPARE(server.seen().first().authorization, QByteArray("Bearer tok-0"));
}

void TestGmailClient::rawInEitherBase64AlphabetIsDecoded() {
    FakeGmailServer server;
    CountingTokenProvider tokens;
    GmailClient client(fastSettings(server.baseUrl()), &tokens);
    const QStringList ids{QStringLiteral("m1"), QStringLiteral("std1")};
    QVERIFY(FakeGmailServer::rawMessageFor(ids.at(1)).toBase64().contains('+'));
    const QList<FetchResult> results = client.getMessagesRaw(ids);
    QCOMPARE(results.size(), 2);
    for (int i = 0; i < 2; ++i) {
        QCOMPARE(results.at(i).status, FetchResult::Status::Ok);
        QCOMPARE(results.at(i).message.raw, FakeGmailServer::rawMessageFor(ids.at(i)));
    }
}

void TestGmailClient::serverWithoutBatchEndpointGetsSingleRequests() {
    FakeGmailServer server;
    server.script(QStringLiteral("batch"), {status(404)});
    CountingTokenProvider tokens;
    GmailClient client(fastSettings(server.baseUrl()), &tokens);
    const QStringList ids{QStringLiteral("m1"), QStringLiteral("m2"), QStringLiteral("gone"),
                          QStringLiteral("m4")};
    QList<FetchResult> results = client.getMessagesRaw(ids);
    QCOMPARE(results.size(), 4);
    QCOMPARE(results.at(0).status, FetchResult::Status::Ok);
    QCOMPARE(results.at(0).message.raw, FakeGmailServer::rawMessageFor(ids.at(0)));
    QCOMPARE(results.at(2).status, FetchResult::Status::NotFound);
    QCOMPARE(results.at(3).status, FetchResult::Status::Ok);
    // Once known, the client does not try the batch endpoint again.
    results = client.getMessagesRaw({QStringLiteral("m5"), QStringLiteral("m6")});
    QCOMPARE(results.at(1).status, FetchResult::Status::Ok);
    QCOMPARE(server.count(QStringLiteral("batch")), 1);
    QCOMPARE(server.count(QStringLiteral("message:m6")), 1);
}

void TestGmailClient::innerBatchFailuresAreRetriedAlone() {
    FakeGmailServer server;
    server.script(QStringLiteral("message:m2"), {status(429, QStringLiteral("rateLimitExceeded"))});
    server.script(QStringLiteral("message:m3"), {status(500)});
    CountingTokenProvider tokens;
    GmailClient client(fastSettings(server.baseUrl()), &tokens);
    const QStringList ids{QStringLiteral("m1"), QStringLiteral("m2"), QStringLiteral("m3"),
                          QStringLiteral("gone"), QStringLiteral("m5")};
    const QList<FetchResult> results = client.getMessagesRaw(ids);
    QCOMPARE(results.size(), 5);
    QCOMPARE(results.at(0).status, FetchResult::Status::Ok);
    QCOMPARE(results.at(1).status, FetchResult::Status::Ok); // retried after the inner 429
    QCOMPARE(results.at(1).message.raw, FakeGmailServer::rawMessageFor(QStringLiteral("m2")));
    QCOMPARE(results.at(2).status, FetchResult::Status::Ok); // retried after the inner 500
    QCOMPARE(results.at(3).status, FetchResult::Status::NotFound);
    QCOMPARE(results.at(4).status, FetchResult::Status::Ok);
    // The whole batch once, then only the two failed parts (not the batch again).
    QCOMPARE(server.batchSizes(), (QList<int>{5, 2}));
    QCOMPARE(server.count(QStringLiteral("message:m1")), 1);
    QCOMPARE(server.count(QStringLiteral("message:m2")), 2);
    QCOMPARE(server.count(QStringLiteral("message:m3")), 2);
    QCOMPARE(client.currentBatchSize(), 25); // halved after an inner 429
    QCOMPARE(client.stats().innerRetries, 2);
}

void TestGmailClient::outerBatchFailureRetriesTheWholeBatch() {
    FakeGmailServer server;
    server.script(QStringLiteral("batch"), {status(503), status(401)});
    CountingTokenProvider tokens;
    GmailClient client(fastSettings(server.baseUrl()), &tokens);
    const QList<FetchResult> results =
        client.getMessagesRaw({QStringLiteral("m1"), QStringLiteral("m2"), QStringLiteral("m3")});
    for (const FetchResult &r : results)
        QCOMPARE(r.status, FetchResult::Status::Ok);
    QCOMPARE(server.batchSizes(), (QList<int>{3, 3, 3})); // 503 → retried; 401 → refreshed token
    QCOMPARE(tokens.forcedRefreshes.load(), 1);
    QCOMPARE(server.seen().last().authorization, QByteArray("Bearer tok-1"));
}

void TestGmailClient::innerFailureThatNeverHealsIsReportedNotDropped() {
    FakeGmailServer server;
    QList<FakeGmailServer::Answer> always503;
    for (int i = 0; i < 10; ++i)
        always503.append(status(503));
    server.script(QStringLiteral("message:m7"), always503);
    CountingTokenProvider tokens;
    GmailClient client(fastSettings(server.baseUrl()), &tokens);
    const QList<FetchResult> results = client.getMessagesRaw({QStringLiteral("m6"), QStringLiteral("m7")});
    QCOMPARE(results.at(0).status, FetchResult::Status::Ok);
    QCOMPARE(results.at(1).status, FetchResult::Status::Failed);
    QVERIFY2(results.at(1).error.contains(QStringLiteral("HTTP 503")), qPrintable(results.at(1).error));
    QVERIFY2(results.at(1).error.contains(QStringLiteral("/messages/m7")), qPrintable(results.at(1).error));
    QVERIFY2(results.at(1).error.contains(QStringLiteral("after 3 retries")),
             qPrintable(results.at(1).error));
    // At most 3 retries per id in all: once in the batch, then alone as a GET with the 2 retries left.
    QCOMPARE(server.count(QStringLiteral("message:m7")), 4);
}

void TestGmailClient::historyRecordsAndTooOld() {
    FakeGmailServer server;
    FakeGmailServer::Answer history;
    history.body = R"({"history":[
        {"id":"1002","messages":[{"id":"m1","threadId":"t1"}],
         "messagesAdded":[{"message":{"id":"m1","threadId":"t1","labelIds":["INBOX","UNREAD"]}}]},
        {"id":"1003","messages":[{"id":"m2","threadId":"t2"}],
         "labelsAdded":[{"message":{"id":"m2","threadId":"t2","labelIds":["TRASH"]},"labelIds":["TRASH"]}],
         "labelsRemoved":[{"message":{"id":"m2","threadId":"t2","labelIds":["TRASH"]},"labelIds":["INBOX"]}]},
        {"id":"1004","messagesDeleted":[{"message":{"id":"m3","threadId":"t3"}}]}],
        "nextPageToken":"np","historyId":"1010"})";
    server.script(QStringLiteral("history"), {history, status(404)});
    CountingTokenProvider tokens;
    GmailClient client(fastSettings(server.baseUrl()), &tokens);
    const auto page =
        client.listHistory(1000, {QStringLiteral("messageAdded"), QStringLiteral("labelAdded")});
    QVERIFY2(page, qPrintable(client.errorString()));
    QVERIFY(!page->historyTooOld);
    QCOMPARE(page->history.size(), 3);
    QCOMPARE(page->historyId, 1010u);
    QCOMPARE(page->nextPageToken, QStringLiteral("np"));
    QCOMPARE(page->history.at(0).id, 1002u);
    QCOMPARE(page->history.at(0).messagesAdded.first().labelIds,
             (QStringList{QStringLiteral("INBOX"), QStringLiteral("UNREAD")}));
    QCOMPARE(page->history.at(1).labelsAdded.first().labelIds, QStringList{QStringLiteral("TRASH")});
    QCOMPARE(page->history.at(1).labelsRemoved.first().message.id, QStringLiteral("m2"));
    QCOMPARE(page->history.at(1).labelsRemoved.first().labelIds, QStringList{QStringLiteral("INBOX")});
    QCOMPARE(page->history.at(2).messagesDeleted.first().id, QStringLiteral("m3"));
    const QUrlQuery query(server.seen().first().url);
    QCOMPARE(query.queryItemValue(QStringLiteral("startHistoryId")), QStringLiteral("1000"));
    QCOMPARE(query.allQueryItemValues(QStringLiteral("historyTypes")),
             (QStringList{QStringLiteral("messageAdded"), QStringLiteral("labelAdded")}));

    const auto tooOld = client.listHistory(5);
    QVERIFY(tooOld);
    QVERIFY(tooOld->historyTooOld);
    QCOMPARE(server.count(QStringLiteral("history")), 2); // a 404 is an answer, not retried
}

void TestGmailClient::watchAndStop() {
    FakeGmailServer server;
    CountingTokenProvider tokens;
    GmailClient client(fastSettings(server.baseUrl()), &tokens);
    const auto w = client.watch(QStringLiteral("projects/p/topics/gmail"), {QStringLiteral("INBOX")});
    QVERIFY2(w, qPrintable(client.errorString()));
    QCOMPARE(w->historyId, 777u);
    QCOMPARE(w->expiration, 1700000000000);
    const QJsonObject body = QJsonDocument::fromJson(server.seen().first().body).object();
    QCOMPARE(body.value(QStringLiteral("topicName")).toString(), QStringLiteral("projects/p/topics/gmail"));
    QCOMPARE(body.value(QStringLiteral("labelIds")).toArray().first().toString(), QStringLiteral("INBOX"));
    QVERIFY(client.stop());
    QCOMPARE(server.count(QStringLiteral("stop")), 1);
}

void TestGmailClient::cancelAbortsALongWait() {
    FakeGmailServer server;
    server.script(QStringLiteral("profile"), {status(429, {}, {{"Retry-After", "30"}})});
    CountingTokenProvider tokens;
    GmailClient client(fastSettings(server.baseUrl()), &tokens);
    std::atomic_bool stopFlag{false};
    client.setCancelFlag(&stopFlag);
    QTimer::singleShot(200, &client, [&stopFlag] { stopFlag = true; });
    QElapsedTimer timer;
    timer.start();
    QVERIFY(!client.profile());
    QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed()))); // not the 30 s
    QCOMPARE(client.lastError().kind, ApiError::Kind::Cancelled);
}

void TestGmailClient::pacerSpacesRequests() {
    FakeGmailServer server;
    CountingTokenProvider tokens;
    GmailClientSettings s = fastSettings(server.baseUrl());
    s.pacer = std::make_shared<gmail::QuotaPacer>(gmail::QuotaPacerSettings{200.0, 5.0, 2});
    GmailClient client(s, &tokens);
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < 20; ++i) // 20 × messages.list (5 units) = 100 units at 200 units/s
        QVERIFY(client.listMessages());
    // (100 − 5 burst) / 200 = 0.475 s at least.
    QVERIFY2(timer.elapsed() >= 450, qPrintable(QString::number(timer.elapsed())));
    QVERIFY2(timer.elapsed() < 6000, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(s.pacer->unitsReserved(), 100);
}

void TestGmailClient::rateLimitsDoNotUseTheRetryBudget() {
    // issue 10: a rate-limit answer is not a failure of the request; only server errors, timeouts and
    // broken answers count against maxRetries.
    FakeGmailServer server;
    QList<FakeGmailServer::Answer> answers;
    for (int i = 0; i < 6; ++i)
        answers.append(
            status(i % 2 ? 429 : 403, QStringLiteral("userRateLimitExceeded"), {{"Retry-After", "0"}}));
    answers.append(status(500));
    server.script(QStringLiteral("profile"), answers);
    CountingTokenProvider tokens;
    GmailClientSettings s = fastSettings(server.baseUrl());
    s.maxRetries = 1;
    s.pacer = std::make_shared<gmail::QuotaPacer>(gmail::QuotaPacerSettings{1000.0, 50.0, 2});
    GmailClient client(s, &tokens);
    QVERIFY2(client.profile(), qPrintable(client.errorString()));
    QCOMPARE(server.count(QStringLiteral("profile")), 8);
    QCOMPARE(client.stats().rateLimited, 6);
    QCOMPARE(client.stats().retries, 1); // the 500
    // Refusals that name no quota time slow the pacer when three come in a row (here twice).
    QCOMPARE(s.pacer->decreases(), 2);
    QVERIFY(qAbs(s.pacer->currentRate() - 1000.0 * 0.7 * 0.7) < 1.0);
}

void TestGmailClient::rateLimitedForTooLongFails() {
    FakeGmailServer server;
    QList<FakeGmailServer::Answer> answers;
    for (int i = 0; i < 5000; ++i)
        answers.append(status(429, QStringLiteral("rateLimitExceeded"), {{"Retry-After", "0"}}));
    server.script(QStringLiteral("profile"), answers);
    CountingTokenProvider tokens;
    GmailClientSettings s = fastSettings(server.baseUrl());
    s.rateLimitCap = 300ms;
    GmailClient client(s, &tokens);
    QElapsedTimer timer;
    timer.start();
    QVERIFY(!client.profile());
    QVERIFY(timer.elapsed() >= 300);
    QCOMPARE(client.lastError().kind, ApiError::Kind::Http);
    QCOMPARE(client.lastError().httpStatus, 429);
    QVERIFY2(client.errorString().contains(QLatin1String("rate-limited without a break")),
             qPrintable(client.errorString()));
    QVERIFY(server.count(QStringLiteral("profile")) > 4); // far more than maxRetries + 1
}

void TestGmailClient::innerRateLimitsDoNotUseTheRetryBudget() {
    FakeGmailServer server;
    QList<FakeGmailServer::Answer> limited;
    for (int i = 0; i < 4; ++i)
        limited.append(status(429, QStringLiteral("rateLimitExceeded"), {{"Retry-After", "0"}}));
    server.script(QStringLiteral("message:m2"), limited);
    server.script(QStringLiteral("message:m3"),
                  {status(500), status(429, QStringLiteral("rateLimitExceeded"))});
    CountingTokenProvider tokens;
    GmailClientSettings s = fastSettings(server.baseUrl());
    s.maxRetries = 1;
    s.maxBatchSize = 4;
    GmailClient client(s, &tokens);
    const QStringList ids{QStringLiteral("m1"), QStringLiteral("m2"), QStringLiteral("m3"),
                          QStringLiteral("m4")};
    const QList<FetchResult> results = client.getMessagesRaw(ids);
    QCOMPARE(results.size(), 4);
    for (const FetchResult &r : results)
        QVERIFY2(r.status == FetchResult::Status::Ok, qPrintable(r.id + QLatin1String(": ") + r.error));
    QCOMPARE(server.count(QStringLiteral("message:m2")), 5); // four refusals, then the answer
    QCOMPARE(client.stats().rateLimited, 5);
}

void TestGmailClient::profileSetsTheCosts() {
    FakeGmailServer server;
    CountingTokenProvider tokens;
    GmailClientSettings s = fastSettings(server.baseUrl());
    s.pacer = std::make_shared<gmail::QuotaPacer>(gmail::QuotaPacerSettings{100000.0, 50.0, 2});
    s.quota = *gmail::QuotaProfile::fromName(QStringLiteral("2026"));
    GmailClient client(s, &tokens);
    QCOMPARE(client.getMessagesRaw({QStringLiteral("m1"), QStringLiteral("m2"), QStringLiteral("m3")}).size(),
             3);
    QCOMPARE(s.pacer->unitsReserved(), 60); // 3 × messages.get at 20
    s.quota = *gmail::QuotaProfile::resolve(QStringLiteral("legacy"), 0, 0, QStringLiteral("history.list=7"),
                                            nullptr);
    s.pacer = std::make_shared<gmail::QuotaPacer>(gmail::QuotaPacerSettings{100000.0, 50.0, 2});
    GmailClient legacy(s, &tokens);
    QCOMPARE(legacy.getMessagesRaw({QStringLiteral("m1"), QStringLiteral("m2")}).size(), 2);
    QVERIFY(legacy.listHistory(5).has_value());
    QCOMPARE(s.pacer->unitsReserved(), 2 * 5 + 7);
}

void TestGmailClient::tooLargeMessageFailsAloneWithoutRetries() {
    FakeGmailServer server;
    FakeGmailServer::Answer big;
    big.body = R"({"id":"m1","threadId":"t1","raw":")" + QByteArray(50000, 'A') + R"("})";
    server.script(QStringLiteral("message:m1"), {big, big, big, big});
    CountingTokenProvider tokens;
    GmailClientSettings s = fastSettings(server.baseUrl());
    s.maxMessageBytes = 10000;
    GmailClient client(s, &tokens);
    const QList<FetchResult> results = client.getMessagesRaw({QStringLiteral("m1")});
    QCOMPARE(results.size(), 1);
    QCOMPARE(results.first().status, FetchResult::Status::Failed);
    QVERIFY2(results.first().error.startsWith(QLatin1String("message too large: ")),
             qPrintable(results.first().error));
    QVERIFY2(results.first().error.contains(QLatin1String("bytes")), qPrintable(results.first().error));
    QCOMPARE(server.count(QStringLiteral("message:m1")), 1); // as large the next time: not retried
    QCOMPARE(client.stats().tooLarge, 1);
    // Any other answer is capped too.
    FakeGmailServer::Answer bigList;
    bigList.body = R"({"messages":[],"x":")" + QByteArray(50000, 'x') + R"("})";
    server.script(QStringLiteral("messages"), {bigList});
    s.maxAnswerBytes = 10000;
    GmailClient capped(s, &tokens);
    QVERIFY(!capped.listMessages());
    QCOMPARE(capped.lastError().kind, ApiError::Kind::TooLarge);
}

void TestGmailClient::tooLargePartInABatchFailsAlone() {
    FakeGmailServer server;
    FakeGmailServer::Answer big;
    big.body = R"({"id":"m2","threadId":"t2","raw":")" + QByteArray(50000, 'A') + R"("})";
    server.script(QStringLiteral("message:m2"), {big, big, big, big});
    CountingTokenProvider tokens;
    GmailClientSettings s = fastSettings(server.baseUrl());
    s.maxMessageBytes = 20000; // the batch answer (3 parts) is under 3 × that: the part cap decides
    GmailClient client(s, &tokens);
    const QList<FetchResult> results =
        client.getMessagesRaw({QStringLiteral("m1"), QStringLiteral("m2"), QStringLiteral("m3")});
    QCOMPARE(results.size(), 3);
    QCOMPARE(results.at(0).status, FetchResult::Status::Ok);
    QCOMPARE(results.at(1).status, FetchResult::Status::Failed);
    QVERIFY2(results.at(1).error.startsWith(QLatin1String("message too large: ")),
             qPrintable(results.at(1).error));
    QCOMPARE(results.at(2).status, FetchResult::Status::Ok);
    QCOMPARE(server.count(QStringLiteral("batch")), 1);
    QCOMPARE(server.count(QStringLiteral("message:m2")), 1);
}

void TestGmailClient::timeoutsShrinkTheBatch() {
    // issue 10 part 6: a batch that times out is split, like inner 429s split it, and its ids are
    // fetched in the smaller batches.
    FakeGmailServer server;
    server.hangBatches(1);
    CountingTokenProvider tokens;
    GmailClientSettings s = fastSettings(server.baseUrl());
    s.requestTimeout = 400ms;
    s.maxBatchSize = 8;
    GmailClient client(s, &tokens);
    QStringList ids;
    for (int i = 1; i <= 8; ++i)
        ids.append(QStringLiteral("m%1").arg(i));
    const QList<FetchResult> results = client.getMessagesRaw(ids);
    QCOMPARE(results.size(), 8);
    for (const FetchResult &r : results)
        QVERIFY2(r.status == FetchResult::Status::Ok, qPrintable(r.id + QLatin1String(": ") + r.error));
    QCOMPARE(server.count(QStringLiteral("batch-hung")), 1);
    QCOMPARE(server.batchSizes(), (QList<int>{4, 4}));
    QCOMPARE(client.currentBatchSize(), 4);
    QCOMPARE(client.stats().timeouts, 1);
}

QTEST_GUILESS_MAIN(TestGmailClient)
#include "TestGmailClient.moc"
