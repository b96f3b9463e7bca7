#include "OpsTestFixture.h"
#include "auth/CredentialJson.h"
#include "crypto/KeyProviderChain.h"
#include "db/IntegrationRepository.h"
#include "ops/ConnectMailbox.h"

// ops::ConnectMailbox against a real PostgreSQL: the tenant found or created, the address checked, the
// credentials sealed with the master key and readable again, nothing stored when something is wrong.
class TestConnectMailbox final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init() {
        QString error;
        QVERIFY2(m_fixture.open(&error), qPrintable(error));
    }
    void cleanup() { m_fixture.close(); }

    void serviceAccountKeyCreatesTheTenant();
    void oauthGrantForANewTenantTakesTheSignedInAddress();
    void oauthGrantForAnExistingTenant();
    void addressMismatchIsRefused();
    void grantForAnotherAccountIsRefused();
    void invalidKeysNameTheFieldNotTheSecret();
    void preflightFindsTheTenant();

private:
    // The tenant's credentials, opened with the master key again.
    static std::optional<auth::CredentialStore::Credentials> load(const QString &tenantId, QString *error) {
        const auto vault = crypto::KeyProviderChain::standard(QString())->vault({}, error);
        if (!vault)
            return std::nullopt;
        auth::CredentialStore store(*vault, db::Database::connection());
        auto credentials = store.load(tenantId);
        if (!credentials)
            *error = store.errorString();
        return credentials;
    }
    static ops::ConnectMailbox::OAuthGrant grant(const QString &email) {
        ops::ConnectMailbox::OAuthGrant g;
        g.clientId = QStringLiteral("client-1.apps.googleusercontent.com");
        g.clientSecret = QStringLiteral("installed-secret");
        g.flow.email = email;
        g.flow.refreshToken = QStringLiteral("1//refresh-token-value");
        g.flow.accessToken = QStringLiteral("ya29.access-token-value");
        g.flow.accessTokenExpiresAt = QDateTime::currentDateTimeUtc().addSecs(3600);
        return g;
    }

    opstest::Fixture m_fixture;
};

void TestConnectMailbox::serviceAccountKeyCreatesTheTenant() {
    QByteArray key = opstest::Fixture::serviceAccountKey();
    QVERIFY(!key.isEmpty());
    const auto r = ops::ConnectMailbox().withServiceAccountKey(
        opstest::Fixture::tenant(QStringLiteral("acme"), QStringLiteral("ops@acme.example")), key);
    QVERIFY2(r.ok, qPrintable(r.error));
    QVERIFY(r.tenantCreated);
    QVERIFY(!r.keyId.isEmpty());
    QVERIFY2(!key.contains("PRIVATE KEY"), "the key file is wiped once stored");

    db::TenantRepository tenants(db::Database::connection());
    const auto tenant = tenants.find(QStringLiteral("acme"));
    QVERIFY2(tenant, qPrintable(tenants.errorString()));
    QCOMPARE(tenant->gmailAddress, QStringLiteral("ops@acme.example"));
    QString error;
    const auto credentials = load(QStringLiteral("acme"), &error);
    QVERIFY2(credentials, qPrintable(error));
    QCOMPARE(credentials->authType, auth::CredentialStore::AuthType::ServiceAccount);
    QCOMPARE(credentials->integration.keyId, r.keyId);
    QCOMPARE(auth::CredentialJson::publicFacts(credentials->authType, credentials->keys).clientEmail,
             QStringLiteral("gsa@acme.iam.gserviceaccount.com"));
}

void TestConnectMailbox::oauthGrantForANewTenantTakesTheSignedInAddress() {
    db::Tenant tenant;
    tenant.id = QStringLiteral("cli");
    const auto r = ops::ConnectMailbox().withOAuthGrant(tenant, grant(QStringLiteral("Someone@Example.com")));
    QVERIFY2(r.ok, qPrintable(r.error));
    QVERIFY(r.tenantCreated);
    db::TenantRepository tenants(db::Database::connection());
    const auto stored = tenants.find(QStringLiteral("cli"));
    QVERIFY(stored);
    QCOMPARE(stored->gmailAddress, QStringLiteral("Someone@Example.com"));
    QCOMPARE(stored->displayName, QStringLiteral("cli")); // no name given: the id
    QString error;
    const auto credentials = load(QStringLiteral("cli"), &error);
    QVERIFY2(credentials, qPrintable(error));
    QCOMPARE(credentials->authType, auth::CredentialStore::AuthType::OAuth);
    QCOMPARE(auth::CredentialJson::publicFacts(credentials->authType, credentials->keys).clientId,
             QStringLiteral("client-1.apps.googleusercontent.com"));
    db::IntegrationRepository integrations(db::Database::connection());
    const auto row = integrations.find(QStringLiteral("cli"));
    QVERIFY(row);
    QVERIFY2(!row->encryptedKeys.contains("refresh-token-value"), "sealed, not plain");
    QVERIFY(row->tokenExpiresAt.isValid());
}

