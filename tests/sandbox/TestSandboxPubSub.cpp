#include "MailboxStore.h"
#include "OAuthService.h"
#include "PubSubService.h"
#include "ServiceAccountRegistry.h"
#include "TokenStore.h"

#include "auth/Jwt.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTcpServer>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <memory>

namespace {

struct Reply {
    int status = 0;
    QJsonObject json;
};

struct PushReceived {
    QByteArray authorization;
    QJsonObject body;
    qint64 atMs = 0;
};

const QString Topic = QStringLiteral("projects/sandbox-project/topics/gmail");

} // namespace

// Pub/Sub of the sandbox over real HTTP on 127.0.0.1: pull/ack, redelivery after the ack deadline, push with
// an OIDC token that verifies against the published JWKS, retries with backoff, and Gmail watch
// notifications.
class TestSandboxPubSub final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void bearerRequired();
    void pullAndAcknowledge();
    void redeliveryAfterAckDeadline();
    void nackRedeliversAtOnce();
    void subscriptionValidation();
    void gmailWatchNotificationsCoalesced();
    void pushWithOidcTokenAndRetry();
    void changesFromAnotherThread();

private:
    Reply call(const QByteArray &verb, const QString &path, const QJsonObject &body = {},
               bool withToken = true);
    QJsonArray pullMessages(const QString &subscription, int max = 10);
    void waitUntil(const std::function<bool()> &condition, int timeoutMs);

    sandbox::TokenStore m_tokens;
    sandbox::MailboxStore m_mailboxes;
    sandbox::ServiceAccountRegistry m_accounts;
    std::unique_ptr<sandbox::OAuthService> m_oauth;
    std::unique_ptr<sandbox::PubSubService> m_pubsub;
    QHash<QString, QString> m_watches; // email → topic, standing in for users.watch
    QHttpServer m_server;
    QHttpServer m_pushReceiver;
    QList<PushReceived> m_pushes;
    QList<int> m_pushAnswers; // statuses the receiver answers, in order; then 204
    QUrl m_base;
    QString m_pushUrl;
    QString m_token;
    QNetworkAccessManager m_nam;
};

void TestSandboxPubSub::initTestCase() {
    m_oauth = std::make_unique<sandbox::OAuthService>(m_tokens, m_mailboxes, m_accounts);
    m_pubsub = std::make_unique<sandbox::PubSubService>(
        m_tokens, m_accounts, [this](const QString &email) { return m_watches.value(email); });
    m_mailboxes.onChanged = [this](const QString &email, quint64 historyId) {
        m_pubsub->mailboxChanged(email, historyId);
    };
    m_oauth->registerRoutes(m_server);
    m_pubsub->registerRoutes(m_server);
    auto *tcp = new QTcpServer(&m_server);
    QVERIFY(tcp->listen(QHostAddress::LocalHost, 0));
    m_server.bind(tcp);
    m_base = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(tcp->serverPort()));

    m_pushReceiver.route(QStringLiteral("/push"), [this](const QHttpServerRequest &request) {
        m_pushes.append({request.value("Authorization"), QJsonDocument::fromJson(request.body()).object(),
                         QDateTime::currentMSecsSinceEpoch()});
        const int status = m_pushAnswers.isEmpty() ? 204 : m_pushAnswers.takeFirst();
        return QHttpServerResponse(static_cast<QHttpServerResponse::StatusCode>(status));
    });
    auto *receiverTcp = new QTcpServer(&m_pushReceiver);
    QVERIFY(receiverTcp->listen(QHostAddress::LocalHost, 0));
    m_pushReceiver.bind(receiverTcp);
    m_pushUrl = QStringLiteral("http://127.0.0.1:%1/push").arg(receiverTcp->serverPort());

    m_token = m_tokens.issueAccessToken(QStringLiteral("ops@example.com"),
                                        {QStringLiteral("https://www.googleapis.com/auth/pubsub")});
}

