#include "TestDatabase.h"
#include "db/Database.h"
#include "db/EmailRepository.h"
#include "db/IntegrationRepository.h"
#include "db/JobRepository.h"
#include "db/TenantRepository.h"
#include "demo/DemoSeeder.h"

#include <QtTest>

#include <memory>

// demo::DemoSeeder (`gmail-sync-admin --seed-demo-data`) fills an empty database with what the screenshots
// show: five tenants, integrations in every state, jobs finished/running/queued, a stuck lease and mail.
class TestDemoSeeder final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void seedsAnEmptyDatabase();
    void refusesToSeedTwice();

private:
    std::unique_ptr<testsupport::TestDatabase> open() {
        auto testDb = std::make_unique<testsupport::TestDatabase>();
        QString error;
        if (!testDb->isValid() || !testDb->openMigrated(&error))
            return nullptr;
        return testDb;
    }
};

void TestDemoSeeder::seedsAnEmptyDatabase() {
    const auto testDb = open();
    QVERIFY(testDb);
    QString error;
    QVERIFY2(demo::DemoSeeder::seed(&error), qPrintable(error));

    db::TenantRepository tenants(db::Database::connection());
    const auto all = tenants.list();
    QVERIFY2(all, qPrintable(tenants.errorString()));
    QCOMPARE(all->size(), 5);
    QVERIFY2(!tenants.tryAcquireLease(QStringLiteral("initech"), QStringLiteral("x:1:1"))->acquired,
             "initech's lease is stuck with its old holder");
    db::IntegrationRepository integrations(db::Database::connection());
    QCOMPARE(integrations.find(QStringLiteral("umbrella"))->status, QStringLiteral("needs_reauth"));
    QCOMPARE(integrations.find(QStringLiteral("globex"))->authType, QStringLiteral("service_account"));
    QVERIFY(!integrations.find(QStringLiteral("hooli")));
    db::JobRepository jobs(db::Database::connection());
    const auto acmeJobs = jobs.listForTenant(QStringLiteral("acme"), 10);
    QVERIFY(acmeJobs);
    QCOMPARE(acmeJobs->size(), 2);
    QCOMPARE(jobs.listForTenant(QStringLiteral("umbrella"), 10)->value(0).status, QStringLiteral("failed"));
    QCOMPARE(jobs.listForTenant(QStringLiteral("globex"), 10)->value(0).status, QStringLiteral("running"));
    QCOMPARE(jobs.listForTenant(QStringLiteral("hooli"), 10)->value(0).status, QStringLiteral("queued"));
    db::EmailRepository emails(db::Database::connection());
    QCOMPARE(emails.count(QStringLiteral("acme")).value_or(-1), 5);
    QCOMPARE(emails.count(QStringLiteral("globex")).value_or(-1), 1);
    db::Database::closeThreadConnection();
}

void TestDemoSeeder::refusesToSeedTwice() {
    const auto testDb = open();
    QVERIFY(testDb);
    QString error;
    QVERIFY2(demo::DemoSeeder::seed(&error), qPrintable(error));
    QVERIFY(!demo::DemoSeeder::seed(&error));
    QVERIFY2(error.contains(QLatin1String("acme")), qPrintable(error)); // the first tenant exists already
    db::Database::closeThreadConnection();
}

QTEST_GUILESS_MAIN(TestDemoSeeder)
#include "TestDemoSeeder.moc"