void TestConnectMailbox::oauthGrantForAnExistingTenant() {
    QVERIFY(opstest::Fixture::addTenant(QStringLiteral("acme"), QStringLiteral("ops@acme.example")));
    db::Tenant tenant;
    tenant.id = QStringLiteral("acme"); // the CLI knows only the id: the stored address must match
    const auto r = ops::ConnectMailbox().withOAuthGrant(tenant, grant(QStringLiteral("OPS@acme.example")));
    QVERIFY2(r.ok, qPrintable(r.error));
    QVERIFY(!r.tenantCreated);
    QString error;
    QVERIFY2(load(QStringLiteral("acme"), &error), qPrintable(error));
}

void TestConnectMailbox::addressMismatchIsRefused() {
    QVERIFY(opstest::Fixture::addTenant(QStringLiteral("acme"), QStringLiteral("ops@acme.example")));
    QByteArray key = opstest::Fixture::serviceAccountKey();
    const auto r = ops::ConnectMailbox().withServiceAccountKey(
        opstest::Fixture::tenant(QStringLiteral("acme"), QStringLiteral("other@acme.example")), key);
    QVERIFY(!r.ok);
    QVERIFY2(r.error.contains(QLatin1String("ops@acme.example")) && r.error.contains(QLatin1String("acme")),
             qPrintable(r.error));
    QVERIFY2(r.error.contains(QLatin1String("nothing was stored")), qPrintable(r.error));
    QVERIFY2(!key.contains("PRIVATE KEY"), "wiped also when refused");
    db::IntegrationRepository integrations(db::Database::connection());
    QVERIFY(!integrations.find(QStringLiteral("acme")));
    QVERIFY(integrations.isNotFound());
}

void TestConnectMailbox::grantForAnotherAccountIsRefused() {
    QVERIFY(opstest::Fixture::addTenant(QStringLiteral("acme"), QStringLiteral("ops@acme.example")));
    db::Tenant tenant;
    tenant.id = QStringLiteral("acme");
    const auto r =
        ops::ConnectMailbox().withOAuthGrant(tenant, grant(QStringLiteral("intruder@example.com")));
    QVERIFY(!r.ok);
    QVERIFY2(r.error.contains(QLatin1String("intruder@example.com")) &&
                 r.error.contains(QLatin1String("ops@acme.example")),
             qPrintable(r.error));
    QVERIFY2(!r.error.contains(QLatin1String("refresh-token-value")), "no secret in the error");
    db::IntegrationRepository integrations(db::Database::connection());
    QVERIFY(!integrations.find(QStringLiteral("acme")));
}

void TestConnectMailbox::invalidKeysNameTheFieldNotTheSecret() {
    QByteArray keys(R"({"clientId":"c","clientSecret":"s3cr3t-value"})");
    const auto r = ops::ConnectMailbox().withKeys(
        opstest::Fixture::tenant(QStringLiteral("acme"), QStringLiteral("ops@acme.example")),
        auth::CredentialStore::AuthType::OAuth, keys);
    QVERIFY(!r.ok);
    QVERIFY2(r.error.contains(QLatin1String("refreshToken")), qPrintable(r.error));
    QVERIFY(!r.error.contains(QLatin1String("s3cr3t-value")));
    QVERIFY2(!keys.contains("s3cr3t-value"), "wiped");
}

void TestConnectMailbox::preflightFindsTheTenant() {
    const ops::ConnectMailbox connect;
    auto p = connect.preflight(QStringLiteral("acme"));
    QVERIFY2(p.ok, qPrintable(p.error));
    QVERIFY(!p.tenant);
    QVERIFY(opstest::Fixture::addTenant(QStringLiteral("acme"), QStringLiteral("ops@acme.example")));
    p = connect.preflight(QStringLiteral("acme"));
    QVERIFY2(p.ok, qPrintable(p.error));
    QVERIFY(p.tenant);
    QCOMPARE(p.tenant->gmailAddress, QStringLiteral("ops@acme.example"));
}

QTEST_GUILESS_MAIN(TestConnectMailbox)
#include "TestConnectMailbox.moc"
