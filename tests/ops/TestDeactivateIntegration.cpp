#include "OpsTestFixture.h"
#include "db/IntegrationRepository.h"
#include "ops/DeactivateIntegration.h"

// ops::DeactivateIntegration: the integration turns 'inactive' with the operator's reason; a tenant without
// one is an error that says so.
class TestDeactivateIntegration final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init() {
        QString error;
        QVERIFY2(m_fixture.open(&error), qPrintable(error));
        QVERIFY(opstest::Fixture::addTenant(QStringLiteral("acme"), QStringLiteral("ops@acme.example")));
    }
    void cleanup() { m_fixture.close(); }

    void deactivates();
    void withoutIntegrationFails();

private:
    opstest::Fixture m_fixture;
};

void TestDeactivateIntegration::deactivates() {
    db::IntegrationRepository integrations(db::Database::connection());
    QVERIFY2(integrations.upsert(QStringLiteral("acme"), db::IntegrationRepository::Gmail,
                                 QStringLiteral("oauth"), QByteArrayLiteral("sealed"), QStringLiteral("k1")),
             qPrintable(integrations.errorString()));
    const auto r =
        ops::DeactivateIntegration::run(QStringLiteral("acme"), QStringLiteral("stopped by a test"));
    QVERIFY2(r.ok, qPrintable(r.error));
    const auto row = integrations.find(QStringLiteral("acme"));
    QVERIFY(row);
    QCOMPARE(row->status, QStringLiteral("inactive"));
    QCOMPARE(row->statusReason, QStringLiteral("stopped by a test"));
}

void TestDeactivateIntegration::withoutIntegrationFails() {
    const auto r =
        ops::DeactivateIntegration::run(QStringLiteral("acme"), QStringLiteral("stopped by a test"));
    QVERIFY(!r.ok);
    QVERIFY2(r.error.contains(QLatin1String("acme")), qPrintable(r.error));
}

QTEST_GUILESS_MAIN(TestDeactivateIntegration)
#include "TestDeactivateIntegration.moc"
