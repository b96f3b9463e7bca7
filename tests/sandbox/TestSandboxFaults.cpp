// Injected faults and the per-user quota of a real gmail-sandbox process, as a client sees them.

#include "SandboxProcess.h"
#include "TestSandboxUtil.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

using namespace sandboxtest;
using testsupport::SandboxProcess;

class TestSandboxFaults final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void httpFaults_data();
    void httpFaults();
    void droppedConnection();
    void truncatedBody();
    void latencyDoesNotBlock();
    void concurrentRequestsLimited();
    void mixedRatesAreDeterministic();
    void faultsConfigRoundTrip();
    void quotaEnforced();
    void quotaCountsBatchParts();
    void quotaProfileSetsCostsAndRate();
    void cleanExitOnSigterm();

private:
    SandboxProcess::Reply getMessage(int index = 0) {
        return m_sandbox->request(
            "GET",
            QStringLiteral("/gmail/v1/users/me/messages/%1?format=minimal").arg(m_ids[index % m_ids.size()]),
            {}, bearer(m_token));
    }
    void setFaults(const QJsonObject &faults) {
        int status = 0;
        m_sandbox->control("PUT", QStringLiteral("/_sandbox/faults"), faults, &status);
        QCOMPARE(status, 200);
    }

    std::unique_ptr<SandboxProcess> m_sandbox;
    QString m_token;
    QStringList m_ids;
    const QString m_user = QStringLiteral("faults@example.com");
};

void TestSandboxFaults::initTestCase() {
    m_sandbox = std::make_unique<SandboxProcess>(
        QStringList{QStringLiteral("--user"), m_user, QStringLiteral("--generate"), QStringLiteral("50")});
    QVERIFY2(m_sandbox->isRunning(), qPrintable(m_sandbox->errorString()));
    m_token = m_sandbox->accessToken(m_user);
    for (const QJsonValue &v :
         m_sandbox->control("GET", QStringLiteral("/_sandbox/users/%1/state").arg(m_user))
             .object()
             .value(QStringLiteral("messages"))
             .toArray())
        m_ids.append(v.toObject().value(QStringLiteral("id")).toString());
    QCOMPARE(m_ids.size(), 50);
}

void TestSandboxFaults::cleanup() {
    int status = 0;
    m_sandbox->control("DELETE", QStringLiteral("/_sandbox/faults"), {}, &status);
    QCOMPARE(status, 200);
    m_sandbox->control("POST", QStringLiteral("/_sandbox/stats/reset"));
}

void TestSandboxFaults::httpFaults_data() {
    QTest::addColumn<QString>("rate");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<QString>("domain");
    QTest::addColumn<QString>("statusName");
    QTest::addColumn<bool>("retryAfter");
    QTest::newRow("429") << "rate429" << 429 << "rateLimitExceeded"
                         << "usageLimits"
                         << "RESOURCE_EXHAUSTED" << true;
    QTest::newRow("403") << "rate403" << 403 << "userRateLimitExceeded"
                         << "usageLimits"
                         << "PERMISSION_DENIED" << true;
    QTest::newRow("500") << "rate500" << 500 << "backendError"
                         << "global"
                         << "INTERNAL" << false;
    QTest::newRow("503") << "rate503" << 503 << "backendError"
                         << "global"
                         << "UNAVAILABLE" << true;
}

void TestSandboxFaults::httpFaults() {
    QFETCH(QString, rate);
    QFETCH(int, status);
    QFETCH(QString, reason);
    QFETCH(QString, domain);
    QFETCH(QString, statusName);
    QFETCH(bool, retryAfter);
    setFaults({{rate, 1.0}, {QStringLiteral("retryAfter"), 3}});
    for (int i = 0; i < 3; ++i) {
        const auto r = getMessage(i);
        QCOMPARE(r.status, status);
        QVERIFY2(isGoogleError(r.json(), status, reason, statusName), r.body.constData());
        const QJsonObject first = r.json()
                                      .value(QStringLiteral("error"))
                                      .toObject()
                                      .value(QStringLiteral("errors"))
                                      .toArray()
                                      .first()
                                      .toObject();
        QCOMPARE(first.value(QStringLiteral("domain")).toString(), domain);
        QCOMPARE(r.header("Retry-After"), retryAfter ? QByteArray("3") : QByteArray());
    }
    const QJsonObject stats = m_sandbox->control("GET", QStringLiteral("/_sandbox/stats")).object();
    QCOMPARE(stats.value(QStringLiteral("faultsInjected")).toObject().value(rate).toInt(), 3);
    QCOMPARE(stats.value(QStringLiteral("responses")).toObject().value(QString::number(status)).toInt(), 3);
    // Control calls are never faulted.
    int controlStatus = 0;
    m_sandbox->control("GET", QStringLiteral("/_sandbox/faults"), {}, &controlStatus);
    QCOMPARE(controlStatus, 200);
}

