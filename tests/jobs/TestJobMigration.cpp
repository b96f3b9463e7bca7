#include "TestDatabase.h"
#include "db/Database.h"
#include "db/JobRepository.h"
#include "db/Migrator.h"
#include "jobs/HistoricalCheckpoint.h"
#include "jobs/IncrementalCheckpoint.h"
#include "jobs/InitialCheckpoint.h"
#include "jobs/JobParams.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QtTest>

#include <memory>

// Migration 0010 rewrites the parameters and checkpoints older versions queued into the strict shapes of
// core/jobs, so jobs queued before an upgrade still run after it.
class TestJobMigration final : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<testsupport::TestDatabase> m_testDb;

    static bool exec(const QString &sql) {
        QSqlQuery q(db::Database::connection());
        if (!q.exec(sql))
            qWarning("%s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
        return q.isActive();
    }

    // Inserts a job as an older version stored it and returns its id.
    static qint64 oldJob(const QString &kind, const QString &status, const QString &params,
                         const QString &checkpoint) {
        QSqlQuery q(db::Database::connection());
        q.prepare(QStringLiteral("INSERT INTO sync_jobs (tenant_id, kind, status, params, checkpoint)"
                                 " VALUES ('old', :kind, :status, CAST(:params AS jsonb), CAST(:cp AS jsonb))"
                                 " RETURNING id"));
        q.bindValue(QStringLiteral(":kind"), kind);
        q.bindValue(QStringLiteral(":status"), status);
        q.bindValue(QStringLiteral(":params"), params);
        q.bindValue(QStringLiteral(":cp"), checkpoint);
        if (!q.exec() || !q.next()) {
            qWarning("insert: %s", qPrintable(q.lastError().text()));
            return 0;
        }
        return q.value(0).toLongLong();
    }

    static db::SyncJob job(qint64 id) {
        db::JobRepository jobs(db::Database::connection());
        return jobs.find(id).value_or(db::SyncJob{});
    }

private Q_SLOTS:
    void initTestCase() {
        m_testDb = std::make_unique<testsupport::TestDatabase>();
        QVERIFY2(m_testDb->isValid(), qPrintable(m_testDb->errorString()));
        QString error;
        const auto settings = db::ConnectionSettings::fromUrl(m_testDb->url(), &error);
        QVERIFY2(settings, qPrintable(error));
        db::Database::setDefaultSettings(*settings);
        QVERIFY2(db::Database::open(&error), qPrintable(error));
        db::Migrator migrator(db::Database::connection());
        QVERIFY2(migrator.migrate(), qPrintable(migrator.errorString()));
        QVERIFY(exec(QStringLiteral("INSERT INTO tenants (id, display_name, gmail_address) VALUES ('old', "
                                    "'Old', 'old@example.com')")));
    }

    void cleanupTestCase() {
        db::Database::closeThreadConnection();
        m_testDb.reset();
    }

    void oldJobsAreRewrittenIntoTheTypedShapes() {
        const qint64 months = oldJob(QStringLiteral("initial"), QStringLiteral("queued"),
                                     QStringLiteral("{\"months\": 3}"), QStringLiteral("{}"));
        const qint64 bare =
            oldJob(QStringLiteral("incremental"), QStringLiteral("running"), QStringLiteral("{}"),
                   QStringLiteral("{\"mode\": \"incremental\", \"startHistoryId\": \"77\"}"));
        const qint64 window =
            oldJob(QStringLiteral("initial"), QStringLiteral("running"), QStringLiteral("{\"days\": 12}"),
                   QStringLiteral("{\"mode\": \"initial\", \"historyId\": \"5\", \"after\": 1700000000, "
                                  "\"pageToken\": \"p3\", \"listed\": false}"));
        const qint64 range = oldJob(QStringLiteral("historical"), QStringLiteral("queued"),
                                    QStringLiteral("{\"from\": \"2024-01-01\", \"to\": \"2024-02-29\"}"),
                                    QStringLiteral("{\"mode\": \"historical\", \"month\": \"2024-02\"}"));
        const qint64 push =
            oldJob(QStringLiteral("push"), QStringLiteral("queued"),
                   QStringLiteral("{\"notifiedHistoryId\": \"901\"}"), QStringLiteral("{\"page\": 29}"));
        const qint64 finished = oldJob(QStringLiteral("initial"), QStringLiteral("succeeded"),
                                       QStringLiteral("{\"months\": 3}"), QStringLiteral("{}"));
        QVERIFY(months && bare && window && range && push && finished);

        // Run migration 0010 again over these rows, as an upgrade would.
        QVERIFY(exec(QStringLiteral("DELETE FROM schema_migrations WHERE version = 10")));
        db::Migrator migrator(db::Database::connection());
        QVERIFY2(migrator.migrate(), qPrintable(migrator.errorString()));

        QString error;
        for (qint64 id : {months, bare, window, range, push}) {
            const db::SyncJob j = job(id);
            QVERIFY2(jobs::paramsFromJson(j.kind, j.params, &error), qPrintable(error));
        }
        const auto initial = jobs::InitialParams::fromJson(job(months).params, &error);
        QCOMPARE(initial->windowDays, 90); // 3 months as the operator meant them
        QCOMPARE(std::get<jobs::IncrementalParams>(
                     *jobs::paramsFromJson(jobs::JobKind::Incremental, job(bare).params, &error))
                     .windowDays,
                 30);
        const auto history = jobs::IncrementalCheckpoint::fromJson(job(bare).checkpoint, &error);
        QVERIFY2(history, qPrintable(error));
        QCOMPARE(history->latestHistoryId, 77);
        const auto listing = jobs::InitialCheckpoint::fromJson(job(window).checkpoint, &error);
        QVERIFY2(listing, qPrintable(error));
        QCOMPARE(listing->pageToken, QStringLiteral("p3"));
        QVERIFY(!listing->seenInDb); // written before migration 0006: its listed ids are not in the table
        const auto month = jobs::HistoricalCheckpoint::fromJson(job(range).checkpoint, &error);
        QVERIFY2(month, qPrintable(error));
        QCOMPARE(month->month, QStringLiteral("2024-02"));
        QCOMPARE(job(push).checkpoint, QJsonObject()); // no known mode: starts over
        QCOMPARE(job(finished).params.value(QStringLiteral("months")).toInt(), 3); // history kept as run
    }
};

QTEST_GUILESS_MAIN(TestJobMigration)
#include "TestJobMigration.moc"
