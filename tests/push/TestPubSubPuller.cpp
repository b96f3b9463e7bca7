// push::PubSubPuller against the real gmail-sandbox's Pub/Sub: a mailbox change on a watched user → pull →
// a push job → the engine runs it → the new message is in the table; coalescing, unknown addresses and
// poison messages are acknowledged; errors back off and recover.
#include "SyncTestEnv.h"

#include "push/PubSubPuller.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

namespace {

const QString Tenant = QStringLiteral("acme");
const QString Email = QStringLiteral("alice@acme.example");
const QString Topic = QStringLiteral("projects/demo/topics/gmail");

int queuedJobs() {
    return synctest::scalar(QStringLiteral("SELECT count(*) FROM sync_jobs WHERE status = 'queued'")).toInt();
}

} // namespace

class TestPubSubPuller final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_env.init());
        QVERIFY(m_env.addMailbox(Tenant, Email, 20, 10));
        const db::SyncJob initial = m_env.runToEnd(m_env.enqueue(Tenant, QStringLiteral("initial")));
        QCOMPARE(initial.status, QStringLiteral("succeeded"));
        m_token = m_env.sandbox.accessToken(Email);
        QCOMPARE(call("PUT", QStringLiteral("/v1/projects/demo/subscriptions/gmail-pull"),
                      QJsonObject{{QStringLiteral("topic"), Topic}}),
                 200);
        QCOMPARE(call("POST", QStringLiteral("/gmail/v1/users/me/watch"),
                      QJsonObject{{QStringLiteral("topicName"), Topic}}),
                 200);
    }

    void mailboxChangeIsPulledQueuedAndSynced() {
        QList<qint64> woken;
        push::PubSubPuller puller(settings(QStringLiteral("projects/demo/subscriptions/gmail-pull")),
                                  std::make_shared<auth::StaticTokenProvider>(m_token),
                                  [&woken](qint64 id) { woken << id; });
        QSignalSpy rounds(&puller, &push::PubSubPuller::roundFinished);
        puller.start();
        const QString newId = m_env.addMessage(Tenant, QStringLiteral("pulled message"));
        QVERIFY(!newId.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(!woken.isEmpty(), 15000);
        QTRY_VERIFY_WITH_TIMEOUT(stat(QStringLiteral("acknowledged")) >= 1, 5000);
        puller.stop();
        QCOMPARE(woken.size(), 1);

        const db::SyncJob job = m_env.runToEnd(woken.first());
        QCOMPARE(job.kind, jobs::JobKind::Push);
        QCOMPARE(job.status, QStringLiteral("succeeded"));
        QVERIFY(m_env.tableState(Tenant).contains(newId));
        QCOMPARE(m_env.diff(Tenant), QString());
    }

    void tenNotificationsQueueOneJob() {
        QCOMPARE(queuedJobs(), 0);
        const qint64 ackedBefore = stat(QStringLiteral("acknowledged"));
        for (int i = 0; i < 10; ++i)
            QVERIFY(publish(notification(Email, QString::number(1000 + i))));
        push::PubSubPuller puller(settings(QStringLiteral("projects/demo/subscriptions/gmail-pull")),
                                  std::make_shared<auth::StaticTokenProvider>(m_token));
        puller.start();
        QTRY_COMPARE_WITH_TIMEOUT(stat(QStringLiteral("acknowledged")), ackedBefore + 10, 15000);
        puller.stop();
        QCOMPARE(queuedJobs(), 1);
    }

    void unknownAddressAndPoisonAreAcknowledgedAndDropped() {
        db::JobRepository jobs(db::Database::connection());
        const QList<db::SyncJob> listed = jobs.listForTenant(Tenant, 100).value_or(QList<db::SyncJob>{});
        for (const db::SyncJob &job : listed)
            if (job.status == QLatin1String("queued"))
                QVERIFY(jobs.cancel(job.id));
        const int jobsBefore = synctest::scalar(QStringLiteral("SELECT count(*) FROM sync_jobs")).toInt();
        const qint64 ackedBefore = stat(QStringLiteral("acknowledged"));
        QVERIFY(publish(notification(QStringLiteral("stranger@nowhere.example"), QStringLiteral("5"))));
        QVERIFY(publish("this is not JSON"));
        QVERIFY(publish(R"({"historyId": 5})"));

        push::PubSubPuller puller(settings(QStringLiteral("projects/demo/subscriptions/gmail-pull")),
                                  std::make_shared<auth::StaticTokenProvider>(m_token));
        QSignalSpy rounds(&puller, &push::PubSubPuller::roundFinished);
        puller.start();
        QTRY_COMPARE_WITH_TIMEOUT(stat(QStringLiteral("acknowledged")), ackedBefore + 3, 15000);
        puller.stop();
        QCOMPARE(synctest::scalar(QStringLiteral("SELECT count(*) FROM sync_jobs")).toInt(), jobsBefore);
        // Acknowledged means gone: a later pull gets nothing back (no redelivery).
        QTest::qWait(200);
        const auto reply = m_env.sandbox.request(
            "POST", QStringLiteral("/v1/projects/demo/subscriptions/gmail-pull:pull"),
            QJsonDocument(QJsonObject{{QStringLiteral("maxMessages"), 10}}).toJson(),
            {{"Authorization", "Bearer " + m_token.toLatin1()}, {"Content-Type", "application/json"}});
        QCOMPARE(reply.status, 200);
        QVERIFY(reply.json().value(QStringLiteral("receivedMessages")).toArray().isEmpty());
    }

    void errorsBackOffAndRecover() {
        // The subscription does not exist yet: 404s, retried with growing delays.
        push::PubSubPuller puller(settings(QStringLiteral("projects/demo/subscriptions/late")),
                                  std::make_shared<auth::StaticTokenProvider>(m_token));
        QSignalSpy failed(&puller, &push::PubSubPuller::failed);
        QSignalSpy rounds(&puller, &push::PubSubPuller::roundFinished);
        puller.start();
        QTRY_VERIFY_WITH_TIMEOUT(failed.size() >= 3, 10000);
        const auto delay = [&](int i) { return failed.at(i).at(1).value<std::chrono::milliseconds>(); };
        QVERIFY(delay(1) > delay(0));
        QVERIFY(delay(2) > delay(1));
        QVERIFY(failed.first().first().toString().contains(QStringLiteral("404")));
        QCOMPARE(call("PUT", QStringLiteral("/v1/projects/demo/subscriptions/late"),
                      QJsonObject{{QStringLiteral("topic"), Topic}}),
                 200);
        QTRY_VERIFY_WITH_TIMEOUT(!rounds.isEmpty(), 10000);
        QCOMPARE(puller.consecutiveFailures(), 0);
    }

    void refusedTokenIsAnError() {
        push::PubSubPuller puller(settings(QStringLiteral("projects/demo/subscriptions/gmail-pull")),
                                  std::make_shared<auth::StaticTokenProvider>(QStringLiteral("bogus")));
        QSignalSpy failed(&puller, &push::PubSubPuller::failed);
        puller.start();
        QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 10000);
        QVERIFY(failed.first().first().toString().contains(QStringLiteral("401")));
        QVERIFY(!failed.first().first().toString().contains(QStringLiteral("bogus")));
    }

