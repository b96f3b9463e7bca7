// push::PushEndpoint's limits, over real sockets on 127.0.0.1 with raw HTTP/1.1: bodies and headers over
// their caps are refused from the head (413/431) without reading on, the request rate and the number of
// connections are capped (429/503), slow and idle clients are cut off, and the JWKS is fetched at most once
// per interval however many unknown kids arrive, without delaying tokens whose key is known.
#include "SyncTestDb.h"

#include "auth/Jwt.h"
#include "common/AccessTokenProvider.h"
#include "push/PubSubPuller.h"
#include "push/PushEndpoint.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <memory>

namespace {

const QString Audience = QStringLiteral("https://gsa.example/push");
const QString PushAccount = QStringLiteral("gmail-push@demo-project.iam.gserviceaccount.com");

bool waitUntil(const std::function<bool()> &condition, int timeoutMs) {
    QElapsedTimer timer;
    timer.start();
    while (!condition()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        QTest::qWait(5);
    }
    return true;
}

// A JWKS server that counts the fetches and can be slow to answer (Cache-Control as Google's).
class JwksServer final {
public:
    bool start(const QJsonObject &jwk) {
        m_body = QJsonDocument(QJsonObject{{QStringLiteral("keys"), QJsonArray{jwk}}}).toJson();
        QObject::connect(&m_server, &QTcpServer::newConnection, &m_server, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                auto buffer = std::make_shared<QByteArray>();
                QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket, buffer] {
                    *buffer += socket->readAll();
                    if (!buffer->contains("\r\n\r\n") || buffer->isNull())
                        return;
                    buffer->clear();
                    ++fetches;
                    QTimer::singleShot(delayMs, socket, [this, socket] {
                        socket->write(
                            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                            "Cache-Control: public, max-age=21600, must-revalidate, no-transform\r\n"
                            "Connection: close\r\nContent-Length: " +
                            QByteArray::number(m_body.size()) + "\r\n\r\n" + m_body);
                        socket->disconnectFromHost();
                    });
                });
                QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
        return m_server.listen(QHostAddress::LocalHost, 0);
    }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1/certs").arg(m_server.serverPort())); }

    int fetches = 0;
    int delayMs = 0;

private:
    QTcpServer m_server;
    QByteArray m_body;
};

// A token provider that takes 2 s (as a refresh against a slow token endpoint would) and then fails.
class SlowTokenProvider final : public common::AccessTokenProvider {
public:
    std::optional<QString> accessToken(bool, QString *error, bool *) override {
        QThread::msleep(2000);
        *error = QStringLiteral("the token endpoint did not answer in time");
        return std::nullopt;
    }
};

struct Reply {
    int status = 0;
    QByteArray head;
    QByteArray body;
    qint64 elapsedMs = 0;
};

// One client connection speaking raw HTTP/1.1, driven by the test thread's event loop (the endpoint
// serves on the same thread).
class Client final {
public:
    bool connectTo(quint16 port) {
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        return waitUntil([this] { return m_socket.state() == QAbstractSocket::ConnectedState; }, 5000);
    }
    void send(const QByteArray &bytes) {
        m_timer.start();
        m_socket.write(bytes);
        m_socket.flush();
    }
    // The next response (head and Content-Length body), or status 0 on timeout / close.
    Reply read(int timeoutMs = 10000) {
        Reply reply;
        waitUntil(
            [this, &reply] {
                m_buffer += m_socket.readAll();
                const qsizetype end = m_buffer.indexOf("\r\n\r\n");
                if (end < 0)
                    return m_socket.state() == QAbstractSocket::UnconnectedState;
                const QByteArray head = m_buffer.left(end);
                qsizetype length = 0;
                for (const QByteArray &line : head.split('\n'))
                    if (line.toLower().startsWith("content-length:"))
                        length = line.mid(15).trimmed().toLongLong();
                if (m_buffer.size() < end + 4 + length)
                    return m_socket.state() == QAbstractSocket::UnconnectedState;
                reply.head = head;
                reply.status = head.mid(9, 3).toInt();
                reply.body = m_buffer.mid(end + 4, length);
                m_buffer.remove(0, end + 4 + length);
                return true;
            },
            timeoutMs);
        reply.elapsedMs = m_timer.isValid() ? m_timer.elapsed() : 0;
        return reply;
    }
    bool waitClosed(int timeoutMs) {
        return waitUntil(
            [this] {
                m_buffer += m_socket.readAll();
                return m_socket.state() == QAbstractSocket::UnconnectedState;
            },
            timeoutMs);
    }
    QTcpSocket &socket() { return m_socket; }

private:
    QTcpSocket m_socket;
    QByteArray m_buffer;
    QElapsedTimer m_timer;
};

