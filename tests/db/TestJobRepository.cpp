#include "SyncTestDb.h"

#include "db/JobRepository.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QSqlDriver>
#include <QSqlQuery>
#include <QTest>

#include <atomic>
#include <thread>

// The durable job queue on a real PostgreSQL: claims, start limit, stale resumption, fencing, backoff.
class TestJobRepository final : public QObject {
    Q_OBJECT
private:
    testsupport::TestDatabase m_tdb;
    const QString w1 = QStringLiteral("host:1:1");
    const QString w2 = QStringLiteral("host:2:1");

    static db::ClaimOptions claim(const QString &worker, int limit = 10) {
        db::ClaimOptions o;
        o.workerId = worker;
        o.startLimitPerMinute = limit;
        o.jobStaleAfterSeconds = 60;
        return o;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(synctest::prepare(m_tdb));
        for (const char *t : {"t1", "t2", "t3", "t4", "t5", "t6", "t7"})
            QVERIFY(synctest::addTenant(QString::fromLatin1(t),
                                        QString::fromLatin1(t) + QStringLiteral("@example.com")));
    }

    void enqueueUnlessQueuedIsAtomicAcrossConnections() {
        // Two workers handling notifications at once (own connections, own threads) queue one job.
        const QString tenant = QStringLiteral("t7");
        const QList<jobs::JobKind> covered{jobs::JobKind::Push, jobs::JobKind::Incremental};
        std::atomic_int enqueued{0};
        std::atomic_int coalesced{0};
        std::atomic_int failed{0};
        const auto notify = [&] {
            QString error;
            if (!db::Database::open(&error)) {
                ++failed;
                return;
            }
            {
                db::JobRepository jobs(db::Database::connection());
                for (int i = 0; i < 25; ++i) {
                    const auto r = jobs.enqueueUnlessQueued(tenant, ::jobs::PushParams{}, covered);
                    if (!r)
                        ++failed;
                    else if (r->coalesced)
                        ++coalesced;
                    else
                        ++enqueued;
                }
            }
            db::Database::closeThreadConnection();
        };
        std::thread a(notify);
        std::thread b(notify);
        a.join();
        b.join();
        QCOMPARE(failed.load(), 0);
        QCOMPARE(enqueued.load(), 1);
        QCOMPARE(coalesced.load(), 49);
        QCOMPARE(
            synctest::scalar(QStringLiteral("SELECT count(*) FROM sync_jobs WHERE tenant_id = 't7'")).toInt(),
            1);
        // A queued incremental job covers a push request too; nothing covers an initial request.
        db::JobRepository jobs(db::Database::connection());
        const auto again = jobs.enqueueUnlessQueued(tenant, ::jobs::PushParams{}, covered);
        QVERIFY(again && again->coalesced);
        const auto other =
            jobs.enqueueUnlessQueued(tenant, ::jobs::InitialParams{}, {::jobs::JobKind::Initial});
        QVERIFY(other && !other->coalesced);
        QSqlQuery cleanup(db::Database::connection()); // the later tests expect an empty queue
        QVERIFY(cleanup.exec(QStringLiteral("DELETE FROM sync_jobs WHERE tenant_id = 't7'")));
    }

    void enqueueAndClaim() {
        db::JobRepository jobs(db::Database::connection());
        const auto id = jobs.enqueue(QStringLiteral("t1"), ::jobs::InitialParams{30, false}, false);
        QVERIFY2(id, qPrintable(jobs.errorString()));
        std::optional<db::SyncJob> job;
        QVERIFY(jobs.claimNext(claim(w1), &job));
        QVERIFY(job);
        QCOMPARE(job->id, *id);
        QCOMPARE(job->status, QStringLiteral("running"));
        QCOMPARE(job->workerId, w1);
        QCOMPARE(job->params.value(QStringLiteral("days")).toInt(), 30);
        // Nothing else is runnable.
        std::optional<db::SyncJob> none;
        QVERIFY(jobs.claimNext(claim(w2), &none));
        QVERIFY(!none);
        QVERIFY(jobs.checkpoint(job->id, w1, {{QStringLiteral("pageToken"), QStringLiteral("p2")}},
                                {10, 8, 1, 0, 1}));
        QVERIFY(!jobs.checkpoint(job->id, w2, {}, {})); // fenced: not w2's job
        QVERIFY(jobs.succeed(job->id, w1));
        const auto done = jobs.find(job->id);
        QVERIFY(done);
        QCOMPARE(done->status, QStringLiteral("succeeded"));
        QCOMPARE(done->processed, 10);
        QCOMPARE(done->inserted, 8);
        QCOMPARE(done->skipped, 1);
        QCOMPARE(done->checkpoint.value(QStringLiteral("pageToken")).toString(), QStringLiteral("p2"));
        QVERIFY(done->finishedAt.isValid());
    }

