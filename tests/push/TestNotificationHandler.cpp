// push::NotificationHandler against a real, migrated PostgreSQL database.
#include "SyncTestDb.h"

#include "db/JobRepository.h"
#include "db/TenantRepository.h"
#include "push/NotificationHandler.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using push::NotificationHandler;

namespace {

QByteArray notification(const QString &address, const QJsonValue &historyId) {
    return QJsonDocument(QJsonObject{{QStringLiteral("emailAddress"), address},
                                     {QStringLiteral("historyId"), historyId}})
        .toJson(QJsonDocument::Compact)
        .toBase64();
}

int queuedJobs(const QString &tenantId) {
    db::JobRepository jobs(db::Database::connection());
    int n = 0;
    const QList<db::SyncJob> listed = jobs.listForTenant(tenantId, 1000).value_or(QList<db::SyncJob>{});
    for (const db::SyncJob &job : listed)
        n += job.status == QLatin1String("queued") ? 1 : 0;
    return n;
}

} // namespace

class TestNotificationHandler final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(synctest::prepare(m_tdb));
        db::TenantRepository tenants(db::Database::connection());
        for (const auto &[id, address] :
             {std::pair{"acme", "Alice@Acme.example"}, {"beta", "bob@beta.example"}}) {
            db::Tenant t;
            t.id = QString::fromLatin1(id);
            t.gmailAddress = QString::fromLatin1(address);
            QVERIFY2(tenants.add(t), qPrintable(tenants.errorString()));
        }
    }

    void enqueuesPushJobCaseInsensitively() {
        QList<qint64> woken;
        NotificationHandler handler([&woken](qint64 id) { woken << id; });
        // historyId as a string, as documented.
        const auto outcome =
            handler.handleBase64(notification(QStringLiteral("alice@acme.EXAMPLE"), QStringLiteral("12345")));
        QCOMPARE(outcome.result, NotificationHandler::Result::Enqueued);
        QCOMPARE(outcome.tenantId, QStringLiteral("acme"));
        QCOMPARE(outcome.historyId, 12345);
        QCOMPARE(woken, QList<qint64>{outcome.jobId});
        db::JobRepository jobs(db::Database::connection());
        const auto job = jobs.find(outcome.jobId);
        QVERIFY(job);
        QCOMPARE(job->kind, jobs::JobKind::Push);
        QCOMPARE(job->status, QStringLiteral("queued"));
        QCOMPARE(job->tenantId, QStringLiteral("acme"));
    }

    void coalescesTenNotificationsIntoOneJob() {
        NotificationHandler handler;
        int enqueued = 0;
        int coalesced = 0;
        qint64 firstJob = 0;
        for (int i = 0; i < 10; ++i) {
            // historyId as a number this time: both spellings are accepted.
            const auto outcome =
                handler.handleBase64(notification(QStringLiteral("bob@beta.example"), 500 + i));
            QCOMPARE(outcome.historyId, 500 + i);
            if (outcome.result == NotificationHandler::Result::Enqueued) {
                ++enqueued;
                firstJob = outcome.jobId;
            } else {
                QCOMPARE(outcome.result, NotificationHandler::Result::Coalesced);
                QCOMPARE(outcome.jobId, firstJob);
                ++coalesced;
            }
        }
        QCOMPARE(enqueued, 1);
        QCOMPARE(coalesced, 9);
        QCOMPARE(queuedJobs(QStringLiteral("beta")), 1);
    }

    void queuedIncrementalJobAlsoCoalesces() {
        db::JobRepository jobs(db::Database::connection());
        const auto incremental =
            jobs.enqueue(QStringLiteral("acme"), ::jobs::IncrementalParams{}, false);
        QVERIFY(incremental);
        // Cancel the earlier push job so only the incremental one is queued.
        const QList<db::SyncJob> listed =
            jobs.listForTenant(QStringLiteral("acme"), 100).value_or(QList<db::SyncJob>{});
        for (const db::SyncJob &job : listed)
            if (job.kind == ::jobs::JobKind::Push && job.status == QLatin1String("queued"))
                QVERIFY(jobs.cancel(job.id));
        NotificationHandler handler;
        const auto outcome = handler.handleBase64(notification(QStringLiteral("alice@acme.example"), 7));
        QCOMPARE(outcome.result, NotificationHandler::Result::Coalesced);
        QCOMPARE(outcome.jobId, *incremental);
        QCOMPARE(queuedJobs(QStringLiteral("acme")), 1);
    }

    void unknownAddressIsDroppedAndAcknowledged() {
        NotificationHandler handler;
        const int before = synctest::scalar(QStringLiteral("SELECT count(*) FROM sync_jobs")).toInt();
        const auto outcome = handler.handleBase64(notification(QStringLiteral("nobody@else.example"), 1));
        QCOMPARE(outcome.result, NotificationHandler::Result::UnknownAddress);
        QVERIFY(NotificationHandler::shouldAcknowledge(outcome.result));
        QCOMPARE(synctest::scalar(QStringLiteral("SELECT count(*) FROM sync_jobs")).toInt(), before);
    }

    void malformedDataIsDroppedAndAcknowledged_data() {
        QTest::addColumn<QByteArray>("data");
        QTest::newRow("not base64") << QByteArray("!!!not base64***");
        QTest::newRow("not json") << QByteArray("hello world").toBase64();
        QTest::newRow("json array") << QByteArray("[1,2]").toBase64();
        QTest::newRow("no address") << QByteArray(R"({"historyId":"5"})").toBase64();
    }
    void malformedDataIsDroppedAndAcknowledged() {
        QFETCH(QByteArray, data);
        NotificationHandler handler;
        const int before = synctest::scalar(QStringLiteral("SELECT count(*) FROM sync_jobs")).toInt();
        const auto outcome = handler.handleBase64(data);
        QCOMPARE(outcome.result, NotificationHandler::Result::Malformed);
        QVERIFY(NotificationHandler::shouldAcknowledge(outcome.result));
        QCOMPARE(synctest::scalar(QStringLiteral("SELECT count(*) FROM sync_jobs")).toInt(), before);
    }

    void urlSafeBase64IsAccepted() {
        db::JobRepository jobs(db::Database::connection());
        const QList<db::SyncJob> listed =
            jobs.listForTenant(QStringLiteral("acme"), 100).value_or(QList<db::SyncJob>{});
        for (const db::SyncJob &job : listed)
            if (job.status == QLatin1String("queued"))
                QVERIFY(jobs.cancel(job.id));
        const QByteArray json =
            QJsonDocument(QJsonObject{{QStringLiteral("emailAddress"), QStringLiteral("alice@acme.example")},
                                      {QStringLiteral("historyId"), QStringLiteral("9")}})
                .toJson(QJsonDocument::Compact);
        NotificationHandler handler;
        const auto outcome = handler.handleBase64(
            json.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
        QCOMPARE(outcome.result, NotificationHandler::Result::Enqueued);
    }

    void databaseDownIsNotAcknowledged() {
        QVERIFY(!NotificationHandler::shouldAcknowledge(NotificationHandler::Result::DatabaseError));
    }

private:
    testsupport::TestDatabase m_tdb;
};

QTEST_GUILESS_MAIN(TestNotificationHandler)
#include "TestNotificationHandler.moc"
