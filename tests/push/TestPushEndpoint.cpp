// push::PushEndpoint: the real gmail-sandbox delivers Gmail notifications through a Pub/Sub push
// subscription with its OIDC token; forged, expired and misdirected tokens are refused and queue nothing.
#include "SyncTestEnv.h"

#include "auth/Jwt.h"
#include "push/PushEndpoint.h"

#include <QElapsedTimer>
#include <QHttpServer>
#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

namespace {

const QString Audience = QStringLiteral("https://gsa.example/push");
const QString PushAccount = QStringLiteral("gmail-push@demo-project.iam.gserviceaccount.com");
const QString Tenant = QStringLiteral("acme");
const QString Email = QStringLiteral("alice@acme.example");

int jobCount() {
    return synctest::scalar(QStringLiteral("SELECT count(*) FROM sync_jobs")).toInt();
}

} // namespace

class TestPushEndpoint final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_env.init());
        QVERIFY(m_env.addMailbox(Tenant, Email, 20, 10));
        // Start from a synced tenant: the push job is an incremental sync from the stored history id.
        const db::SyncJob initial = m_env.runToEnd(m_env.enqueue(Tenant, QStringLiteral("initial")));
        QCOMPARE(initial.status, QStringLiteral("succeeded"));
        QCOMPARE(m_env.diff(Tenant), QString());
        m_token = m_env.sandbox.accessToken(Email);

        // A JWKS of our own on a real HTTP server, to sign tokens the sandbox would never make.
        QString error;
        m_ownKey = auth::Jwt::generateRsaPrivateKeyPem(2048, &error).value_or(QByteArray());
        QVERIFY2(!m_ownKey.isEmpty(), qPrintable(error));
        const auto jwk = auth::Jwt::publicJwk(m_ownKey, QStringLiteral("own-key"), &error);
        QVERIFY2(jwk, qPrintable(error));
        m_jwksServer.route(QStringLiteral("/certs"), [jwk]() {
            return QHttpServerResponse(QJsonObject{{QStringLiteral("keys"), QJsonArray{*jwk}}});
        });
        auto *tcp = new QTcpServer(&m_jwksServer);
        QVERIFY(tcp->listen(QHostAddress::LocalHost, 0));
        m_jwksServer.bind(tcp);
        m_jwksUrl = QUrl(QStringLiteral("http://127.0.0.1:%1/certs").arg(tcp->serverPort()));
    }

    // The sandbox's Gmail watch → topic → push subscription → our endpoint with a valid OIDC token → a push
    // job → the engine runs it → the new message is in the table.
    void sandboxPushDeliveryQueuesJobThatSyncsNewMessage() {
        const push::PushEndpoint::Settings settings =
            settingsWith(QUrl(m_env.sandbox.url().toString() + QStringLiteral("/oauth2/v3/certs")));
        QList<qint64> woken;
        push::PushEndpoint endpoint(settings, [&woken](qint64 id) { woken << id; });
        QVERIFY2(endpoint.listen(QHostAddress::LocalHost, 0), qPrintable(endpoint.errorString()));
        QSignalSpy handled(&endpoint, &push::PushEndpoint::notificationHandled);

        QVERIFY(createSubscription(QStringLiteral("gmail-push"), QStringLiteral("projects/demo/topics/gmail"),
                                   QStringLiteral("http://127.0.0.1:%1/push").arg(endpoint.port()),
                                   Audience));
        const auto watch = m_env.sandbox.request(
            "POST", QStringLiteral("/gmail/v1/users/me/watch"),
            QJsonDocument(
                QJsonObject{{QStringLiteral("topicName"), QStringLiteral("projects/demo/topics/gmail")}})
                .toJson(),
            {{"Authorization", "Bearer " + m_token.toLatin1()}, {"Content-Type", "application/json"}});
        QCOMPARE(watch.status, 200);

        const int before = jobCount();
        QElapsedTimer latency;
        latency.start();
        const QString newId = m_env.addMessage(Tenant, QStringLiteral("pushed message"));
        QVERIFY(!newId.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(!handled.isEmpty(), 15000);
        qInfo("mailbox change -> push job queued: %lld ms", latency.elapsed());
        const QList<QVariant> first = handled.first();
        QCOMPARE(first.at(0).toInt(), 204);
        QCOMPARE(first.at(1).toString(), QStringLiteral("enqueued"));
        const qint64 jobId = first.at(2).toLongLong();
        QCOMPARE(woken, QList<qint64>{jobId});
        QCOMPARE(jobCount(), before + 1);

        const db::SyncJob job = m_env.runToEnd(jobId);
        QCOMPARE(job.kind, jobs::JobKind::Push);
        QCOMPARE(job.status, QStringLiteral("succeeded"));
        QVERIFY(m_env.tableState(Tenant).contains(newId));
        QCOMPARE(m_env.diff(Tenant), QString());
        // The sandbox counted the push as acknowledged (2xx) and did not redeliver.
        QTRY_VERIFY_WITH_TIMEOUT(pubsubStat(QStringLiteral("pushSuccesses")) >= 1, 5000);
        QCOMPARE(pubsubStat(QStringLiteral("pushFailures")), 0);
    }

    // A sandbox-signed token whose audience is someone else's: 403, nothing queued, Pub/Sub retries.
    void sandboxTokenForAnotherAudienceIsForbidden() {
        const push::PushEndpoint::Settings settings =
            settingsWith(QUrl(m_env.sandbox.url().toString() + QStringLiteral("/oauth2/v3/certs")));
        push::PushEndpoint endpoint(settings);
        QVERIFY(endpoint.listen(QHostAddress::LocalHost, 0));
        QSignalSpy handled(&endpoint, &push::PushEndpoint::notificationHandled);
        QVERIFY(createSubscription(QStringLiteral("wrong-aud"), QStringLiteral("projects/demo/topics/other"),
                                   QStringLiteral("http://127.0.0.1:%1/push").arg(endpoint.port()),
                                   QStringLiteral("https://someone-else.example/")));
        const int before = jobCount();
        const QByteArray data = QJsonDocument(QJsonObject{{QStringLiteral("emailAddress"), Email},
                                                          {QStringLiteral("historyId"), QStringLiteral("1")}})
                                    .toJson(QJsonDocument::Compact);
        const auto published = m_env.sandbox.request(
            "POST", QStringLiteral("/v1/projects/demo/topics/other:publish"),
            QJsonDocument(QJsonObject{{QStringLiteral("messages"),
                                       QJsonArray{QJsonObject{
                                           {QStringLiteral("data"), QString::fromLatin1(data.toBase64())}}}}})
                .toJson(),
            {{"Authorization", "Bearer " + m_token.toLatin1()}, {"Content-Type", "application/json"}});
        QCOMPARE(published.status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(!handled.isEmpty(), 15000);
        QCOMPARE(handled.first().at(0).toInt(), 403);
        QCOMPARE(jobCount(), before);
        QTRY_VERIFY_WITH_TIMEOUT(pubsubStat(QStringLiteral("pushFailures")) >= 1, 5000);
    }

    void craftedTokens_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("status");
        QTest::newRow("valid") << "valid" << 204;
        QTest::newRow("no token") << "none" << 401;
        QTest::newRow("other key, same kid") << "other-key" << 401;
        QTest::newRow("unknown kid") << "unknown-kid" << 401;
        QTest::newRow("expired") << "expired" << 401;
        QTest::newRow("wrong aud") << "aud" << 403;
        QTest::newRow("wrong email") << "email" << 403;
        QTest::newRow("email not verified") << "unverified" << 403;
        QTest::newRow("wrong iss") << "iss" << 403;
        QTest::newRow("iss without scheme") << "iss-short" << 204;
    }
    // Tokens signed by our own JWKS server's key (and by a key it does not publish).
    void craftedTokens() {
        QFETCH(QString, kind);
        QFETCH(int, status);
        // Nothing queued for the tenant, so a valid token would enqueue a new job.
        db::JobRepository jobs(db::Database::connection());
        const QList<db::SyncJob> listed = jobs.listForTenant(Tenant, 100).value_or(QList<db::SyncJob>{});
        for (const db::SyncJob &job : listed)
            if (job.status == QLatin1String("queued"))
                QVERIFY(jobs.cancel(job.id));

        const push::PushEndpoint::Settings settings = settingsWith(m_jwksUrl);
        push::PushEndpoint endpoint(settings);
        QVERIFY(endpoint.listen(QHostAddress::LocalHost, 0));

        const qint64 now = QDateTime::currentSecsSinceEpoch();
        QJsonObject claims{{QStringLiteral("aud"), Audience},
                           {QStringLiteral("email"), PushAccount},
                           {QStringLiteral("email_verified"), true},
                           {QStringLiteral("iat"), now},
                           {QStringLiteral("exp"), now + 3600},
                           {QStringLiteral("iss"), QStringLiteral("https://accounts.google.com")},
                           {QStringLiteral("sub"), QStringLiteral("1234567890")}};
        QByteArray key = m_ownKey;
        QString kid = QStringLiteral("own-key");
        if (kind == QLatin1String("other-key")) {
            QString error;
            key = auth::Jwt::generateRsaPrivateKeyPem(2048, &error).value_or(QByteArray());
        } else if (kind == QLatin1String("unknown-kid")) {
            kid = QStringLiteral("not-published");
        } else if (kind == QLatin1String("expired")) {
            claims[QStringLiteral("iat")] = now - 7200;
            claims[QStringLiteral("exp")] = now - 3600;
        } else if (kind == QLatin1String("aud")) {
            claims[QStringLiteral("aud")] = QStringLiteral("https://other.example/push");
        } else if (kind == QLatin1String("email")) {
            claims[QStringLiteral("email")] = QStringLiteral("intruder@evil.example");
        } else if (kind == QLatin1String("unverified")) {
            claims[QStringLiteral("email_verified")] = false;
        } else if (kind == QLatin1String("iss")) {
            claims[QStringLiteral("iss")] = QStringLiteral("https://evil.example");
        } else if (kind == QLatin1String("iss-short")) {
            claims[QStringLiteral("iss")] = QStringLiteral("accounts.google.com");
        }
        QString error;
        const auto token =
            auth::Jwt::signRs256(QJsonObject{{QStringLiteral("kid"), kid}}, claims, key, &error);
        QVERIFY2(token, qPrintable(error));

        const int before = jobCount();
        const QJsonObject body{
            {QStringLiteral("message"),
             QJsonObject{
                 {QStringLiteral("data"),
                  QString::fromLatin1(QJsonDocument(QJsonObject{{QStringLiteral("emailAddress"), Email},
                                                                {QStringLiteral("historyId"), 42}})
                                          .toJson(QJsonDocument::Compact)
                                          .toBase64())},
                 {QStringLiteral("messageId"), QStringLiteral("1")},
                 {QStringLiteral("publishTime"), QStringLiteral("2026-11-25T14:00:00.000Z")}}},
            {QStringLiteral("subscription"), QStringLiteral("projects/demo/subscriptions/s")}};
        const int answered =
            post(endpoint.port(), body, kind == QLatin1String("none") ? QByteArray() : *token);
        QCOMPARE(answered, status);
        QCOMPARE(jobCount(), before + (status == 204 ? 1 : 0));
    }

    // 200 valid deliveries for one tenant, one after another: all acknowledged, one job queued.
    void manyDeliveriesCoalesceIntoOneJob() {
        db::JobRepository jobs(db::Database::connection());
        const QList<db::SyncJob> listed = jobs.listForTenant(Tenant, 100).value_or(QList<db::SyncJob>{});
        for (const db::SyncJob &job : listed)
            if (job.status == QLatin1String("queued"))
                QVERIFY(jobs.cancel(job.id));
        const push::PushEndpoint::Settings settings = settingsWith(m_jwksUrl);
        push::PushEndpoint endpoint(settings);
        QVERIFY(endpoint.listen(QHostAddress::LocalHost, 0));
        const std::optional<QByteArray> token = validOwnToken();
        QVERIFY(token);
        const int before = jobCount();
        constexpr int N = 200;
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < N; ++i) {
            const QByteArray data =
                QJsonDocument(QJsonObject{{QStringLiteral("emailAddress"), Email},
                                          {QStringLiteral("historyId"), QString::number(900 + i)}})
                    .toJson(QJsonDocument::Compact)
                    .toBase64();
            const QJsonObject body{
                {QStringLiteral("message"), QJsonObject{{QStringLiteral("data"), QString::fromLatin1(data)},
                                                        {QStringLiteral("messageId"), QString::number(i)}}},
                {QStringLiteral("subscription"), QStringLiteral("projects/demo/subscriptions/s")}};
            QCOMPARE(post(endpoint.port(), body, *token), 204);
        }
        qInfo("push endpoint: %d deliveries in %lld ms (%.2f ms each: JWT verify + lookup + coalesce)", N,
              timer.elapsed(), double(timer.elapsed()) / N);
        QCOMPARE(jobCount(), before + 1);
    }

    void notAPushRequestIsBadRequest() {
        const push::PushEndpoint::Settings settings = settingsWith(m_jwksUrl);
        push::PushEndpoint endpoint(settings);
        QVERIFY(endpoint.listen(QHostAddress::LocalHost, 0));
        const std::optional<QByteArray> token = validOwnToken();
        QVERIFY(token);
        QCOMPARE(post(endpoint.port(), QJsonObject{{QStringLiteral("hello"), 1}}, *token), 400);
    }

    void parsesListenAddress() {
        QHostAddress host;
        quint16 port = 0;
        QString error;
        QVERIFY(push::PushEndpoint::parseHostPort(QStringLiteral("127.0.0.1:8080"), &host, &port, &error));
        QCOMPARE(host, QHostAddress(QHostAddress::LocalHost));
        QCOMPARE(port, quint16(8080));
        QVERIFY(push::PushEndpoint::parseHostPort(QStringLiteral("[::1]:9"), &host, &port, &error));
        QCOMPARE(host, QHostAddress(QHostAddress::LocalHostIPv6));
        QVERIFY(!push::PushEndpoint::parseHostPort(QStringLiteral("localhost"), &host, &port, &error));
        QVERIFY(!push::PushEndpoint::parseHostPort(QStringLiteral("127.0.0.1:99999"), &host, &port, &error));
        QVERIFY(error.contains(QStringLiteral("HOST:PORT")));
    }

