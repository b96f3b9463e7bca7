// `gmail-sync worker` with push configured, through the real binary: it starts the Gmail watch itself,
// pulls the notification from the sandbox's Pub/Sub and syncs the new message; with --listen it takes the
// sandbox's push deliveries; --listen without a configured audience is refused.
#include "SyncTestEnv.h"

#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QString Tenant = QStringLiteral("acme");
const QString Email = QStringLiteral("alice@acme.example");
const QString Audience = QStringLiteral("https://gsa.example/push");
const QString PushAccount = QStringLiteral("gmail-push@demo-project.iam.gserviceaccount.com");

quint16 freePort() {
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

} // namespace

class TestWorkerPush final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_home.isValid());
        QVERIFY(m_env.init());
        QVERIFY(m_env.addMailbox(Tenant, Email, 10, 10));
        QCOMPARE(m_env.runToEnd(m_env.enqueue(Tenant, QStringLiteral("initial"))).status,
                 QStringLiteral("succeeded"));
        m_token = m_env.sandbox.accessToken(Email);
    }

    void workerWatchesPullsAndSyncs() {
        QVERIFY(sandboxCall(
            "PUT", QStringLiteral("/v1/projects/demo/subscriptions/worker-pull"),
            QJsonObject{{QStringLiteral("topic"), QStringLiteral("projects/demo/topics/pulled")}}));
        QProcess worker;
        worker.setProcessEnvironment(environment(
            {QStringLiteral("GMAIL_SYNC_PUBSUB_SUBSCRIPTION=projects/demo/subscriptions/worker-pull"),
             QStringLiteral("GMAIL_SYNC_WATCH_TOPIC=projects/demo/topics/pulled")}));
        worker.start(binary(),
                     {QStringLiteral("worker"), QStringLiteral("--concurrency"), QStringLiteral("1")});
        QVERIFY(worker.waitForStarted());
        // The worker's watch renewal starts the missing watch and stores it.
        db::TenantRepository tenants(db::Database::connection());
        QTRY_VERIFY_WITH_TIMEOUT(
            tenants.find(Tenant)->watchTopic == QLatin1String("projects/demo/topics/pulled"), 20000);
        QVERIFY(tenants.find(Tenant)->watchExpiresAt > QDateTime::currentDateTimeUtc().addDays(6));

        const QString newId = m_env.addMessage(Tenant, QStringLiteral("pulled by the worker"));
        QTRY_VERIFY_WITH_TIMEOUT(m_env.tableState(Tenant).contains(newId), 30000);
        // The rows land before the job settles (its last step commits, then it is marked succeeded).
        QTRY_COMPARE_WITH_TIMEOUT(pushJobs(QStringLiteral("succeeded")), 1, 10000);
        worker.terminate();
        QVERIFY(worker.waitForFinished(30000));
        QCOMPARE(worker.exitCode(), 0);
        QCOMPARE(m_env.diff(Tenant), QString());
    }

    void workerServesPushEndpoint() {
        const quint16 port = freePort();
        QVERIFY(port != 0);
        {
            db::TenantRepository tenants(db::Database::connection());
            QVERIFY(tenants.setWatch(Tenant, QStringLiteral("projects/demo/topics/pushed"),
                                     QDateTime::currentDateTimeUtc().addSecs(3600)));
        }
        QProcess worker;
        worker.setProcessEnvironment(
            environment({QStringLiteral("GMAIL_SYNC_PUSH_AUDIENCE=") + Audience,
                         QStringLiteral("GMAIL_SYNC_PUSH_SERVICE_ACCOUNT=") + PushAccount,
                         QStringLiteral("GMAIL_SYNC_JWKS_URL=") + m_env.sandbox.url().toString() +
                             QStringLiteral("/oauth2/v3/certs")}));
        worker.start(binary(),
                     {QStringLiteral("worker"), QStringLiteral("--concurrency"), QStringLiteral("1"),
                      QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(port)});
        QVERIFY(worker.waitForStarted());
        QByteArray stderrText;
        QTRY_VERIFY2_WITH_TIMEOUT(
            (stderrText += worker.readAllStandardError()).contains("push endpoint on port"),
            stderrText.constData(), 20000);

        QVERIFY(sandboxCall(
            "PUT", QStringLiteral("/v1/projects/demo/subscriptions/worker-push"),
            QJsonObject{{QStringLiteral("topic"), QStringLiteral("projects/demo/topics/pushed")},
                        {QStringLiteral("pushConfig"),
                         QJsonObject{{QStringLiteral("pushEndpoint"),
                                      QStringLiteral("http://127.0.0.1:%1/push").arg(port)},
                                     {QStringLiteral("oidcToken"),
                                      QJsonObject{{QStringLiteral("serviceAccountEmail"), PushAccount},
                                                  {QStringLiteral("audience"), Audience}}}}}}));
        // The stored watch expires within the day: the worker renews it at start (users.watch).
        db::TenantRepository tenants(db::Database::connection());
        QTRY_VERIFY_WITH_TIMEOUT(
            tenants.find(Tenant)->watchExpiresAt > QDateTime::currentDateTimeUtc().addDays(6), 20000);
        const int before = pushJobs(QStringLiteral("succeeded"));
        const QString newId = m_env.addMessage(Tenant, QStringLiteral("pushed to the worker"));
        QTRY_VERIFY_WITH_TIMEOUT(m_env.tableState(Tenant).contains(newId), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(pushJobs(QStringLiteral("succeeded")), before + 1, 10000);
        worker.terminate();
        QVERIFY(worker.waitForFinished(30000));
        QCOMPARE(worker.exitCode(), 0);
    }

    void listenWithoutAudienceIsRefused() {
        QProcess worker;
        worker.setProcessEnvironment(environment({}));
        worker.start(binary(), {QStringLiteral("worker"), QStringLiteral("--listen"),
                                QStringLiteral("127.0.0.1:%1").arg(freePort())});
        QVERIFY(worker.waitForFinished(30000));
        QVERIFY(worker.exitCode() != 0);
        QVERIFY(worker.readAllStandardError().contains("GMAIL_SYNC_PUSH_AUDIENCE"));
    }

    void watchCommandStartsAndStops() {
        QProcess cli;
        cli.setProcessEnvironment(environment({}));
        cli.start(binary(), {QStringLiteral("watch"), Tenant, QStringLiteral("--topic"),
                             QStringLiteral("projects/demo/topics/cli")});
        QVERIFY(cli.waitForFinished(30000));
        QCOMPARE(cli.exitCode(), 0);
        QVERIFY(cli.readAllStandardOutput().contains("projects/demo/topics/cli"));
        db::TenantRepository tenants(db::Database::connection());
        QCOMPARE(tenants.find(Tenant)->watchTopic, QStringLiteral("projects/demo/topics/cli"));
        QVERIFY(tenants.find(Tenant)->watchExpiresAt > QDateTime::currentDateTimeUtc().addDays(6));

        cli.start(binary(), {QStringLiteral("watch"), Tenant, QStringLiteral("--stop")});
        QVERIFY(cli.waitForFinished(30000));
        QCOMPARE(cli.exitCode(), 0);
        QVERIFY(tenants.find(Tenant)->watchTopic.isEmpty());

        cli.start(binary(), {QStringLiteral("watch"), Tenant});
        QVERIFY(cli.waitForFinished(30000));
        QCOMPARE(cli.exitCode(), 2);
        QVERIFY(cli.readAllStandardError().contains("--topic"));
    }

private:
    static QString binary() { return qEnvironmentVariable("GSA_BIN_DIR") + QStringLiteral("/gmail-sync"); }

    QProcessEnvironment environment(const QStringList &extra) const {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("GMAIL_SYNC_DATABASE_URL"), m_env.tdb.url());
        env.insert(QStringLiteral("GMAIL_SYNC_GMAIL_API_URL"), m_env.sandbox.url().toString());
        env.insert(QStringLiteral("GMAIL_SYNC_PUBSUB_URL"), m_env.sandbox.url().toString());
        env.insert(QStringLiteral("GMAIL_SYNC_ACCESS_TOKEN"), m_token);
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_home.path());
        for (const QString &kv : extra)
            env.insert(kv.section(QLatin1Char('='), 0, 0), kv.section(QLatin1Char('='), 1));
        return env;
    }

    bool sandboxCall(const QByteArray &method, const QString &path, const QJsonObject &body) {
        const auto reply = m_env.sandbox.request(
            method, path, QJsonDocument(body).toJson(),
            {{"Authorization", "Bearer " + m_token.toLatin1()}, {"Content-Type", "application/json"}});
        if (reply.status != 200)
            qWarning("%s %s: HTTP %d %s", method.constData(), qPrintable(path), reply.status,
                     reply.body.constData());
        return reply.status == 200;
    }

    int pushJobs(const QString &status) {
        return synctest::scalar(
                   QStringLiteral("SELECT count(*) FROM sync_jobs WHERE kind = 'push' AND status = '%1'")
                       .arg(status))
            .toInt();
    }

    QTemporaryDir m_home;
    synctest::Env m_env{{QStringLiteral("--user"), QStringLiteral("seed@example.com")}};
    QString m_token;
};

QTEST_GUILESS_MAIN(TestWorkerPush)
#include "TestWorkerPush.moc"
