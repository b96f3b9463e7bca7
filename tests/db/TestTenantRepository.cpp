#include "TestDatabase.h"
#include "db/Database.h"
#include "db/Migrator.h"
#include "db/TenantRepository.h"

#include <QSqlQuery>
#include <QtTest>

#include <memory>

using namespace db;

class TestTenantRepository final : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<testsupport::TestDatabase> m_testDb;

    static Tenant tenant(const QString &id, const QString &address, const QString &name = {}) {
        Tenant t;
        t.id = id;
        t.gmailAddress = address;
        t.displayName = name;
        return t;
    }

    // Test setup only: ages a lease as if its holder had stopped heartbeating.
    static bool ageHeartbeat(const QString &tenantId, int seconds) {
        QSqlQuery q(Database::connection());
        q.prepare(QStringLiteral("UPDATE tenants SET sync_heartbeat_at = now() - make_interval(secs => :s)"
                                 " WHERE id = :id"));
        q.bindValue(QStringLiteral(":s"), seconds);
        q.bindValue(QStringLiteral(":id"), tenantId);
        return q.exec() && q.numRowsAffected() == 1;
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

    void addFindList() {
        TenantRepository repo;
        QVERIFY2(repo.add(tenant(QStringLiteral("acme"), QStringLiteral(" Boss@Acme.example "),
                                 QStringLiteral("  Acme Inc. "))),
                 qPrintable(repo.errorString()));
        QVERIFY2(repo.add(tenant(QStringLiteral("beta.co"), QStringLiteral("ops@beta.example"))),
                 qPrintable(repo.errorString()));

        const std::optional<Tenant> acme = repo.find(QStringLiteral("acme"));
        QVERIFY2(acme, qPrintable(repo.errorString()));
        QCOMPARE(acme->gmailAddress, QStringLiteral("Boss@Acme.example"));
        QCOMPARE(acme->displayName, QStringLiteral("Acme Inc."));
        QVERIFY(!acme->historyId.has_value());
        QVERIFY(acme->syncLockedBy.isEmpty());
        QVERIFY(!acme->lastSyncAt.isValid());
        QVERIFY(acme->createdAt.isValid());
        QVERIFY(qAbs(acme->createdAt.secsTo(QDateTime::currentDateTimeUtc())) < 60);

        const auto byAddress = repo.findByAddress(QStringLiteral("boss@ACME.example"));
        QVERIFY2(byAddress, qPrintable(repo.errorString()));
        QCOMPARE(byAddress->id, QStringLiteral("acme"));

        QVERIFY(!repo.find(QStringLiteral("nope")));
        QVERIFY(repo.isNotFound());
        QCOMPARE(repo.errorString(), QStringLiteral("no tenant \"nope\""));

        const auto all = repo.list();
        QVERIFY2(all, qPrintable(repo.errorString()));
        QCOMPARE(all->size(), 2);
        QCOMPARE(all->at(0).id, QStringLiteral("acme"));
        QCOMPARE(all->at(1).id, QStringLiteral("beta.co"));
    }

    void rejectsDuplicatesAndBadInput_data() {
        QTest::addColumn<QString>("id");
        QTest::addColumn<QString>("address");
        QTest::addColumn<QString>("error");

        QTest::newRow("duplicate id") << "acme"
                                      << "other@acme.example"
                                      << "tenant \"acme\" already exists";
        QTest::newRow("same address other case")
            << "acme2"
            << "BOSS@acme.EXAMPLE"
            << "address BOSS@acme.EXAMPLE is already used by tenant \"acme\"";
        QTest::newRow("empty id") << ""
                                  << "x@y.example"
                                  << "invalid tenant id \"\"";
        QTest::newRow("id with space") << "a b"
                                       << "x@y.example"
                                       << "invalid tenant id \"a b\"";
        QTest::newRow("id starts with dash") << "-a"
                                             << "x@y.example"
                                             << "invalid tenant id \"-a\"";
        QTest::newRow("id too long") << QString(65, QLatin1Char('a')) << "x@y.example"
                                     << "invalid tenant id";
        QTest::newRow("no at") << "t1"
                               << "not-an-address"
                               << "invalid Gmail address \"not-an-address\"";
        QTest::newRow("two ats") << "t1"
                                 << "a@b@c"
                                 << "invalid Gmail address";
        QTest::newRow("space inside") << "t1"
                                      << "a b@c.example"
                                      << "invalid Gmail address";
        QTest::newRow("empty address") << "t1"
                                       << ""
                                       << "invalid Gmail address \"\"";
    }

    void rejectsDuplicatesAndBadInput() {
        QFETCH(QString, id);
        QFETCH(QString, address);
        QFETCH(QString, error);
        TenantRepository repo;
        QVERIFY2(repo.add(tenant(QStringLiteral("acme"), QStringLiteral("boss@acme.example"))),
                 qPrintable(repo.errorString()));
        QVERIFY(!repo.add(tenant(id, address)));
        QVERIFY2(repo.errorString().startsWith(error), qPrintable(repo.errorString()));
        const auto all = repo.list();
        QVERIFY(all);
        QCOMPARE(all->size(), 1);
    }

    void longestValidId() {
        TenantRepository repo;
        const QString id = QStringLiteral("A") + QString(63, QLatin1Char('z'));
        QVERIFY2(repo.add(tenant(id, QStringLiteral("a@b.example"))), qPrintable(repo.errorString()));
        QVERIFY(repo.find(id));
    }

    void historyAndSyncState() {
        TenantRepository repo;
        QVERIFY(repo.add(tenant(QStringLiteral("acme"), QStringLiteral("boss@acme.example"))));
        QVERIFY2(repo.setHistoryId(QStringLiteral("acme"), 123456789012LL), qPrintable(repo.errorString()));
        QCOMPARE(repo.find(QStringLiteral("acme"))->historyId, std::optional<qint64>(123456789012LL));
        QVERIFY(repo.recordSuccessfulSync(QStringLiteral("acme"), 200));
        const auto t = repo.find(QStringLiteral("acme"));
        QCOMPARE(t->historyId, std::optional<qint64>(200));
        QVERIFY(t->lastSyncAt.isValid());
        QVERIFY(!repo.setHistoryId(QStringLiteral("ghost"), 1));
        QVERIFY(repo.isNotFound());

        const QDateTime expires = QDateTime::currentDateTimeUtc().addDays(7);
        QVERIFY(repo.setWatch(QStringLiteral("acme"), QStringLiteral("projects/p/topics/gmail"), expires));
        QCOMPARE(repo.find(QStringLiteral("acme"))->watchTopic, QStringLiteral("projects/p/topics/gmail"));
        QVERIFY(qAbs(repo.find(QStringLiteral("acme"))->watchExpiresAt.secsTo(expires)) <= 1);
        QVERIFY(repo.setWatch(QStringLiteral("acme"), {}, {}));
        QVERIFY(!repo.find(QStringLiteral("acme"))->watchExpiresAt.isValid());

        QVERIFY(repo.remove(QStringLiteral("acme")));
        QVERIFY(!repo.find(QStringLiteral("acme")));
        QVERIFY(!repo.remove(QStringLiteral("acme")));
    }

    void leaseAcquireHeldReleased() {
        TenantRepository repo;
        QVERIFY(repo.add(tenant(QStringLiteral("acme"), QStringLiteral("boss@acme.example"))));

        const auto first = repo.tryAcquireLease(QStringLiteral("acme"), QStringLiteral("worker-1"));
        QVERIFY2(first, qPrintable(repo.errorString()));
        QVERIFY(first->acquired);
        QCOMPARE(first->heldBy, QStringLiteral("worker-1"));
        QVERIFY(first->heldSince.isValid());
        QVERIFY(first->previousHolder.isEmpty());

        const auto second = repo.tryAcquireLease(QStringLiteral("acme"), QStringLiteral("worker-2"));
        QVERIFY2(second, qPrintable(repo.errorString()));
        QVERIFY(!second->acquired);
        QCOMPARE(second->heldBy, QStringLiteral("worker-1"));
        QCOMPARE(second->heldSince, first->heldSince);

        // Re-entrant for the same holder; keeps the original start.
        const auto again = repo.tryAcquireLease(QStringLiteral("acme"), QStringLiteral("worker-1"));
        QVERIFY(again && again->acquired);
        QCOMPARE(again->heldSince, first->heldSince);

        QVERIFY2(repo.heartbeatLease(QStringLiteral("acme"), QStringLiteral("worker-1")),
                 qPrintable(repo.errorString()));
        QVERIFY(!repo.heartbeatLease(QStringLiteral("acme"), QStringLiteral("worker-2")));
        QCOMPARE(repo.errorString(),
                 QStringLiteral("the sync lease of tenant \"acme\" is now held by worker-1"));
        QVERIFY(!repo.releaseLease(QStringLiteral("acme"), QStringLiteral("worker-2")));
        QVERIFY2(repo.releaseLease(QStringLiteral("acme"), QStringLiteral("worker-1")),
                 qPrintable(repo.errorString()));
        QVERIFY(repo.find(QStringLiteral("acme"))->syncLockedBy.isEmpty());
        QVERIFY(!repo.heartbeatLease(QStringLiteral("acme"), QStringLiteral("worker-1")));

        const auto third = repo.tryAcquireLease(QStringLiteral("acme"), QStringLiteral("worker-2"));
        QVERIFY(third && third->acquired);

        QVERIFY(!repo.tryAcquireLease(QStringLiteral("ghost"), QStringLiteral("worker-1")));
        QVERIFY(repo.isNotFound());
    }

    void staleLeaseIsOverridden() {
        TenantRepository repo;
        QVERIFY(repo.add(tenant(QStringLiteral("acme"), QStringLiteral("boss@acme.example"))));
        QVERIFY(repo.tryAcquireLease(QStringLiteral("acme"), QStringLiteral("crashed"))->acquired);
        QVERIFY(ageHeartbeat(QStringLiteral("acme"), 600));

        // 600 s old is fresh under a 30 min staleness, stale under 5 min.
        QVERIFY(!repo.tryAcquireLease(QStringLiteral("acme"), QStringLiteral("worker-2"))->acquired);
        const auto taken = repo.tryAcquireLease(QStringLiteral("acme"), QStringLiteral("worker-2"), 300);
        QVERIFY2(taken, qPrintable(repo.errorString()));
        QVERIFY(taken->acquired);
        QCOMPARE(taken->previousHolder, QStringLiteral("crashed"));
        QVERIFY(taken->previousHeartbeatAt.isValid());
        QVERIFY(taken->previousHeartbeatAt.secsTo(taken->heartbeatAt) >= 599);
        // The old holder learns it lost the lease.
        QVERIFY(!repo.heartbeatLease(QStringLiteral("acme"), QStringLiteral("crashed")));
    }

    void forceUnlock() {
        TenantRepository repo;
        QVERIFY(repo.add(tenant(QStringLiteral("acme"), QStringLiteral("boss@acme.example"))));
        const auto free = repo.forceUnlock(QStringLiteral("acme"));
        QVERIFY2(free, qPrintable(repo.errorString()));
        QVERIFY(!free->wasLocked);

        const auto lease = repo.tryAcquireLease(QStringLiteral("acme"), QStringLiteral("worker-1"));
        QVERIFY(lease && lease->acquired);
        const auto unlocked = repo.forceUnlock(QStringLiteral("acme"));
        QVERIFY2(unlocked, qPrintable(repo.errorString()));
        QVERIFY(unlocked->wasLocked);
        QCOMPARE(unlocked->previousHolder, QStringLiteral("worker-1"));
        QCOMPARE(unlocked->lockedSince, lease->heldSince);
        QVERIFY(repo.find(QStringLiteral("acme"))->syncLockedBy.isEmpty());
        QVERIFY(!repo.heartbeatLease(QStringLiteral("acme"), QStringLiteral("worker-1")));
        QVERIFY(repo.errorString().contains(QStringLiteral("released")));

        QVERIFY(!repo.forceUnlock(QStringLiteral("ghost")));
        QVERIFY(repo.isNotFound());
    }

    void unlockIfHeldByLeavesANewHolderAlone() {
        TenantRepository repo;
        QVERIFY(repo.add(tenant(QStringLiteral("acme"), QStringLiteral("boss@acme.example"))));
        QVERIFY(repo.tryAcquireLease(QStringLiteral("acme"), QStringLiteral("worker-2"))->acquired);
        // The operator saw worker-1 holding it; worker-2 holds it now: nothing is cleared.
        const auto stale = repo.unlockIfHeldBy(QStringLiteral("acme"), QStringLiteral("worker-1"));
        QVERIFY2(stale, qPrintable(repo.errorString()));
        QVERIFY(!*stale);
        QCOMPARE(repo.find(QStringLiteral("acme"))->syncLockedBy, QStringLiteral("worker-2"));
        const auto cleared = repo.unlockIfHeldBy(QStringLiteral("acme"), QStringLiteral("worker-2"));
        QVERIFY(cleared && *cleared);
        QVERIFY(repo.find(QStringLiteral("acme"))->syncLockedBy.isEmpty());
    }

    void concurrentAcquireHasOneWinner() {
        TenantRepository setup;
        QVERIFY(setup.add(tenant(QStringLiteral("acme"), QStringLiteral("boss@acme.example"))));
        constexpr int kThreads = 6;
        QAtomicInt winners;
        QAtomicInt failures;
        std::vector<std::unique_ptr<QThread>> threads;
        for (int i = 0; i < kThreads; ++i) {
            threads.emplace_back(QThread::create([&, i] {
                {
                    TenantRepository repo;
                    const auto r = repo.tryAcquireLease(QStringLiteral("acme"), QStringLiteral("w%1").arg(i));
                    if (!r)
                        failures.fetchAndAddRelaxed(1);
                    else if (r->acquired)
                        winners.fetchAndAddRelaxed(1);
                }
                Database::closeThreadConnection();
            }));
        }
        for (auto &t : threads)
            t->start();
        for (auto &t : threads)
            QVERIFY(t->wait(30000));
        QCOMPARE(failures.loadRelaxed(), 0);
        QCOMPARE(winners.loadRelaxed(), 1);
    }

    void summaries() {
        TenantRepository repo;
        QVERIFY(repo.add(
            tenant(QStringLiteral("acme"), QStringLiteral("boss@acme.example"), QStringLiteral("Acme"))));
        QVERIFY(repo.add(tenant(QStringLiteral("beta"), QStringLiteral("ops@beta.example"))));
        QVERIFY(repo.add(tenant(QStringLiteral("gamma"), QStringLiteral("g@gamma.example"))));
        QSqlQuery q(Database::connection());
        for (int i = 0; i < 3; ++i) {
            QVERIFY(q.exec(QStringLiteral("INSERT INTO emails (tenant_id, gmail_message_id, gmail_thread_id, "
                                          "internal_date) VALUES ('acme', 'm%1', 't', now())")
                               .arg(i)));
        }
        QVERIFY(repo.tryAcquireLease(QStringLiteral("beta"), QStringLiteral("worker-9"))->acquired);
        QVERIFY(repo.tryAcquireLease(QStringLiteral("gamma"), QStringLiteral("crashed"))->acquired);
        QVERIFY(ageHeartbeat(QStringLiteral("gamma"), 7200));

        const auto list = repo.overviews();
        QVERIFY2(list, qPrintable(repo.errorString()));
        QCOMPARE(list->size(), 3);
        QCOMPARE(list->at(0).id, QStringLiteral("acme"));
        QCOMPARE(list->at(0).emailCount, 3);
        QVERIFY(!list->at(0).syncInProgress);
        QCOMPARE(list->at(0).lockAgeSeconds, -1);
        QCOMPARE(list->at(1).emailCount, 0);
        QVERIFY(list->at(1).syncInProgress);
        QCOMPARE(list->at(1).syncLockedBy, QStringLiteral("worker-9"));
        QVERIFY(list->at(1).lockAgeSeconds >= 0 && list->at(1).lockAgeSeconds < 60);
        QVERIFY(!list->at(2).syncInProgress); // locked, but the holder is silent for 2 h
        QCOMPARE(list->at(2).syncLockedBy, QStringLiteral("crashed"));
    }
};

QTEST_GUILESS_MAIN(TestTenantRepository)
#include "TestTenantRepository.moc"