private:
    // The endpoint as configured in production, verifying tokens against `jwksUrl`.
    static push::PushEndpoint::Settings settingsWith(const QUrl &jwksUrl) {
        push::PushEndpoint::Settings settings;
        settings.token.jwksUrl = jwksUrl;
        settings.token.audience = Audience;
        settings.token.serviceAccountEmail = PushAccount;
        return settings;
    }

    // A push token that passes every check, signed with the test's own published key.
    std::optional<QByteArray> validOwnToken() const {
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        QString error;
        return auth::Jwt::signRs256(
            QJsonObject{{QStringLiteral("kid"), QStringLiteral("own-key")}},
            QJsonObject{{QStringLiteral("aud"), Audience},
                        {QStringLiteral("email"), PushAccount},
                        {QStringLiteral("email_verified"), true},
                        {QStringLiteral("exp"), now + 600},
                        {QStringLiteral("iss"), QStringLiteral("https://accounts.google.com")}},
            m_ownKey, &error);
    }

    bool createSubscription(const QString &id, const QString &topic, const QString &endpoint,
                            const QString &audience) {
        const QJsonObject body{{QStringLiteral("topic"), topic},
                               {QStringLiteral("pushConfig"),
                                QJsonObject{{QStringLiteral("pushEndpoint"), endpoint},
                                            {QStringLiteral("oidcToken"),
                                             QJsonObject{{QStringLiteral("serviceAccountEmail"), PushAccount},
                                                         {QStringLiteral("audience"), audience}}}}}};
        const auto reply = m_env.sandbox.request(
            "PUT", QStringLiteral("/v1/projects/demo/subscriptions/%1").arg(id), QJsonDocument(body).toJson(),
            {{"Authorization", "Bearer " + m_token.toLatin1()}, {"Content-Type", "application/json"}});
        if (reply.status != 200)
            qWarning("create subscription: HTTP %d %s", reply.status, reply.body.constData());
        return reply.status == 200;
    }

    qint64 pubsubStat(const QString &name) {
        return m_env.sandbox.control("GET", QStringLiteral("/_sandbox/pubsub/stats"))
            .object()
            .value(name)
            .toVariant()
            .toLongLong();
    }

    // POST on this thread's event loop (the endpoint serves on this thread too).
    int post(quint16 port, const QJsonObject &body, const QByteArray &token) {
        QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/push").arg(port)));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        if (!token.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + token);
        QNetworkReply *reply = m_nam.post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!finished.wait(15000))
            return 0;
        reply->deleteLater();
        return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    }

    synctest::Env m_env{{QStringLiteral("--user"), QStringLiteral("seed@example.com")}};
    QString m_token;
    QByteArray m_ownKey;
    QHttpServer m_jwksServer;
    QUrl m_jwksUrl;
    QNetworkAccessManager m_nam;
};

QTEST_GUILESS_MAIN(TestPushEndpoint)
#include "TestPushEndpoint.moc"
