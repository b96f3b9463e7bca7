// The per-project Gmail quota shared through PostgreSQL (migration 0008, db::QuotaUsageRepository,
// db::ProjectQuotaLedger): two workers with separate connections never get more than the project's
// minute between them (developers.google.com/workspace/gmail/api/reference/quota: per project per
// minute).
#include "TestDatabase.h"
#include "db/Database.h"
#include "db/ProjectQuotaLedger.h"
#include "db/QuotaUsageRepository.h"

#include <QHash>
#include <QMutex>
#include <QThread>
#include <QtTest>

#include <atomic>
#include <latch>
#include <memory>
#include <thread>

using namespace db;
using namespace std::chrono_literals;

class TestProjectQuota final : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<testsupport::TestDatabase> m_testDb;

    // The tests must not straddle a minute boundary (the budget is per minute).
    static void awayFromTheMinuteEnd() {
        const int second = QTime::currentTime().second();
        if (second >= 45)
            QThread::msleep((61 - second) * 1000);
    }

private Q_SLOTS:
    void init() {
        m_testDb = std::make_unique<testsupport::TestDatabase>();
        QVERIFY2(m_testDb->isValid(), qPrintable(m_testDb->errorString()));
        QString error;
        QVERIFY2(m_testDb->openMigrated(&error), qPrintable(error));
    }

    void cleanup() {
        Database::closeThreadConnection();
        m_testDb.reset();
    }

    void grantsAreTheShareUnderTheLimit() {
        awayFromTheMinuteEnd();
        QuotaUsageRepository repo;
        auto g = repo.take(QStringLiteral("p"), 400, 1000);
        QVERIFY2(g, qPrintable(repo.errorString()));
        QCOMPARE(g->granted, 400);
        QVERIFY(g->msUntilNextMinute > 0 && g->msUntilNextMinute <= 60000);
        g = repo.take(QStringLiteral("p"), 400, 1000);
        QCOMPARE(g->granted, 400);
        g = repo.take(QStringLiteral("p"), 400, 1000);
        QCOMPARE(g->granted, 200); // only what is left of the minute
        g = repo.take(QStringLiteral("p"), 400, 1000);
        QCOMPARE(g->granted, 0);
        g = repo.take(QStringLiteral("other"), 400, 1000); // projects are separate
        QCOMPARE(g->granted, 400);
        QCOMPARE(*repo.reservedThisMinute(QStringLiteral("p")), 1600); // demand, granted or not
        QCOMPARE(*repo.prune(), 0);
    }

    void twoConnectionsNeverExceedTheLimit() {
        awayFromTheMinuteEnd();
        const qint64 limit = 5000;
        QMutex mutex;
        QHash<QDateTime, qint64> grantedPerMinute;
        std::atomic_int errors{0};
        const auto worker = [&] {
            {
                QuotaUsageRepository repo; // this thread's own connection
                for (int i = 0; i < 300; ++i) {
                    const auto g = repo.take(QStringLiteral("shared"), 37, limit);
                    if (!g) {
                        ++errors;
                        break;
                    }
                    QMutexLocker lock(&mutex);
                    grantedPerMinute[g->minute] += g->granted;
                }
            }
            Database::closeThreadConnection();
        };
        std::thread a(worker);
        std::thread b(worker);
        a.join();
        b.join();
        QCOMPARE(errors.load(), 0);
        qint64 total = 0;
        for (auto it = grantedPerMinute.cbegin(); it != grantedPerMinute.cend(); ++it) {
            QVERIFY2(it.value() <= limit, qPrintable(QString::number(it.value())));
            total += it.value();
        }
        // 2 × 300 × 37 = 22,200 units asked for: the whole minute is granted, and no more.
        QCOMPARE(grantedPerMinute.size(), 1);
        QCOMPARE(total, limit);
    }

    void twoLedgersShareTheMinute() {
        // Two ledgers stand for two worker processes: each reserves blocks (2 s of a 6,000 units/min
        // limit = 200 units) and hands them out locally.
        awayFromTheMinuteEnd();
        const double limit = 6000;
        std::atomic<qint64> acquired[2] = {0, 0};
        std::atomic_int waits{0};
        std::atomic_int problems{0};
        std::latch ready(2);
        const auto worker = [&](int index) {
            {
                // Both connections open before either takes: the two really compete.
                if (!Database::connection().isOpen())
                    ++problems;
                ready.arrive_and_wait();
                ProjectQuotaLedger ledger(QStringLiteral("deployment"), limit);
                for (int i = 0; i < 2000; ++i) {
                    const auto wait = ledger.tryAcquire(20); // messages.get in the 2026 regime
                    if (wait > 0ms) {
                        if (wait > 61s)
                            ++problems;
                        ++waits;
                        break; // the minute is spent
                    }
                    acquired[index] += 20;
                }
                if (ledger.unitsAcquired() != acquired[index].load() || !ledger.lastError().isEmpty())
                    ++problems;
            }
            Database::closeThreadConnection();
        };
        std::thread a(worker, 0);
        std::thread b(worker, 1);
        a.join();
        b.join();
        const qint64 total = acquired[0] + acquired[1];
        qInfo("two ledgers: %lld + %lld = %lld units of a %.0f units/min project", acquired[0].load(),
              acquired[1].load(), total, limit);
        QVERIFY2(total <= limit, qPrintable(QString::number(total)));
        QVERIFY2(total >= limit - 2 * 200, qPrintable(QString::number(total))); // at most a block lost each
        QCOMPARE(waits.load(), 2);
        QCOMPARE(problems.load(), 0);
        // The database holds the same minute: granted blocks plus refused demand.
        QuotaUsageRepository repo;
        QVERIFY(*repo.reservedThisMinute(QStringLiteral("deployment")) >= total);
    }
};

QTEST_GUILESS_MAIN(TestProjectQuota)
#include "TestProjectQuota.moc"
