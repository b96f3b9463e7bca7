#include "OpsTestFixture.h"
#include "ops/UnlockTenant.h"

// ops::UnlockTenant: the operator's unlock of a tenant's sync lease, whoever holds it or only the holder
// the operator was shown.
class TestUnlockTenant final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init() {
        QString error;
        QVERIFY2(m_fixture.open(&error), qPrintable(error));
        QVERIFY(opstest::Fixture::addTenant(QStringLiteral("acme"), QStringLiteral("ops@acme.example")));
    }
    void cleanup() { m_fixture.close(); }

    void unlockClearsAnyHolder();
    void unlockIfHeldByLeavesANewHolder();
    void unknownTenantIsNamed();

private:
    static bool lock(const QString &holder) {
        db::TenantRepository tenants(db::Database::connection());
        const auto lease = tenants.tryAcquireLease(QStringLiteral("acme"), holder);
        return lease && lease->acquired;
    }

    opstest::Fixture m_fixture;
};

void TestUnlockTenant::unlockClearsAnyHolder() {
    QVERIFY(lock(QStringLiteral("host-a:1:1")));
    auto r = ops::UnlockTenant::unlock(QStringLiteral("acme"));
    QVERIFY2(r.ok, qPrintable(r.error));
    QVERIFY(r.wasLocked);
    QCOMPARE(r.previousHolder, QStringLiteral("host-a:1:1"));
    QVERIFY(r.lockedSince.isValid());
    QVERIFY2(lock(QStringLiteral("host-b:2:1")), "free again: another worker takes it");

    QVERIFY(ops::UnlockTenant::unlock(QStringLiteral("acme")).ok);
    r = ops::UnlockTenant::unlock(QStringLiteral("acme"));
    QVERIFY2(r.ok, qPrintable(r.error));
    QVERIFY(!r.wasLocked);
}

void TestUnlockTenant::unlockIfHeldByLeavesANewHolder() {
    QVERIFY(lock(QStringLiteral("host-a:1:1")));
    auto r = ops::UnlockTenant::unlockIfHeldBy(QStringLiteral("acme"), QStringLiteral("someone-else:9:9"));
    QVERIFY2(r.ok, qPrintable(r.error));
    QVERIFY2(!r.wasLocked, "another holder's lock stays");
    QVERIFY2(!lock(QStringLiteral("host-b:2:1")), "still held by host-a");

    r = ops::UnlockTenant::unlockIfHeldBy(QStringLiteral("acme"), QStringLiteral("host-a:1:1"));
    QVERIFY2(r.ok, qPrintable(r.error));
    QVERIFY(r.wasLocked);
    QCOMPARE(r.previousHolder, QStringLiteral("host-a:1:1"));
    QVERIFY(lock(QStringLiteral("host-b:2:1")));
}

void TestUnlockTenant::unknownTenantIsNamed() {
    const auto r = ops::UnlockTenant::unlock(QStringLiteral("nobody"));
    QVERIFY(!r.ok);
    QVERIFY(r.notFound);
    QVERIFY2(r.error.contains(QLatin1String("nobody")), qPrintable(r.error));
}

QTEST_GUILESS_MAIN(TestUnlockTenant)
#include "TestUnlockTenant.moc"