    void oneRunningJobPerTenant() {
        db::JobRepository jobs(db::Database::connection());
        QVERIFY(jobs.enqueue(QStringLiteral("t2"), ::jobs::IncrementalParams{}, false));
        QVERIFY(jobs.enqueue(QStringLiteral("t2"), ::jobs::IncrementalParams{}, false));
        std::optional<db::SyncJob> a, b;
        QVERIFY(jobs.claimNext(claim(w1), &a));
        QVERIFY(a);
        QVERIFY(jobs.claimNext(claim(w2), &b));
        QVERIFY(!b); // the second job of t2 waits for the first
        QVERIFY(jobs.succeed(a->id, w1));
        QVERIFY(jobs.claimNext(claim(w2), &b));
        QVERIFY(b);
        QVERIFY(jobs.succeed(b->id, w2));
    }

    void concurrentClaimersNeverShareAJob() {
        QSqlDatabase other = synctest::extraConnection(QStringLiteral("other-worker"));
        QVERIFY(other.isOpen());
        db::JobRepository mine(db::Database::connection());
        db::JobRepository theirs(other);
        QVERIFY(mine.enqueue(QStringLiteral("t3"), ::jobs::IncrementalParams{}, false));
        QVERIFY(mine.enqueue(QStringLiteral("t4"), ::jobs::IncrementalParams{}, false));
        // Worker 1 holds its candidate row locked inside an open transaction: worker 2 skips it.
        QSqlDatabase conn = db::Database::connection();
        QVERIFY(conn.transaction());
        std::optional<db::SyncJob> a, b;
        QVERIFY(mine.claimNext(claim(w1), &a));
        QVERIFY(a);
        QVERIFY(theirs.claimNext(claim(w2), &b));
        QVERIFY(b);
        QVERIFY(a->id != b->id);
        QVERIFY(a->tenantId != b->tenantId);
        QVERIFY(conn.commit());
        QVERIFY(mine.succeed(a->id, w1));
        QVERIFY(theirs.succeed(b->id, w2));
    }

    void startLimitDefersButNeverDrops() {
        db::JobRepository jobs(db::Database::connection());
        QList<qint64> ids;
        for (int i = 0; i < 3; ++i)
            ids << *jobs.enqueue(QStringLiteral("t5"), ::jobs::IncrementalParams{}, false);
        const qint64 forced = *jobs.enqueue(QStringLiteral("t5"), ::jobs::IncrementalParams{}, true);
        int started = 0;
        for (;;) {
            std::optional<db::SyncJob> j;
            QVERIFY(jobs.claimNext(claim(w1, 2), &j));
            if (!j)
                break;
            ++started;
            QVERIFY(jobs.succeed(j->id, w1));
        }
        // Two starts per minute allowed, then only the forced job may start.
        QCOMPARE(started, 3);
        QCOMPARE(jobs.find(forced)->status, QStringLiteral("succeeded"));
        QCOMPARE(jobs.find(ids.last())->status, QStringLiteral("queued"));
        QCOMPARE(*jobs.startsLastMinute(QStringLiteral("t5")), 3);
    }

    void staleRunningJobIsResumedFromItsCheckpoint() {
        db::JobRepository jobs(db::Database::connection());
        const qint64 id = *jobs.enqueue(QStringLiteral("t6"), ::jobs::HistoricalParams{}, false);
        std::optional<db::SyncJob> j;
        db::ClaimOptions mine = claim(w1);
        mine.onlyJobId = id;
        QVERIFY(jobs.claimNext(mine, &j));
        QVERIFY(j);
        QVERIFY(
            jobs.checkpoint(id, w1, {{QStringLiteral("month"), QStringLiteral("2024-02")}}, {5, 5, 0, 0, 0}));
        // The worker dies: its heartbeat ages beyond the staleness.
        QSqlQuery age(db::Database::connection());
        QVERIFY(age.exec(
            QStringLiteral("UPDATE sync_jobs SET heartbeat_at = now() - interval '5 minutes' WHERE id = %1")
                .arg(id)));
        std::optional<db::SyncJob> resumed;
        db::ClaimOptions theirs = claim(w2);
        theirs.onlyJobId = id;
        QVERIFY(jobs.claimNext(theirs, &resumed));
        QVERIFY(resumed);
        QCOMPARE(resumed->id, id);
        QCOMPARE(resumed->workerId, w2);
        QCOMPARE(resumed->checkpoint.value(QStringLiteral("month")).toString(), QStringLiteral("2024-02"));
        QCOMPARE(resumed->processed, 5);
        // The old worker wakes up: every write of it is refused.
        QVERIFY(!jobs.heartbeat(id, w1));
        QVERIFY(!jobs.checkpoint(id, w1, {}, {}));
        QVERIFY(!jobs.succeed(id, w1));
        QVERIFY(jobs.heartbeat(id, w2));
        QVERIFY(jobs.cancel(id));
        bool owned = true;
        QVERIFY(jobs.stillOwned(id, w2, &owned));
        QVERIFY(!owned);
        QVERIFY(!jobs.checkpoint(id, w2, {}, {})); // cancelled: fenced too
    }