void TestSandboxFaults::droppedConnection() {
    setFaults({{QStringLiteral("dropRate"), 1.0}});
    const auto r = getMessage();
    QCOMPARE(r.status, 0); // no HTTP answer at all
    QVERIFY(!r.error.isEmpty());
    // QNetworkAccessManager resends an idempotent request once when a kept-alive connection closes.
    const int drops = m_sandbox->control("GET", QStringLiteral("/_sandbox/stats"))
                          .object()
                          .value(QStringLiteral("faultsInjected"))
                          .toObject()
                          .value(QStringLiteral("drop"))
                          .toInt();
    QVERIFY(drops >= 1 && drops <= 2);
    // The next connection works again once the fault is gone.
    m_sandbox->control("DELETE", QStringLiteral("/_sandbox/faults"));
    QCOMPARE(getMessage().status, 200);
}

void TestSandboxFaults::truncatedBody() {
    setFaults({{QStringLiteral("truncateRate"), 1.0}});
    // A raw socket sees exactly what was sent: the full Content-Length, half the body, then EOF.
    QTcpSocket socket;
    socket.connectToHost(m_sandbox->url().host(), quint16(m_sandbox->url().port()));
    QVERIFY(socket.waitForConnected(5000));
    socket.write("GET /gmail/v1/users/me/messages/" + m_ids[0].toLatin1() +
                 "?format=raw HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + m_token.toLatin1() +
                 "\r\n\r\n");
    QByteArray received;
    while (socket.state() == QAbstractSocket::ConnectedState && socket.waitForReadyRead(5000))
        received += socket.readAll();
    received += socket.readAll();
    const qsizetype headEnd = received.indexOf("\r\n\r\n");
    QVERIFY(headEnd > 0);
    QVERIFY(received.startsWith("HTTP/1.1 200"));
    const QByteArray head = received.left(headEnd);
    const qsizetype at = head.toLower().indexOf("content-length:");
    QVERIFY(at > 0);
    const qint64 length = head.mid(at + 15, head.indexOf('\r', at) - at - 15).trimmed().toLongLong();
    const qint64 got = received.size() - headEnd - 4;
    QVERIFY(length > 100);
    QCOMPARE(got, length / 2);
    QVERIFY(QJsonDocument::fromJson(received.mid(headEnd + 4)).isNull()); // not valid JSON

    // Through QNetworkAccessManager the short read is an error, not a success.
    const auto r = getMessage(1);
    QVERIFY(!r.error.isEmpty() || QJsonDocument::fromJson(r.body).isNull());
}

void TestSandboxFaults::latencyDoesNotBlock() {
    setFaults({{QStringLiteral("latencyMs"), 400}});
    // Six requests at once on six connections: answered together after ~400 ms, not one after another.
    QNetworkAccessManager nam;
    QList<QNetworkReply *> replies;
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < 6; ++i) {
        QNetworkRequest req(
            QUrl(m_sandbox->url().toString() +
                 QStringLiteral("/gmail/v1/users/me/messages/%1?format=minimal").arg(m_ids[i])));
        req.setRawHeader("Authorization", "Bearer " + m_token.toLatin1());
        replies.append(nam.get(req));
    }
    for (QNetworkReply *reply : replies) {
        if (!reply->isFinished()) {
            QSignalSpy spy(reply, &QNetworkReply::finished);
            QVERIFY(spy.wait(10000));
        }
    }
    const qint64 elapsed = timer.elapsed();
    for (QNetworkReply *reply : replies) {
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        reply->deleteLater();
    }
    QVERIFY2(elapsed >= 390, qPrintable(QString::number(elapsed)));
    QVERIFY2(elapsed < 6 * 400 - 400, qPrintable(QString::number(elapsed)));
    // Control calls are not delayed.
    timer.restart();
    m_sandbox->control("GET", QStringLiteral("/_sandbox/faults"));
    QVERIFY(timer.elapsed() < 300);
}

