#include "OpsTestFixture.h"
#include "db/IntegrationRepository.h"
#include "ops/ConnectMailbox.h"
#include "ops/IntegrationDetails.h"

// ops::IntegrationDetails: the row plus the non-secret facts sealed in the keys; keys that do not open
// still give the row, with a warning.
class TestIntegrationDetails final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init() {
        QString error;
        QVERIFY2(m_fixture.open(&error), qPrintable(error));
    }
    void cleanup() { m_fixture.close(); }

    void serviceAccountFacts();
    void unreadableKeysStillShowTheRow();
    void missingIntegrationIsAnError();

private:
    opstest::Fixture m_fixture;
};

void TestIntegrationDetails::serviceAccountFacts() {
    QByteArray key = opstest::Fixture::serviceAccountKey();
    const auto stored = ops::ConnectMailbox().withServiceAccountKey(
        opstest::Fixture::tenant(QStringLiteral("acme"), QStringLiteral("ops@acme.example")), key);
    QVERIFY2(stored.ok, qPrintable(stored.error));
    const auto r = ops::IntegrationDetails::load(QStringLiteral("acme"), QString());
    QVERIFY2(r.ok, qPrintable(r.error));
    QVERIFY2(r.warning.isEmpty(), qPrintable(r.warning));
    QCOMPARE(r.integration.authType, QStringLiteral("service_account"));
    QCOMPARE(r.facts.clientEmail, QStringLiteral("gsa@acme.iam.gserviceaccount.com"));
    QCOMPARE(r.facts.subject, QStringLiteral("ops@acme.example")); // none in the keys: the tenant's address
    QVERIFY(r.facts.clientId.isEmpty());
}

void TestIntegrationDetails::unreadableKeysStillShowTheRow() {
    QVERIFY(opstest::Fixture::addTenant(QStringLiteral("acme"), QStringLiteral("ops@acme.example")));
    db::IntegrationRepository integrations(db::Database::connection());
    QVERIFY(integrations.upsert(QStringLiteral("acme"), db::IntegrationRepository::Gmail,
                                QStringLiteral("oauth"), QByteArrayLiteral("not-an-envelope"),
                                QStringLiteral("some-other-key")));
    const auto r = ops::IntegrationDetails::load(QStringLiteral("acme"), QString());
    QVERIFY2(r.ok, qPrintable(r.error));
    QVERIFY(!r.warning.isEmpty());
    QCOMPARE(r.integration.keyId, QStringLiteral("some-other-key"));
    QVERIFY(r.facts.clientId.isEmpty());
}

void TestIntegrationDetails::missingIntegrationIsAnError() {
    const auto r = ops::IntegrationDetails::load(QStringLiteral("nobody"), QString());
    QVERIFY(!r.ok);
    QVERIFY(!r.error.isEmpty());
}

QTEST_GUILESS_MAIN(TestIntegrationDetails)
#include "TestIntegrationDetails.moc"