    void failStepBacksOffThenFails() {
        db::JobRepository jobs(db::Database::connection());
        const qint64 id = *jobs.enqueue(QStringLiteral("t1"), ::jobs::IncrementalParams{}, true);
        QSqlQuery due(db::Database::connection());
        for (int attempt = 1; attempt <= 4; ++attempt) {
            std::optional<db::SyncJob> j;
            db::ClaimOptions o = claim(w1);
            o.onlyJobId = id;
            QVERIFY(jobs.claimNext(o, &j));
            QVERIFY2(j, qPrintable(QStringLiteral("attempt %1").arg(attempt)));
            bool final = false;
            QVERIFY(jobs.failStep(id, w1, QStringLiteral("HTTP 503 from messages.list"),
                                  QStringLiteral("detail"), false, 3, 10, &final));
            const auto row = jobs.find(id);
            QCOMPARE(row->attempts, attempt);
            QCOMPARE(final, attempt == 4);
            if (!final) {
                QCOMPARE(row->status, QStringLiteral("queued"));
                const qint64 wait = QDateTime::currentDateTimeUtc().secsTo(row->runAfter);
                const qint64 expected = 10LL << (attempt - 1);
                QVERIFY2(wait > expected - 3 && wait <= expected, qPrintable(QString::number(wait)));
                QVERIFY(
                    due.exec(QStringLiteral("UPDATE sync_jobs SET run_after = now() WHERE id = %1").arg(id)));
            } else {
                QCOMPARE(row->status, QStringLiteral("failed"));
                QCOMPARE(row->errorMessage, QStringLiteral("HTTP 503 from messages.list"));
                QCOMPARE(row->errorDetail, QStringLiteral("detail"));
            }
        }
    }

    void notesAppendToDetail() {
        db::JobRepository jobs(db::Database::connection());
        const qint64 id = *jobs.enqueue(QStringLiteral("t3"), ::jobs::IncrementalParams{}, true);
        QVERIFY2(jobs.note(id, QStringLiteral("first")), qPrintable(jobs.errorString()));
        QVERIFY2(jobs.note(id, QStringLiteral("second")), qPrintable(jobs.errorString()));
        QCOMPARE(jobs.find(id)->errorDetail, QStringLiteral("first\nsecond"));
        QVERIFY(jobs.cancel(id));
    }

    void progressNotifies() {
        QSqlDatabase listener = synctest::extraConnection(QStringLiteral("listener"));
        QVERIFY(listener.driver()->subscribeToNotification(QStringLiteral("gsa_sync_progress")));
        QSignalSpy spy(listener.driver(), &QSqlDriver::notification);
        db::JobRepository jobs(db::Database::connection());
        const qint64 id = *jobs.enqueue(QStringLiteral("t2"), ::jobs::InitialParams{}, true);
        QVERIFY(jobs.progress(id, QStringLiteral("t2"), QStringLiteral("fetching"), 150, 400, 48.25));
        QTRY_VERIFY_WITH_TIMEOUT(spy.size() >= 1, 5000);
        const QJsonObject o = QJsonDocument::fromJson(spy.first().at(2).toString().toUtf8()).object();
        QCOMPARE(o.value(QStringLiteral("jobId")).toInteger(), id);
        QCOMPARE(o.value(QStringLiteral("tenantId")).toString(), QStringLiteral("t2"));
        QCOMPARE(o.value(QStringLiteral("phase")).toString(), QStringLiteral("fetching"));
        QCOMPARE(o.value(QStringLiteral("processed")).toInteger(), 150);
        QCOMPARE(o.value(QStringLiteral("total")).toInteger(), 400);
        QCOMPARE(o.value(QStringLiteral("rate")).toDouble(), 48.3);
        QCOMPARE(jobs.find(id)->phase, QStringLiteral("fetching"));
    }
};

QTEST_GUILESS_MAIN(TestJobRepository)
#include "TestJobRepository.moc"