Reply TestSandboxPubSub::call(const QByteArray &verb, const QString &path, const QJsonObject &body,
                              bool withToken) {
    QNetworkRequest request(m_base.resolved(QUrl(path)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (withToken)
        request.setRawHeader("Authorization", "Bearer " + m_token.toLatin1());
    QNetworkReply *reply =
        m_nam.sendCustomRequest(request, verb, QJsonDocument(body).toJson(QJsonDocument::Compact));
    QEventLoop loop;
    connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    loop.exec();
    Reply result{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                 QJsonDocument::fromJson(reply->readAll()).object()};
    reply->deleteLater();
    return result;
}

QJsonArray TestSandboxPubSub::pullMessages(const QString &subscription, int max) {
    const Reply reply =
        call("POST", QStringLiteral("/v1/projects/sandbox-project/subscriptions/%1:pull").arg(subscription),
             {{QStringLiteral("maxMessages"), max}});
    return reply.status == 200 ? reply.json.value(QLatin1String("receivedMessages")).toArray() : QJsonArray();
}

void TestSandboxPubSub::waitUntil(const std::function<bool()> &condition, int timeoutMs) {
    QElapsedTimer timer;
    timer.start();
    while (!condition() && timer.elapsed() < timeoutMs)
        QTest::qWait(20);
}

void TestSandboxPubSub::bearerRequired() {
    const Reply reply = call("PUT", QStringLiteral("/v1/projects/sandbox-project/topics/t1"), {}, false);
    QCOMPARE(reply.status, 401);
    QCOMPARE(reply.json.value(QLatin1String("error")).toObject().value(QLatin1String("status")).toString(),
             QStringLiteral("UNAUTHENTICATED"));
}

void TestSandboxPubSub::pullAndAcknowledge() {
    QCOMPARE(call("PUT", QStringLiteral("/v1/projects/sandbox-project/topics/orders")).status, 200);
    QCOMPARE(call("PUT", QStringLiteral("/v1/projects/sandbox-project/topics/orders")).status, 409);
    const Reply created =
        call("PUT", QStringLiteral("/v1/projects/sandbox-project/subscriptions/orders-pull"),
             {{QStringLiteral("topic"), QStringLiteral("projects/sandbox-project/topics/orders")}});
    QCOMPARE(created.status, 200);
    QCOMPARE(created.json.value(QLatin1String("ackDeadlineSeconds")).toInt(), 10);

    QVERIFY(pullMessages(QStringLiteral("orders-pull")).isEmpty()); // nothing yet: {}
    const Reply published = call(
        "POST", QStringLiteral("/v1/projects/sandbox-project/topics/orders:publish"),
        {{QStringLiteral("messages"),
          QJsonArray{
              QJsonObject{
                  {QStringLiteral("data"), QString::fromLatin1(QByteArray("one").toBase64())},
                  {QStringLiteral("attributes"), QJsonObject{{QStringLiteral("k"), QStringLiteral("v")}}}},
              QJsonObject{{QStringLiteral("data"), QString::fromLatin1(QByteArray("two").toBase64())}}}}});
    QCOMPARE(published.status, 200);
    QCOMPARE(published.json.value(QLatin1String("messageIds")).toArray().size(), 2);

    const QJsonArray received = pullMessages(QStringLiteral("orders-pull"));
    QCOMPARE(received.size(), 2);
    const QJsonObject first = received.at(0).toObject();
    QVERIFY(!first.value(QLatin1String("ackId")).toString().isEmpty());
    const QJsonObject message = first.value(QLatin1String("message")).toObject();
    QCOMPARE(QByteArray::fromBase64(message.value(QLatin1String("data")).toString().toLatin1()),
             QByteArray("one"));
    QCOMPARE(message.value(QLatin1String("attributes")).toObject().value(QLatin1String("k")).toString(),
             QStringLiteral("v"));
    QCOMPARE(message.value(QLatin1String("messageId")).toString(),
             published.json.value(QLatin1String("messageIds")).toArray().at(0).toString());
    QVERIFY(QDateTime::fromString(message.value(QLatin1String("publishTime")).toString(), Qt::ISODateWithMs)
                .isValid());

    // Leased: a second pull gets nothing until the deadline passes.
    QVERIFY(pullMessages(QStringLiteral("orders-pull")).isEmpty());
    QJsonArray ackIds;
    for (const QJsonValue &value : received)
        ackIds.append(value.toObject().value(QLatin1String("ackId")));
    const Reply acked =
        call("POST", QStringLiteral("/v1/projects/sandbox-project/subscriptions/orders-pull:acknowledge"),
             {{QStringLiteral("ackIds"), ackIds}});
    QCOMPARE(acked.status, 200);
    QVERIFY(acked.json.isEmpty());
    QCOMPARE(m_pubsub->stats().value(QLatin1String("unacknowledged")).toInteger(), 0);
}

void TestSandboxPubSub::redeliveryAfterAckDeadline() {
    QCOMPARE(call("PUT", QStringLiteral("/v1/projects/sandbox-project/subscriptions/redeliver"),
                  {{QStringLiteral("topic"), QStringLiteral("projects/sandbox-project/topics/redeliver")}})
                 .status,
             200);
    m_pubsub->publish(QStringLiteral("projects/sandbox-project/topics/redeliver"), "again");
    const QJsonArray first = pullMessages(QStringLiteral("redeliver"));
    QCOMPARE(first.size(), 1);
    const QString firstAck = first.at(0).toObject().value(QLatin1String("ackId")).toString();
    // Shorten the lease to one second (modifyAckDeadline accepts 0–600 s), then let it lapse unacknowledged.
    QCOMPARE(
        call("POST", QStringLiteral("/v1/projects/sandbox-project/subscriptions/redeliver:modifyAckDeadline"),
             {{QStringLiteral("ackIds"), QJsonArray{firstAck}}, {QStringLiteral("ackDeadlineSeconds"), 1}})
            .status,
        200);
    QVERIFY(pullMessages(QStringLiteral("redeliver")).isEmpty());
    QTest::qWait(1200);
    const QJsonArray second = pullMessages(QStringLiteral("redeliver"));
    QCOMPARE(second.size(), 1);
    const QJsonObject again = second.at(0).toObject();
    QCOMPARE(
        again.value(QLatin1String("message")).toObject().value(QLatin1String("messageId")),
        first.at(0).toObject().value(QLatin1String("message")).toObject().value(QLatin1String("messageId")));
    QVERIFY(again.value(QLatin1String("ackId")).toString() != firstAck);
    // The stale ack id no longer acknowledges; the fresh one does.
    call("POST", QStringLiteral("/v1/projects/sandbox-project/subscriptions/redeliver:acknowledge"),
         {{QStringLiteral("ackIds"), QJsonArray{firstAck}}});
    QCOMPARE(m_pubsub->stats().value(QLatin1String("unacknowledged")).toInteger(), 1);
    call("POST", QStringLiteral("/v1/projects/sandbox-project/subscriptions/redeliver:acknowledge"),
         {{QStringLiteral("ackIds"), QJsonArray{again.value(QLatin1String("ackId"))}}});
    QCOMPARE(m_pubsub->stats().value(QLatin1String("unacknowledged")).toInteger(), 0);
    QVERIFY(m_pubsub->stats().value(QLatin1String("redelivered")).toInteger() >= 1);
}

void TestSandboxPubSub::nackRedeliversAtOnce() {
    QCOMPARE(call("PUT", QStringLiteral("/v1/projects/sandbox-project/subscriptions/nack"),
                  {{QStringLiteral("topic"), QStringLiteral("projects/sandbox-project/topics/nack")}})
                 .status,
             200);
    m_pubsub->publish(QStringLiteral("projects/sandbox-project/topics/nack"), "x");
    const QJsonArray first = pullMessages(QStringLiteral("nack"));
    QCOMPARE(first.size(), 1);
    call("POST", QStringLiteral("/v1/projects/sandbox-project/subscriptions/nack:modifyAckDeadline"),
         {{QStringLiteral("ackIds"), QJsonArray{first.at(0).toObject().value(QLatin1String("ackId"))}},
          {QStringLiteral("ackDeadlineSeconds"), 0}});
    QCOMPARE(pullMessages(QStringLiteral("nack")).size(), 1);
}

void TestSandboxPubSub::subscriptionValidation() {
    QCOMPARE(call("PUT", QStringLiteral("/v1/projects/sandbox-project/subscriptions/bad-deadline"),
                  {{QStringLiteral("topic"), Topic}, {QStringLiteral("ackDeadlineSeconds"), 5}})
                 .status,
             400);
    QCOMPARE(call("PUT", QStringLiteral("/v1/projects/sandbox-project/subscriptions/bad-topic"),
                  {{QStringLiteral("topic"), QStringLiteral("gmail")}})
                 .status,
             400);
    const Reply missing = call("POST", QStringLiteral("/v1/projects/sandbox-project/subscriptions/nope:pull"),
                               {{QStringLiteral("maxMessages"), 1}});
    QCOMPARE(missing.status, 404);
    QCOMPARE(missing.json.value(QLatin1String("error")).toObject().value(QLatin1String("status")).toString(),
             QStringLiteral("NOT_FOUND"));
}

void TestSandboxPubSub::gmailWatchNotificationsCoalesced() {
    const QString user = QStringLiteral("carol@example.com");
    auto mailbox = m_mailboxes.create(user);
    QCOMPARE(call("PUT", QStringLiteral("/v1/projects/sandbox-project/subscriptions/gmail-pull"),
                  {{QStringLiteral("topic"), Topic}})
                 .status,
             200);
    const QByteArray raw = "From: a@example.com\r\nTo: carol@example.com\r\nSubject: hi\r\n\r\nbody\r\n";
    mailbox->add(raw, {QStringLiteral("INBOX")}, QDateTime::currentMSecsSinceEpoch());
    QTest::qWait(50);
    QVERIFY(pullMessages(QStringLiteral("gmail-pull")).isEmpty()); // no watch → no notification

    m_watches.insert(user, Topic);
    QElapsedTimer timer;
    timer.start();
    // A burst of ten changes: Gmail sends at most one notification per second per user.
    for (int i = 0; i < 10; ++i)
        mailbox->add(raw, {QStringLiteral("INBOX")}, QDateTime::currentMSecsSinceEpoch());
    QJsonArray notifications;
    waitUntil(
        [&] {
            for (const QJsonValue &value : pullMessages(QStringLiteral("gmail-pull")))
                notifications.append(value);
            return notifications.size() >= 2;
        },
        3000);
    QCOMPARE(notifications.size(), 2); // the first change at once, the other nine in one notification
    QVERIFY(timer.elapsed() >= 900);
    const auto decode = [](const QJsonValue &value) {
        return QJsonDocument::fromJson(QByteArray::fromBase64(value.toObject()
                                                                  .value(QLatin1String("message"))
                                                                  .toObject()
                                                                  .value(QLatin1String("data"))
                                                                  .toString()
                                                                  .toLatin1()))
            .object();
    };
    const QJsonObject last = decode(notifications.last());
    QCOMPARE(last.value(QLatin1String("emailAddress")).toString(), user);
    // Gmail push guide: {"emailAddress": "user@example.com", "historyId": "9876543210"}
    QVERIFY(last.value(QLatin1String("historyId")).isString());
    QCOMPARE(last.value(QLatin1String("historyId")).toString().toULongLong(), mailbox->historyId());
    QVERIFY(decode(notifications.first()).value(QLatin1String("historyId")).toString().toULongLong() <
            mailbox->historyId());
    m_watches.remove(user);
}

void TestSandboxPubSub::pushWithOidcTokenAndRetry() {
    const QString audience = QStringLiteral("https://sync.example.com/push");
    const QString pusher = QStringLiteral("push-invoker@sandbox-project.iam.gserviceaccount.com");
    const Reply created =
        call("PUT", QStringLiteral("/v1/projects/sandbox-project/subscriptions/gmail-push"),
             {{QStringLiteral("topic"), QStringLiteral("projects/sandbox-project/topics/push-topic")},
              {QStringLiteral("pushConfig"),
               QJsonObject{
                   {QStringLiteral("pushEndpoint"), m_pushUrl},
                   {QStringLiteral("oidcToken"), QJsonObject{{QStringLiteral("serviceAccountEmail"), pusher},
                                                             {QStringLiteral("audience"), audience}}}}},
              {QStringLiteral("retryPolicy"),
               QJsonObject{{QStringLiteral("minimumBackoff"), QStringLiteral("0.2s")},
                           {QStringLiteral("maximumBackoff"), QStringLiteral("1s")}}}});
    QCOMPARE(created.status, 200);
    QCOMPARE(created.json.value(QLatin1String("retryPolicy"))
                 .toObject()
                 .value(QLatin1String("minimumBackoff"))
                 .toString(),
             QStringLiteral("0.2s"));

    m_pushes.clear();
    m_pushAnswers = {500, 503}; // two failures, then success
    const QString id = m_pubsub->publish(QStringLiteral("projects/sandbox-project/topics/push-topic"),
                                         "{\"x\":1}", {{QStringLiteral("origin"), QStringLiteral("test")}});
    waitUntil([&] { return m_pushes.size() >= 3; }, 5000);
    QTest::qWait(300); // a fourth delivery would be a bug: the third was answered 204
    QCOMPARE(m_pushes.size(), 3);
    QVERIFY(m_pushes[1].atMs - m_pushes[0].atMs >= 180); // backoff ≥ minimumBackoff
    QVERIFY(m_pushes[2].atMs - m_pushes[1].atMs >= 350); // doubled
    QCOMPARE(m_pubsub->stats().value(QLatin1String("pushFailures")).toInteger(), 2);

    const QJsonObject body = m_pushes.last().body;
    QCOMPARE(body.value(QLatin1String("subscription")).toString(),
             QStringLiteral("projects/sandbox-project/subscriptions/gmail-push"));
    const QJsonObject message = body.value(QLatin1String("message")).toObject();
    QCOMPARE(message.value(QLatin1String("messageId")).toString(), id);
    QCOMPARE(message.value(QLatin1String("message_id")).toString(), id);
    QCOMPARE(QByteArray::fromBase64(message.value(QLatin1String("data")).toString().toLatin1()),
             QByteArray("{\"x\":1}"));
    QCOMPARE(message.value(QLatin1String("attributes")).toObject().value(QLatin1String("origin")).toString(),
             QStringLiteral("test"));
    QVERIFY(!message.value(QLatin1String("publishTime")).toString().isEmpty());

    // The bearer token is an OIDC ID token that verifies against the JWKS at /oauth2/v3/certs.
    const QByteArray authorization = m_pushes.last().authorization;
    QVERIFY(authorization.startsWith("Bearer "));
    const QByteArray jwt = authorization.mid(7);
    QString error;
    const auto unverified = auth::Jwt::decode(jwt, &error);
    QVERIFY2(unverified, qPrintable(error));
    const QString kid = unverified->header.value(QLatin1String("kid")).toString();
    QVERIFY(!kid.isEmpty());
    const Reply certs = call("GET", QStringLiteral("/oauth2/v3/certs"), {}, false);
    QCOMPARE(certs.status, 200);
    QJsonObject jwk;
    for (const QJsonValue &key : certs.json.value(QLatin1String("keys")).toArray()) {
        if (key.toObject().value(QLatin1String("kid")).toString() == kid)
            jwk = key.toObject();
    }
    QVERIFY(!jwk.isEmpty());
    const auto token = auth::Jwt::verifyRs256(jwt, jwk, &error);
    QVERIFY2(token, qPrintable(error));
    QCOMPARE(token->claims.value(QLatin1String("iss")).toString(),
             QStringLiteral("https://accounts.google.com"));
    QCOMPARE(token->claims.value(QLatin1String("aud")).toString(), audience);
    QCOMPARE(token->claims.value(QLatin1String("email")).toString(), pusher);
    QCOMPARE(token->claims.value(QLatin1String("email_verified")).toBool(), true);
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    QVERIFY(token->claims.value(QLatin1String("exp")).toInteger() > now);
    QVERIFY(token->claims.value(QLatin1String("iat")).toInteger() <= now + 1);
    QVERIFY(!token->claims.value(QLatin1String("sub")).toString().isEmpty());
    // A token altered in transit does not verify.
    QByteArray forged = jwt;
    forged[forged.size() - 5] = forged[forged.size() - 5] == 'A' ? 'B' : 'A';
    QVERIFY(!auth::Jwt::verifyRs256(forged, jwk, &error));
}

// gmail-sandbox fills mailboxes on a setup thread: 10,000 changes from there become one notification.
void TestSandboxPubSub::changesFromAnotherThread() {
    const QString user = QStringLiteral("erin@example.com");
    const QString topic = QStringLiteral("projects/sandbox-project/topics/threaded");
    QCOMPARE(call("PUT", QStringLiteral("/v1/projects/sandbox-project/subscriptions/threaded"),
                  {{QStringLiteral("topic"), topic}})
                 .status,
             200);
    m_watches.insert(user, topic);
    std::unique_ptr<QThread> thread(QThread::create([this, user] {
        for (quint64 id = 1; id <= 10000; ++id)
            m_pubsub->mailboxChanged(user, id);
    }));
    thread->start();
    QVERIFY(thread->wait(30000));
    QJsonArray received;
    waitUntil(
        [&] {
            for (const QJsonValue &value : pullMessages(QStringLiteral("threaded")))
                received.append(value);
            return !received.isEmpty();
        },
        3000);
    QTest::qWait(1200); // a second notification would arrive within the one-second window
    for (const QJsonValue &value : pullMessages(QStringLiteral("threaded")))
        received.append(value);
    m_watches.remove(user);
    QCOMPARE(received.size(), 1);
    const QJsonObject data =
        QJsonDocument::fromJson(QByteArray::fromBase64(received.at(0)
                                                           .toObject()
                                                           .value(QLatin1String("message"))
                                                           .toObject()
                                                           .value(QLatin1String("data"))
                                                           .toString()
                                                           .toLatin1()))
            .object();
    QCOMPARE(data.value(QLatin1String("historyId")).toString(), QStringLiteral("10000"));
}

QTEST_GUILESS_MAIN(TestSandboxPubSub)
#include "TestSandboxPubSub.moc"