QByteArray pushRequest(const QByteArray &token, const QByteArray &body) {
    return "POST /push HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: "
           "Bearer " +
           token + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

// A notification for an address no tenant has: verified, looked up, acknowledged (204), nothing queued.
QByteArray notificationBody() {
    const QByteArray data =
        QJsonDocument(QJsonObject{{QStringLiteral("emailAddress"), QStringLiteral("nobody@nowhere.example")},
                                  {QStringLiteral("historyId"), QStringLiteral("1")}})
            .toJson(QJsonDocument::Compact)
            .toBase64();
    return QJsonDocument(
               QJsonObject{{QStringLiteral("message"),
                            QJsonObject{{QStringLiteral("data"), QString::fromLatin1(data)},
                                        {QStringLiteral("messageId"), QStringLiteral("1")}}},
                           {QStringLiteral("subscription"), QStringLiteral("projects/demo/subscriptions/s")}})
        .toJson(QJsonDocument::Compact);
}

} // namespace

class TestPushLimits final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(synctest::prepare(m_tdb));
        QString error;
        m_key = auth::Jwt::generateRsaPrivateKeyPem(2048, &error).value_or(QByteArray());
        QVERIFY2(!m_key.isEmpty(), qPrintable(error));
        const auto jwk = auth::Jwt::publicJwk(m_key, QStringLiteral("own-key"), &error);
        QVERIFY2(jwk, qPrintable(error));
        QVERIFY(m_jwks.start(*jwk));
    }

    void init() {
        m_jwks.fetches = 0;
        m_jwks.delayMs = 0;
    }

    // Content-Length of 1 GB: 413 from the head alone; no body byte is ever sent, the handler never runs.
    void oversizedBodyRefusedBeforeReading() {
        auto endpoint = makeEndpoint();
        QSignalSpy handled(endpoint.get(), &push::PushEndpoint::notificationHandled);
        Client client;
        QVERIFY(client.connectTo(endpoint->port()));
        client.send("POST /push HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token("own-key") +
                    "\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n");
        const Reply reply = client.read(3000);
        QCOMPARE(reply.status, 413);
        QVERIFY(reply.head.contains("Connection: close"));
        QVERIFY(client.waitClosed(3000));
        qInfo("1 GB Content-Length refused with 413 after %lld ms, 0 body bytes sent", reply.elapsedMs);
        QCOMPARE(handled.size(), 0);
        QCOMPARE(m_jwks.fetches, 0); // refused before the token was looked at
    }

    void bodyAtTheCapIsServed() {
        auto endpoint = makeEndpoint();
        Client client;
        QVERIFY(client.connectTo(endpoint->port()));
        QByteArray body = notificationBody();
        body.chop(1); // pad the JSON object to exactly the cap with whitespace before its closing brace
        body += QByteArray(64 * 1024 - body.size() - 1, ' ') + '}';
        QCOMPARE(body.size(), 64 * 1024);
        client.send(pushRequest(token("own-key"), body));
        QCOMPARE(client.read().status, 204);
        client.send(pushRequest(token("own-key"), body + ' '));
        QCOMPARE(client.read().status, 413);
    }

    void oversizedHeadersRefused() {
        auto endpoint = makeEndpoint();
        {
            Client client;
            QVERIFY(client.connectTo(endpoint->port()));
            const QByteArray body = notificationBody();
            client.send("POST /push HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + QByteArray(17 * 1024, 'a') +
                        "\r\nAuthorization: Bearer " + token("own-key") +
                        "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
            QCOMPARE(client.read().status, 431);
            QVERIFY(client.waitClosed(3000));
        }
        { // a head that never ends: refused once 16 KiB have arrived, not buffered on
            Client client;
            QVERIFY(client.connectTo(endpoint->port()));
            client.send("POST /push HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + QByteArray(20 * 1024, 'a'));
            QCOMPARE(client.read().status, 431);
            QVERIFY(client.waitClosed(3000));
        }
        { // too many fields
            Client client;
            QVERIFY(client.connectTo(endpoint->port()));
            QByteArray head = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n";
            for (int i = 0; i < 100; ++i)
                head += "X-" + QByteArray::number(i) + ": 1\r\n";
            client.send(head + "\r\n");
            QCOMPARE(client.read().status, 431);
        }
    }

    void malformedAndUnsupportedRequests_data() {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::newRow("chunked") << QByteArray(
                                        "POST /push HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                                        "5\r\nhello\r\n0\r\n\r\n")
                                 << 501;
        QTest::newRow("no length") << QByteArray("POST /push HTTP/1.1\r\nHost: a\r\n\r\n") << 411;
        QTest::newRow("two lengths") << QByteArray("POST /push HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n"
                                                   "Content-Length: 3\r\n\r\nabc")
                                     << 400;
        QTest::newRow("negative length")
            << QByteArray("POST /push HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n") << 400;
        QTest::newRow("obs-fold") << QByteArray("GET /health HTTP/1.1\r\nHost: a\r\nX: 1\r\n 2\r\n\r\n")
                                  << 400;
        QTest::newRow("space before colon") << QByteArray("GET /health HTTP/1.1\r\nHost : a\r\n\r\n") << 400;
        QTest::newRow("bare LF") << QByteArray("GET /health HTTP/1.1\nHost: a\r\n\r\n") << 400;
        QTest::newRow("no host") << QByteArray("GET /health HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("HTTP/2") << QByteArray("GET /health HTTP/2.0\r\nHost: a\r\n\r\n") << 505;
        QTest::newRow("other path") << QByteArray(
                                           "POST /other HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n")
                                    << 404;
        QTest::newRow("GET push") << QByteArray("GET /push HTTP/1.1\r\nHost: a\r\n\r\n") << 405;
        QTest::newRow("health") << QByteArray("GET /health HTTP/1.1\r\nHost: a\r\n\r\n") << 200;
        QTest::newRow("no token") << pushRequest(QByteArray(), notificationBody()) << 401;
    }
    void malformedAndUnsupportedRequests() {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        auto endpoint = makeEndpoint();
        Client client;
        QVERIFY(client.connectTo(endpoint->port()));
        client.send(request);
        QCOMPARE(client.read().status, status);
    }

    // 60 concurrent requests signed by unknown kids while the (slow) fetch is in flight, then 60 more:
    // one fetch in all, every one 401; a known kid still verifies.
    void unknownKidFloodFetchesOnce() {
        m_jwks.delayMs = 500;
        auto endpoint = makeEndpoint();
        std::vector<std::unique_ptr<Client>> clients;
        for (int wave = 0; wave < 2; ++wave) {
            clients.clear();
            for (int i = 0; i < 60; ++i) {
                clients.push_back(std::make_unique<Client>());
                QVERIFY(clients.back()->connectTo(endpoint->port()));
                clients.back()->send(
                    pushRequest(token(QStringLiteral("rotated-%1-%2").arg(wave).arg(i)), notificationBody()));
            }
            for (auto &client : clients)
                QCOMPARE(client->read().status, 401);
            QCOMPARE(m_jwks.fetches, 1);
        }
        QCOMPARE(endpoint->jwksFetchCount(), 1);
        Client client;
        QVERIFY(client.connectTo(endpoint->port()));
        client.send(pushRequest(token("own-key"), notificationBody()));
        QCOMPARE(client.read().status, 204);
        qInfo("120 unknown-kid requests (60 during a 500 ms fetch, 60 after) + 1 valid: %d JWKS fetch(es)",
              m_jwks.fetches);
        QCOMPARE(m_jwks.fetches, 1);
    }

    // While an unknown kid waits on a JWKS fetch that takes 4 s, valid requests with the known kid are
    // answered at once.
    void slowJwksDoesNotDelayKnownKeys() {
        push::HttpListener::Limits limits;
        auto endpoint = makeEndpoint(limits, std::chrono::seconds(0)); // refetch on every unknown kid
        Client warm;
        QVERIFY(warm.connectTo(endpoint->port()));
        warm.send(pushRequest(token("own-key"), notificationBody()));
        QCOMPARE(warm.read().status, 204);
        QCOMPARE(m_jwks.fetches, 1);

        m_jwks.delayMs = 4000;
        Client waiting;
        QVERIFY(waiting.connectTo(endpoint->port()));
        waiting.send(pushRequest(token("rotated"), notificationBody()));
        QVERIFY(waitUntil([this] { return m_jwks.fetches == 2; }, 2000));

        QElapsedTimer during;
        during.start();
        qint64 worst = 0;
        int answered = 0;
        Client keepAlive;
        QVERIFY(keepAlive.connectTo(endpoint->port()));
        for (int i = 0; i < 20; ++i) {
            keepAlive.send(pushRequest(token("own-key"), notificationBody()));
            const Reply reply = keepAlive.read(5000);
            QCOMPARE(reply.status, 204);
            worst = std::max(worst, reply.elapsedMs);
            Client fresh;
            QVERIFY(fresh.connectTo(endpoint->port()));
            fresh.send(pushRequest(token("own-key"), notificationBody()));
            const Reply freshReply = fresh.read(5000);
            QCOMPARE(freshReply.status, 204);
            worst = std::max(worst, freshReply.elapsedMs);
            answered += 2;
        }
        const qint64 loopMs = during.elapsed();
        QVERIFY2(loopMs < 3000, "valid requests finished while the fetch was still in flight");
        QCOMPARE(m_jwks.fetches, 2); // no second fetch started while one is in flight
        const Reply late = waiting.read(10000);
        QCOMPARE(late.status, 401);
        qInfo(
            "during a 4 s JWKS fetch: %d valid requests in %lld ms, worst %lld ms; the unknown kid answered "
            "401 after %lld ms",
            answered, loopMs, worst, late.elapsedMs);
        QVERIFY(worst < 1000);
        QVERIFY(late.elapsedMs >= 3000);
    }

    void idleAndSlowConnectionsAreClosed() {
        push::HttpListener::Limits limits;
        limits.requestTimeout = std::chrono::milliseconds(1000);
        limits.keepAliveIdle = std::chrono::milliseconds(1500);
        auto endpoint = makeEndpoint(limits);
        { // connected, never sends a byte
            Client client;
            QVERIFY(client.connectTo(endpoint->port()));
            QElapsedTimer timer;
            timer.start();
            QVERIFY(client.waitClosed(5000));
            qInfo("silent connection closed after %lld ms (request timeout 1000 ms)", timer.elapsed());
            QVERIFY(timer.elapsed() >= 900);
        }
        { // half a head, then nothing (slowloris): 408 and closed
            Client client;
            QVERIFY(client.connectTo(endpoint->port()));
            client.send("POST /push HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            const Reply reply = client.read(5000);
            QCOMPARE(reply.status, 408);
            QVERIFY(reply.elapsedMs >= 900);
            QVERIFY(client.waitClosed(3000));
        }
        { // the head, then half the body
            Client client;
            QVERIFY(client.connectTo(endpoint->port()));
            client.send(pushRequest(token("own-key"), notificationBody()).chopped(10));
            QCOMPARE(client.read(5000).status, 408);
        }
        { // keep-alive: open after a request, closed once idle for keepAliveIdle
            Client client;
            QVERIFY(client.connectTo(endpoint->port()));
            client.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            QCOMPARE(client.read().status, 200);
            QElapsedTimer timer;
            timer.start();
            QTest::qWait(500);
            QCOMPARE(client.socket().state(), QAbstractSocket::ConnectedState);
            QVERIFY(client.waitClosed(5000));
            qInfo("idle keep-alive connection closed after %lld ms (idle limit 1500 ms)", timer.elapsed());
            QVERIFY(timer.elapsed() >= 1400);
        }
        { // Connection: close is honoured
            Client client;
            QVERIFY(client.connectTo(endpoint->port()));
            client.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            const Reply reply = client.read();
            QCOMPARE(reply.status, 200);
            QVERIFY(reply.head.contains("Connection: close"));
            QVERIFY(client.waitClosed(500));
        }
    }

    void requestRateCapped() {
        push::HttpListener::Limits limits;
        limits.requestsPerSecond = 2;
        limits.requestBurst = 10;
        auto endpoint = makeEndpoint(limits);
        Client client;
        QVERIFY(client.connectTo(endpoint->port()));
        for (int i = 0; i < 10; ++i) {
            client.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            QCOMPARE(client.read().status, 200);
        }
        client.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        const Reply refused = client.read();
        QCOMPARE(refused.status, 429);
        QVERIFY(refused.head.contains("Retry-After: 1"));
        { // the cap is per address, not per connection
            Client other;
            QVERIFY(other.connectTo(endpoint->port()));
            other.send(pushRequest(token("own-key"), notificationBody()));
            QCOMPARE(other.read().status, 429);
        }
        QTest::qWait(600); // 2/s: a token is back after 500 ms
        Client later;
        QVERIFY(later.connectTo(endpoint->port()));
        later.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        QCOMPARE(later.read().status, 200);
    }

    void connectionsCapped() {
        push::HttpListener::Limits limits;
        limits.maxConnections = 4;
        auto endpoint = makeEndpoint(limits);
        std::vector<std::unique_ptr<Client>> open;
        for (int i = 0; i < 4; ++i) {
            open.push_back(std::make_unique<Client>());
            QVERIFY(open.back()->connectTo(endpoint->port()));
        }
        Client fifth; // accepted, answered and closed at once
        fifth.socket().connectToHost(QHostAddress::LocalHost, endpoint->port());
        QCOMPARE(fifth.read().status, 503);
        QVERIFY(fifth.waitClosed(3000));
        open.clear(); // closing frees the places
        QVERIFY(waitUntil(
            [&endpoint] { return endpoint->findChild<push::HttpListener *>()->connectionCount() == 0; },
            3000));
        Client again;
        QVERIFY(again.connectTo(endpoint->port()));
        again.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        QCOMPARE(again.read().status, 200);
    }

    // The Pub/Sub puller shares the worker's thread with the endpoint: a slow token (refresh) must not stall
    // it, so the token is fetched on a thread of its own.
    void slowPubSubTokenDoesNotBlockServing() {
        auto endpoint = makeEndpoint();
        push::PubSubPuller::Settings settings;
        settings.pubsubUrl = QUrl(QStringLiteral("http://127.0.0.1:1"));
        settings.subscription = QStringLiteral("projects/demo/subscriptions/s");
        settings.backoffBase = std::chrono::milliseconds(60000);
        push::PubSubPuller puller(settings, std::make_shared<SlowTokenProvider>());
        QSignalSpy failed(&puller, &push::PubSubPuller::failed);
        QElapsedTimer timer;
        timer.start();
        puller.start();
        const qint64 startMs = timer.elapsed();
        qint64 worst = 0;
        int served = 0;
        while (timer.elapsed() < 1500) {
            Client client;
            QVERIFY(client.connectTo(endpoint->port()));
            client.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            const Reply reply = client.read(5000);
            QCOMPARE(reply.status, 200);
            worst = std::max(worst, reply.elapsedMs);
            ++served;
        }
        QVERIFY(failed.isEmpty()); // the token is still being fetched
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 5000);
        QVERIFY(failed.first().at(0).toString().contains(QStringLiteral("did not answer in time")));
        puller.stop();
        qInfo("during a 2 s Pub/Sub token fetch: start() took %lld ms, %d requests served, worst %lld ms",
              startMs, served, worst);
        QVERIFY(startMs < 500);
        QVERIFY(worst < 500);
    }

private:
    std::unique_ptr<push::PushEndpoint>
    makeEndpoint(push::HttpListener::Limits limits = {},
                 std::chrono::seconds minRefetch = std::chrono::seconds(300)) {
        push::PushEndpoint::Settings settings;
        settings.token.jwksUrl = m_jwks.url();
        settings.token.audience = Audience;
        settings.token.serviceAccountEmail = PushAccount;
        settings.token.minRefetchInterval = minRefetch;
        settings.token.fetchTimeout = std::chrono::milliseconds(8000);
        settings.limits = limits;
        auto endpoint = std::make_unique<push::PushEndpoint>(settings);
        if (!endpoint->listen(QHostAddress::LocalHost, 0))
            qWarning("listen: %s", qPrintable(endpoint->errorString()));
        return endpoint;
    }

    // A token that passes every check when `kid` is the published one.
    QByteArray token(const QString &kid) const {
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        QString error;
        return auth::Jwt::signRs256(
                   QJsonObject{{QStringLiteral("kid"), kid}},
                   QJsonObject{{QStringLiteral("aud"), Audience},
                               {QStringLiteral("email"), PushAccount},
                               {QStringLiteral("email_verified"), true},
                               {QStringLiteral("exp"), now + 600},
                               {QStringLiteral("iss"), QStringLiteral("https://accounts.google.com")}},
                   m_key, &error)
            .value_or(QByteArray());
    }
    QByteArray token(const char *kid) const { return token(QString::fromLatin1(kid)); }

    testsupport::TestDatabase m_tdb;
    QByteArray m_key;
    JwksServer m_jwks;
};

QTEST_GUILESS_MAIN(TestPushLimits)
#include "TestPushLimits.moc"