private:
    push::PubSubPuller::Settings settings(const QString &subscription) const {
        push::PubSubPuller::Settings s;
        s.pubsubUrl = m_env.sandbox.url();
        s.subscription = subscription;
        s.idleInterval = std::chrono::milliseconds(100);
        s.backoffBase = std::chrono::milliseconds(100);
        return s;
    }

    static QByteArray notification(const QString &address, const QString &historyId) {
        return QJsonDocument(QJsonObject{{QStringLiteral("emailAddress"), address},
                                         {QStringLiteral("historyId"), historyId}})
            .toJson(QJsonDocument::Compact);
    }

    bool publish(const QByteArray &data) {
        return call("POST",
                    Topic.section(u'/', 0, 1).prepend(QStringLiteral("/v1/")) +
                        QStringLiteral("/topics/gmail:publish"),
                    QJsonObject{{QStringLiteral("messages"),
                                 QJsonArray{QJsonObject{{QStringLiteral("data"),
                                                         QString::fromLatin1(data.toBase64())}}}}}) == 200;
    }

    int call(const QByteArray &method, const QString &path, const QJsonObject &body) {
        const auto reply = m_env.sandbox.request(
            method, path, QJsonDocument(body).toJson(),
            {{"Authorization", "Bearer " + m_token.toLatin1()}, {"Content-Type", "application/json"}});
        if (reply.status != 200)
            qWarning("%s %s: HTTP %d %s", method.constData(), qPrintable(path), reply.status,
                     reply.body.constData());
        return reply.status;
    }

    qint64 stat(const QString &name) {
        return m_env.sandbox.control("GET", QStringLiteral("/_sandbox/pubsub/stats"))
            .object()
            .value(name)
            .toVariant()
            .toLongLong();
    }

    synctest::Env m_env{{QStringLiteral("--user"), QStringLiteral("seed@example.com")}};
    QString m_token;
};

QTEST_GUILESS_MAIN(TestPubSubPuller)
#include "TestPubSubPuller.moc"