void TestSandboxFaults::concurrentRequestsLimited() {
    // Gmail refuses a user's calls beyond a handful in flight; with slow answers, 4 at once against a
    // limit of 2 get two answers and two 429s.
    setFaults({{QStringLiteral("latencyMs"), 300}, {QStringLiteral("maxConcurrentPerUser"), 2}});
    QNetworkAccessManager nam;
    QList<QNetworkReply *> replies;
    for (int i = 0; i < 4; ++i) {
        QNetworkRequest req(
            QUrl(m_sandbox->url().toString() +
                 QStringLiteral("/gmail/v1/users/me/messages/%1?format=minimal").arg(m_ids[i])));
        req.setRawHeader("Authorization", "Bearer " + m_token.toLatin1());
        replies.append(nam.get(req));
    }
    int ok = 0, refused = 0;
    for (QNetworkReply *reply : replies) {
        if (!reply->isFinished()) {
            QSignalSpy spy(reply, &QNetworkReply::finished);
            QVERIFY(spy.wait(10000));
        }
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status == 200) {
            ++ok;
        } else {
            QCOMPARE(status, 429);
            const QJsonObject body = QJsonDocument::fromJson(reply->readAll()).object();
            QVERIFY(isGoogleError(body, 429, QStringLiteral("rateLimitExceeded"),
                                  QStringLiteral("RESOURCE_EXHAUSTED")));
            QCOMPARE(
                body.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString(),
                QStringLiteral("Too many concurrent requests for user."));
            ++refused;
        }
        reply->deleteLater();
    }
    QCOMPARE(ok, 2);
    QCOMPARE(refused, 2);
    // Once the answers are out, the user may call again.
    QCOMPARE(getMessage().status, 200);
}

void TestSandboxFaults::mixedRatesAreDeterministic() {
    const auto run = [this]() {
        setFaults({{QStringLiteral("rate429"), 0.2},
                   {QStringLiteral("rate500"), 0.2},
                   {QStringLiteral("seed"), 42}});
        QList<int> statuses;
        for (int i = 0; i < 40; ++i)
            statuses.append(getMessage(i).status);
        return statuses;
    };
    const QList<int> first = run();
    const QList<int> second = run(); // re-seeding repeats the sequence
    QCOMPARE(first, second);
    QVERIFY(first.contains(200) && first.contains(429) && first.contains(500));
    QVERIFY(first.count(200) > 10);
}

void TestSandboxFaults::faultsConfigRoundTrip() {
    setFaults({{QStringLiteral("rate503"), 0.25},
               {QStringLiteral("latencyMs"), 5},
               {QStringLiteral("quotaUnitsPerSecond"), 250}});
    const QJsonObject f = m_sandbox->control("GET", QStringLiteral("/_sandbox/faults")).object();
    QCOMPARE(f.value(QStringLiteral("rate503")).toDouble(), 0.25);
    QCOMPARE(f.value(QStringLiteral("latencyMs")).toInt(), 5);
    QCOMPARE(f.value(QStringLiteral("quotaUnitsPerSecond")).toDouble(), 250.0);
    int status = 0;
    m_sandbox->control("PUT", QStringLiteral("/_sandbox/faults"), {{QStringLiteral("rate429"), 1.5}},
                       &status);
    QCOMPARE(status, 400);
    const QJsonObject reset = m_sandbox->control("DELETE", QStringLiteral("/_sandbox/faults")).object();
    QCOMPARE(reset.value(QStringLiteral("rate503")).toDouble(), 0.0);
    QCOMPARE(reset.value(QStringLiteral("quotaUnitsPerSecond")).toDouble(), 0.0);
}

void TestSandboxFaults::quotaEnforced() {
    // Gmail's per-user limit, 250 units/s; messages.get costs 5. Hammer it for 1.5 s.
    setFaults({{QStringLiteral("quotaUnitsPerSecond"), 250}});
    QElapsedTimer timer;
    timer.start();
    int ok = 0, limited = 0;
    SandboxProcess::Reply rejected;
    while (timer.elapsed() < 1500) {
        const auto r = getMessage(ok + limited);
        if (r.status == 200) {
            ++ok;
        } else {
            QCOMPARE(r.status, 429);
            ++limited;
            rejected = r;
        }
    }
    const double seconds = timer.elapsed() / 1000.0;
    QVERIFY2(limited > 0, "the quota never tripped");
    // One second of burst plus 250 units/s: at most (250 + 250 * t) / 5 calls got through.
    QVERIFY2(ok <= int((250 + 250 * seconds) / 5) + 2,
             qPrintable(QStringLiteral("%1 calls in %2 s").arg(ok).arg(seconds)));
    QVERIFY2(ok >= int(250 * seconds / 5 * 0.8),
             qPrintable(QStringLiteral("%1 calls in %2 s").arg(ok).arg(seconds)));
    QVERIFY(isGoogleError(rejected.json(), 429, QStringLiteral("rateLimitExceeded"),
                          QStringLiteral("RESOURCE_EXHAUSTED")));
    const QJsonObject error = rejected.json().value(QStringLiteral("error")).toObject();
    QVERIFY(error.value(QStringLiteral("message"))
                .toString()
                .startsWith(QStringLiteral("User-rate limit exceeded.")));
    QCOMPARE(error.value(QStringLiteral("errors"))
                 .toArray()
                 .first()
                 .toObject()
                 .value(QStringLiteral("domain"))
                 .toString(),
             QStringLiteral("usageLimits"));

    const QJsonObject stats = m_sandbox->control("GET", QStringLiteral("/_sandbox/stats")).object();
    QCOMPARE(stats.value(QStringLiteral("unitsUsed")).toObject().value(m_user).toInt(), ok * 5);
    QCOMPARE(stats.value(QStringLiteral("quotaRejected")).toObject().value(m_user).toInt(), limited);
    QCOMPARE(stats.value(QStringLiteral("responses429")).toInt(), limited);
}

