#include "TestDatabase.h"
#include "db/Database.h"
#include "db/IntegrationRepository.h"
#include "db/JobRepository.h"
#include "db/MessageFailureRepository.h"
#include "db/TenantRepository.h"
#include "ops/AlertService.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>

#include <memory>

namespace {

// A webhook receiver on 127.0.0.1: records each POSTed body and answers 500 to the first `failFirst`
// requests, 200 after that (a Slack/Teams endpoint that is down for a while).
class WebhookReceiver final : public QObject {
public:
    explicit WebhookReceiver(int failFirst)
        : m_failFirst(failFirst) {
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection())
                QObject::connect(s, &QTcpSocket::readyRead, this, [this, s] { read(s); });
        });
        m_server.listen(QHostAddress::LocalHost);
    }
    QUrl url() const {
        return QUrl(QStringLiteral("http://127.0.0.1:%1/hook/secret-path").arg(m_server.serverPort()));
    }
    QList<QJsonObject> accepted;
    int requests = 0;

private:
    void read(QTcpSocket *s) {
        QByteArray &buf = m_buffers[s];
        buf += s->readAll();
        const qsizetype end = buf.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const qsizetype at = buf.toLower().indexOf("content-length:");
        const qsizetype length =
            at < 0 ? 0 : buf.mid(at + 15, buf.indexOf("\r\n", at) - at - 15).trimmed().toLongLong();
        if (buf.size() < end + 4 + length)
            return;
        const bool fail = ++requests <= m_failFirst;
        if (!fail)
            accepted.append(QJsonDocument::fromJson(buf.mid(end + 4, length)).object());
        s->write(fail ? "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                      : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        s->disconnectFromHost();
        m_buffers.remove(s);
    }
    QTcpServer m_server;
    int m_failFirst;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

} // namespace

// Alerts: one POST per tenant and condition while it holds, retried while the receiver fails, raised anew
// only after the condition ended.
class TestAlerts final : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<testsupport::TestDatabase> m_testDb;

    static void addTenant(const QString &id) {
        db::TenantRepository tenants(db::Database::connection());
        db::Tenant t;
        t.id = id;
        t.gmailAddress = QStringLiteral("ops@%1.example").arg(id);
        QVERIFY(tenants.add(t));
    }

    static void finishJob(const QString &tenant, bool ok) {
        db::JobRepository jobs(db::Database::connection());
        const auto id = jobs.enqueue(tenant, ::jobs::IncrementalParams{}, true);
        QVERIFY(id);
        QSqlQuery q(db::Database::connection());
        q.prepare(QStringLiteral("UPDATE sync_jobs SET status = :s, finished_at = clock_timestamp(),"
                                 " error_message = :e WHERE id = :id"));
        q.bindValue(QStringLiteral(":s"), ok ? QStringLiteral("succeeded") : QStringLiteral("failed"));
        q.bindValue(QStringLiteral(":e"), ok ? QString() : QStringLiteral("Gmail answered 500 six times"));
        q.bindValue(QStringLiteral(":id"), *id);
        QVERIFY(q.exec());
    }

private Q_SLOTS:
    void initTestCase() {
        m_testDb = std::make_unique<testsupport::TestDatabase>();
        QVERIFY2(m_testDb->isValid(), qPrintable(m_testDb->errorString()));
        QString error;
        QVERIFY2(m_testDb->openMigrated(&error), qPrintable(error));
        for (const char *id : {"failing", "revoked", "lapsed", "broken", "fine"})
            addTenant(QLatin1String(id));
        finishJob(QStringLiteral("failing"), false);
        finishJob(QStringLiteral("fine"), true);
        db::IntegrationRepository integrations(db::Database::connection());
        QVERIFY(integrations.upsert(QStringLiteral("revoked"), db::IntegrationRepository::Gmail,
                                    QStringLiteral("oauth"), QByteArray("sealed"), QStringLiteral("k1")));
        QVERIFY(integrations.setStatus(QStringLiteral("revoked"), db::IntegrationRepository::Gmail,
                                       QStringLiteral("needs_reauth"), QStringLiteral("invalid_grant")));
        db::TenantRepository tenants(db::Database::connection());
        QVERIFY(tenants.setWatch(QStringLiteral("lapsed"), QStringLiteral("projects/p/topics/gmail"),
                                 QDateTime::currentDateTimeUtc().addSecs(-600)));
        db::MessageFailureRepository failures(db::Database::connection());
        QList<db::FailedMessage> three;
        for (const char *id : {"m1", "m2", "m3"})
            three.append({QLatin1String(id), db::MessageFailure::Kind::Fetch, QStringLiteral("500")});
        QVERIFY(failures.record(QStringLiteral("broken"), 0, three, 5));
    }

    void cleanupTestCase() {
        db::Database::closeThreadConnection();
        m_testDb.reset();
    }

    void onePostPerConditionRetriedWhileTheReceiverFails() {
        WebhookReceiver receiver(/*failFirst=*/3);
        ops::AlertService::Options options;
        options.webhooks = {receiver.url()};
        options.failedItemsThreshold = 2;
        options.retryBaseSeconds = 0; // retry at the next round
        ops::AlertService service(options);
        QSignalSpy delivered(&service, &ops::AlertService::delivered);
        QSignalSpy failed(&service, &ops::AlertService::deliveryFailed);
        QCOMPARE(service.scanOnce(), 4);
        QCOMPARE(service.scanOnce(), 0); // de-duplicated: still the same four
        for (int round = 0; round < 20 && delivered.count() < 4; ++round) {
            service.deliverDue();
            QTest::qWait(150);
        }
        QCOMPARE(delivered.count(), 4);
        QCOMPARE(failed.count(), 3);
        QCOMPARE(receiver.requests, 7);
        QCOMPARE(receiver.accepted.size(), 4);
        QSet<QString> conditions;
        for (const QJsonObject &body : receiver.accepted) {
            QVERIFY(
                body.value(QStringLiteral("text")).toString().startsWith(QStringLiteral("[gmail-sync] ")));
            conditions.insert(
                body.value(QStringLiteral("alert")).toObject().value(QStringLiteral("tenantId")).toString() +
                QLatin1Char('/') +
                body.value(QStringLiteral("alert")).toObject().value(QStringLiteral("condition")).toString());
        }
        QCOMPARE(
            conditions,
            (QSet<QString>{QStringLiteral("failing/job_failed"), QStringLiteral("revoked/needs_reauth"),
                           QStringLiteral("lapsed/watch_lapsed"), QStringLiteral("broken/failed_items")}));
        service.deliverDue(); // nothing left
        QTest::qWait(200);
        QCOMPARE(receiver.requests, 7);
    }

    void aConditionAlertsAgainOnlyAfterItEnded() {
        WebhookReceiver receiver(0);
        ops::AlertService::Options options;
        options.webhooks = {receiver.url()};
        options.failedItemsThreshold = 2;
        ops::AlertService service(options);
        finishJob(QStringLiteral("failing"), false); // still failing: no new alert
        QCOMPARE(service.scanOnce(), 0);
        finishJob(QStringLiteral("failing"), true); // resolved
        QCOMPARE(service.scanOnce(), 0);
        finishJob(QStringLiteral("failing"), false); // fails again: a new alert
        QCOMPARE(service.scanOnce(), 1);
        QSignalSpy delivered(&service, &ops::AlertService::delivered);
        service.deliverDue();
        QTRY_COMPARE(delivered.count(), 1);
        QCOMPARE(receiver.accepted.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestAlerts)
#include "TestAlerts.moc"