void TestSandboxFaults::quotaCountsBatchParts() {
    // 100 units/s (bucket of 100): a batch of 40 messages.get (200 units) gets about 20 through.
    setFaults({{QStringLiteral("quotaUnitsPerSecond"), 100}});
    QByteArray body;
    for (int i = 0; i < 40; ++i)
        body += "--q\r\nContent-Type: application/http\r\n\r\nGET /gmail/v1/users/me/messages/" +
                m_ids[i].toLatin1() + "?format=minimal\r\n\r\n";
    body += "--q--\r\n";
    auto headers = bearer(m_token);
    headers.append({QByteArrayLiteral("Content-Type"), QByteArrayLiteral("multipart/mixed; boundary=q")});
    const auto r = m_sandbox->request("POST", QStringLiteral("/batch/gmail/v1"), body, headers);
    QCOMPARE(r.status, 200);
    const int ok = int(r.body.count("HTTP/1.1 200 OK"));
    const int limited = int(r.body.count("HTTP/1.1 429 Too Many Requests"));
    QCOMPARE(ok + limited, 40);
    QVERIFY2(ok >= 20 && ok <= 22, qPrintable(QString::number(ok)));
}

void TestSandboxFaults::quotaProfileSetsCostsAndRate() {
    // The 2026 regime (developers.google.com/workspace/gmail/api/reference/quota): 6,000 units/user/min
    // = 100/s, messages.get 20; quotaUnitsPerSecond then sets a lower limit with the same costs.
    setFaults({{QStringLiteral("quotaProfile"), QStringLiteral("2026")}});
    QJsonObject f = m_sandbox->control("GET", QStringLiteral("/_sandbox/faults")).object();
    QCOMPARE(f.value(QStringLiteral("quotaProfile")).toString(), QStringLiteral("2026"));
    QCOMPARE(f.value(QStringLiteral("quotaUnitsPerSecond")).toDouble(), 100.0);
    m_sandbox->control("POST", QStringLiteral("/_sandbox/stats/reset"));
    QCOMPARE(getMessage(0).status, 200);
    QJsonObject stats = m_sandbox->control("GET", QStringLiteral("/_sandbox/stats")).object();
    QCOMPARE(stats.value(QStringLiteral("unitsUsed")).toObject().value(m_user).toInt(), 20);
    // A bucket of 100 units: five gets at 20, then 429.
    int ok = 1;
    while (ok < 10 && getMessage(ok).status == 200)
        ++ok;
    QVERIFY2(ok >= 5 && ok <= 6, qPrintable(QString::number(ok)));
    setFaults({{QStringLiteral("quotaProfile"), QStringLiteral("legacy")},
               {QStringLiteral("quotaUnitsPerSecond"), 60}});
    f = m_sandbox->control("GET", QStringLiteral("/_sandbox/faults")).object();
    QCOMPARE(f.value(QStringLiteral("quotaProfile")).toString(), QStringLiteral("legacy"));
    QCOMPARE(f.value(QStringLiteral("quotaUnitsPerSecond")).toDouble(), 60.0);
    int status = 0;
    m_sandbox->control("PUT", QStringLiteral("/_sandbox/faults"),
                       {{QStringLiteral("quotaProfile"), QStringLiteral("2019")}}, &status);
    QCOMPARE(status, 400);
    f = m_sandbox->control("DELETE", QStringLiteral("/_sandbox/faults")).object();
    QCOMPARE(f.value(QStringLiteral("quotaProfile")).toString(),
             QStringLiteral("legacy")); // the command line's
    QCOMPARE(f.value(QStringLiteral("quotaUnitsPerSecond")).toDouble(), 0.0);
}

void TestSandboxFaults::cleanExitOnSigterm() {
    SandboxProcess other({QStringLiteral("--user"), QStringLiteral("x@example.com")});
    QVERIFY2(other.isRunning(), qPrintable(other.errorString()));
    QCOMPARE(other.terminate(), 0);
}

QTEST_GUILESS_MAIN(TestSandboxFaults)
#include "TestSandboxFaults.moc"
