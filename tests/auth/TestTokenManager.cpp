#include "SandboxProcess.h"
#include "TestDatabase.h"
#include "auth/CredentialStore.h"
#include "auth/TokenManager.h"
#include "db/Database.h"
#include "db/IntegrationRepository.h"
#include "db/Migrator.h"
#include "db/TenantRepository.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QTest>
#include <QThread>

#include <memory>
#include <vector>

using auth::CredentialStore;
using auth::TokenManager;

namespace {
const QString User = QStringLiteral("alice@example.com");
const QString ClientId = QStringLiteral("gsa-test.apps.googleusercontent.com");
} // namespace

// auth::TokenManager against the real gmail-sandbox token endpoint and a real database, counting the
// token requests the sandbox saw.
class TestTokenManager final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void oneRefreshForManyThreads();
    void refreshesWhenLessThanFiveMinutesRemain();
    void forcedRefreshAfter401();
    void invalidGrantNeedsReauthWithoutRetryStorm();
    void serviceAccountJwtGrant();
    void deactivatedIntegrationMakesNoRequest();
    void newKeysEndAPermanentFailure();
    void sharedPerTenant();
    void transientFailureKeepsUsableTokenAndBacksOff();

private:
    QString newRefreshToken();
    void storeOAuth(const QString &refreshToken, const QString &accessToken = {},
                    const QDateTime &expiresAt = {});
    int tokenRequests(const QString &grant = {});
    int profileStatus(const QString &token);
    TokenManager::Params params() const;

    std::unique_ptr<testsupport::SandboxProcess> m_sandbox;
    std::unique_ptr<testsupport::TestDatabase> m_testDb;
    std::unique_ptr<crypto::Vault> m_vault;
};

void TestTokenManager::initTestCase() {
    m_sandbox = std::make_unique<testsupport::SandboxProcess>(QStringList{QStringLiteral("--user"), User});
    QVERIFY2(m_sandbox->isRunning(), qPrintable(m_sandbox->errorString()));
    m_vault = std::make_unique<crypto::Vault>(*crypto::MasterKey::generate(nullptr));
}

void TestTokenManager::init() {
    m_testDb = std::make_unique<testsupport::TestDatabase>();
    QVERIFY2(m_testDb->isValid(), qPrintable(m_testDb->errorString()));
    QString error;
    QVERIFY2(m_testDb->openMigrated(&error), qPrintable(error));
    db::TenantRepository tenants;
    db::Tenant tenant;
    tenant.id = QStringLiteral("acme");
    tenant.gmailAddress = User;
    QVERIFY2(tenants.add(tenant), qPrintable(tenants.errorString()));
    int status = 0;
    m_sandbox->control("POST", QStringLiteral("/_sandbox/oauth/stats/reset"), {}, &status);
    QCOMPARE(status, 200);
}

void TestTokenManager::cleanup() {
    db::Database::closeThreadConnection();
    m_testDb.reset();
}

TokenManager::Params TestTokenManager::params() const {
    TokenManager::Params p;
    p.tenantId = QStringLiteral("acme");
    p.oauthTokenUrl = m_sandbox->url().resolved(QUrl(QStringLiteral("/token")));
    return p;
}

QString TestTokenManager::newRefreshToken() {
    int status = 0;
    const QJsonDocument answer = m_sandbox->control(
        "POST", QStringLiteral("/_sandbox/oauth/refresh-tokens"),
        {{QStringLiteral("email"), User}, {QStringLiteral("clientId"), ClientId}}, &status);
    return status == 200 ? answer.object().value(QStringLiteral("refresh_token")).toString() : QString();
}

void TestTokenManager::storeOAuth(const QString &refreshToken, const QString &accessToken,
                                  const QDateTime &expiresAt) {
    QJsonObject keys{{QStringLiteral("clientId"), ClientId},
                     {QStringLiteral("clientSecret"), QStringLiteral("secret")},
                     {QStringLiteral("refreshToken"), refreshToken}};
    if (!accessToken.isEmpty()) {
        keys.insert(QStringLiteral("accessToken"), accessToken);
        keys.insert(QStringLiteral("expiresAt"), expiresAt.toString(Qt::ISODate));
    }
    CredentialStore store(*m_vault);
    QVERIFY2(
        store.store(QStringLiteral("acme"), CredentialStore::AuthType::OAuth, QJsonDocument(keys).toJson()),
        qPrintable(store.errorString()));
}

int TestTokenManager::tokenRequests(const QString &grant) {
    const QJsonObject stats = m_sandbox->control("GET", QStringLiteral("/_sandbox/oauth/stats")).object();
    if (grant.isEmpty())
        return stats.value(QStringLiteral("tokenRequests")).toInt(-1);
    return stats.value(QStringLiteral("tokenRequestsByGrant")).toObject().value(grant).toInt(0);
}

int TestTokenManager::profileStatus(const QString &token) {
    return m_sandbox
        ->request("GET", QStringLiteral("/gmail/v1/users/me/profile"), {},
                  {{"Authorization", "Bearer " + token.toLatin1()}})
        .status;
}

void TestTokenManager::oneRefreshForManyThreads() {
    const QString refreshToken = newRefreshToken();
    QVERIFY(!refreshToken.isEmpty());
    storeOAuth(refreshToken);
    TokenManager manager(params(), *m_vault);

    constexpr int Threads = 8;
    std::vector<QString> tokens(Threads);
    std::vector<QString> errors(Threads);
    std::vector<std::unique_ptr<QThread>> threads;
    QAtomicInt ready = 0;
    for (int i = 0; i < Threads; ++i) {
        threads.emplace_back(QThread::create([&, i] {
            ready.fetchAndAddOrdered(1);
            while (ready.loadAcquire() < Threads)
                QThread::yieldCurrentThread();
            bool permanent = false;
            tokens[i] = manager.accessToken(false, &errors[i], &permanent).value_or(QString());
            db::Database::closeThreadConnection();
        }));
        threads.back()->start();
    }
    for (auto &thread : threads)
        QVERIFY(thread->wait(60000));
    for (int i = 0; i < Threads; ++i) {
        QVERIFY2(!tokens[i].isEmpty(), qPrintable(errors[i]));
        QCOMPARE(tokens[i], tokens[0]);
    }
    QCOMPARE(tokenRequests(QStringLiteral("refresh_token")), 1);
    QCOMPARE(manager.tokenRequests(), 1);
    QCOMPARE(profileStatus(tokens[0]), 200);

    // Cached: more calls make no request.
    for (int i = 0; i < 20; ++i)
        QCOMPARE(manager.accessToken(false, nullptr, nullptr).value_or(QString()), tokens[0]);
    QCOMPARE(tokenRequests(), 1);

    // The refreshed token was stored (sealed) for the next process, with its expiry.
    const auto row = db::IntegrationRepository().find(QStringLiteral("acme"));
    QVERIFY(row);
    QVERIFY(row->tokenExpiresAt > QDateTime::currentDateTimeUtc().addSecs(3000));
    QVERIFY(row->lastUsedAt.isValid());
    TokenManager nextProcess(params(), *m_vault);
    QCOMPARE(nextProcess.accessToken(false, nullptr, nullptr).value_or(QString()), tokens[0]);
    QCOMPARE(nextProcess.tokenRequests(), 0);
    QCOMPARE(tokenRequests(), 1);
}

void TestTokenManager::refreshesWhenLessThanFiveMinutesRemain() {
    const QString refreshToken = newRefreshToken();
    // 10 minutes left: the stored token is used as is.
    storeOAuth(refreshToken, QStringLiteral("ya29.stored-long"),
               QDateTime::currentDateTimeUtc().addSecs(600));
    {
        TokenManager manager(params(), *m_vault);
        QCOMPARE(manager.accessToken(false, nullptr, nullptr).value_or(QString()),
                 QStringLiteral("ya29.stored-long"));
        QCOMPARE(manager.tokenRequests(), 0);
    }
    // 4 minutes left: refreshed.
    storeOAuth(refreshToken, QStringLiteral("ya29.stored-short"),
               QDateTime::currentDateTimeUtc().addSecs(240));
    TokenManager manager(params(), *m_vault);
    QString error;
    const auto token = manager.accessToken(false, &error, nullptr);
    QVERIFY2(token, qPrintable(error));
    QVERIFY(*token != QStringLiteral("ya29.stored-short"));
    QCOMPARE(manager.tokenRequests(), 1);
    QCOMPARE(tokenRequests(QStringLiteral("refresh_token")), 1);
    QCOMPARE(profileStatus(*token), 200);
}

void TestTokenManager::forcedRefreshAfter401() {
    storeOAuth(newRefreshToken(), QStringLiteral("ya29.refused-by-google"),
               QDateTime::currentDateTimeUtc().addSecs(3000));
    TokenManager manager(params(), *m_vault);
    QCOMPARE(manager.accessToken(false, nullptr, nullptr).value_or(QString()),
             QStringLiteral("ya29.refused-by-google"));
    QCOMPARE(profileStatus(QStringLiteral("ya29.refused-by-google")), 401);
    QString error;
    const auto renewed = manager.accessToken(true, &error, nullptr);
    QVERIFY2(renewed, qPrintable(error));
    QVERIFY(*renewed != QStringLiteral("ya29.refused-by-google"));
    QCOMPARE(profileStatus(*renewed), 200);
    // Other threads that saw the same 401 a moment later get the new token without another request.
    QCOMPARE(manager.accessToken(true, nullptr, nullptr).value_or(QString()), *renewed);
    QCOMPARE(manager.tokenRequests(), 1);
}

void TestTokenManager::invalidGrantNeedsReauthWithoutRetryStorm() {
    const QString refreshToken = newRefreshToken();
    storeOAuth(refreshToken);
    int status = 0;
    m_sandbox->control("POST", QStringLiteral("/_sandbox/oauth/revoke"),
                       {{QStringLiteral("refreshToken"), refreshToken}}, &status);
    QCOMPARE(status, 200);

    TokenManager manager(params(), *m_vault);
    QString error;
    bool permanent = false;
    QVERIFY(!manager.accessToken(false, &error, &permanent));
    QVERIFY(permanent);
    QVERIFY2(error.contains(QStringLiteral("invalid_grant")) && error.contains(QStringLiteral("Reconnect")),
             qPrintable(error));
    QVERIFY(!error.contains(refreshToken));
    const auto row = db::IntegrationRepository().find(QStringLiteral("acme"));
    QCOMPARE(row->status, QStringLiteral("needs_reauth"));
    QVERIFY2(row->statusReason.contains(QStringLiteral("Reconnect")) &&
                 row->statusReason.contains(QStringLiteral("integration set acme")),
             qPrintable(row->statusReason));

    // No retry storm: further calls (forced or not) and a fresh manager make no request.
    for (int i = 0; i < 10; ++i) {
        permanent = false;
        QVERIFY(!manager.accessToken(i % 2 == 0, &error, &permanent));
        QVERIFY(permanent);
    }
    TokenManager another(params(), *m_vault);
    QVERIFY(!another.accessToken(false, &error, &permanent));
    QVERIFY(permanent);
    QVERIFY2(error.contains(QStringLiteral("needs re-authorization")), qPrintable(error));
    QCOMPARE(tokenRequests(), 1);
    QCOMPARE(another.tokenRequests(), 0);
}

void TestTokenManager::serviceAccountJwtGrant() {
    int status = 0;
    const QJsonObject keyFile = m_sandbox
                                    ->control("POST", QStringLiteral("/_sandbox/service-accounts"),
                                              {{QStringLiteral("domainWideDelegation"), true}}, &status)
                                    .object();
    QCOMPARE(status, 200);
    CredentialStore store(*m_vault);
    QVERIFY2(store.store(QStringLiteral("acme"), CredentialStore::AuthType::ServiceAccount,
                         QJsonDocument(keyFile).toJson()),
             qPrintable(store.errorString()));
    TokenManager manager(params(), *m_vault);
    QString error;
    const auto token = manager.accessToken(false, &error, nullptr);
    QVERIFY2(token, qPrintable(error));
    QCOMPARE(profileStatus(*token), 200); // a token for the tenant's mailbox (sub = its address)
    QCOMPARE(manager.accessToken(false, nullptr, nullptr).value_or(QString()), *token);
    QCOMPARE(tokenRequests(QStringLiteral("jwt_bearer")), 1);
    QCOMPARE(tokenRequests(), 1);

    // A subject the domain does not have: invalid_grant → needs_reauth, permanent.
    QJsonObject wrongSubject = keyFile;
    wrongSubject.insert(QStringLiteral("subject"), QStringLiteral("nobody@example.com"));
    QVERIFY(store.store(QStringLiteral("acme"), CredentialStore::AuthType::ServiceAccount,
                        QJsonDocument(wrongSubject).toJson()));
    TokenManager refused(params(), *m_vault);
    bool permanent = false;
    QVERIFY(!refused.accessToken(false, &error, &permanent));
    QVERIFY(permanent);
    QVERIFY2(error.contains(QStringLiteral("invalid_grant")), qPrintable(error));
    QCOMPARE(db::IntegrationRepository().find(QStringLiteral("acme"))->status,
             QStringLiteral("needs_reauth"));
}

void TestTokenManager::deactivatedIntegrationMakesNoRequest() {
    storeOAuth(newRefreshToken());
    db::IntegrationRepository repository;
    QVERIFY(repository.setStatus(QStringLiteral("acme"), db::IntegrationRepository::Gmail,
                                 QStringLiteral("inactive"), QStringLiteral("test")));
    TokenManager manager(params(), *m_vault);
    QString error;
    bool permanent = false;
    QVERIFY(!manager.accessToken(false, &error, &permanent));
    QVERIFY(permanent);
    QVERIFY2(error.contains(QStringLiteral("deactivated")), qPrintable(error));
    QCOMPARE(tokenRequests(), 0);
}

void TestTokenManager::newKeysEndAPermanentFailure() {
    const QString revoked = newRefreshToken();
    storeOAuth(revoked);
    int status = 0;
    m_sandbox->control("POST", QStringLiteral("/_sandbox/oauth/revoke"),
                       {{QStringLiteral("refreshToken"), revoked}}, &status);
    QCOMPARE(status, 200);
    TokenManager::Params p = params();
    p.permanentRecheck = std::chrono::milliseconds(0);
    TokenManager manager(p, *m_vault);
    bool permanent = false;
    QVERIFY(!manager.accessToken(false, nullptr, &permanent));
    QVERIFY(permanent);
    // Rechecks read the row only: still the same revoked keys, so no token request.
    QVERIFY(!manager.accessToken(false, nullptr, &permanent));
    QVERIFY(permanent);
    QCOMPARE(manager.tokenRequests(), 1);

    // The admin reconnects and stores new keys: the long-running manager recovers by itself.
    storeOAuth(newRefreshToken());
    QString error;
    const auto token = manager.accessToken(false, &error, &permanent);
    QVERIFY2(token, qPrintable(error));
    QCOMPARE(profileStatus(*token), 200);
    QCOMPARE(manager.tokenRequests(), 2);
}

void TestTokenManager::sharedPerTenant() {
    storeOAuth(newRefreshToken());
    const auto first = TokenManager::sharedFor(params(), *m_vault);
    const auto second = TokenManager::sharedFor(params(), *m_vault);
    QCOMPARE(first.get(), second.get());
    TokenManager::Params other = params();
    other.tenantId = QStringLiteral("other");
    QVERIFY(TokenManager::sharedFor(other, *m_vault).get() != first.get());
    QVERIFY(first->accessToken(false, nullptr, nullptr));
    QVERIFY(second->accessToken(false, nullptr, nullptr));
    QCOMPARE(tokenRequests(), 1);
}

void TestTokenManager::transientFailureKeepsUsableTokenAndBacksOff() {
    // A token endpoint that is down (503): a stored token with 4 minutes left is still handed out,
    // and callers within the backoff do not cause more requests.
    QHttpServer down;
    int hits = 0;
    down.route(QStringLiteral("/token"), [&](const QHttpServerRequest &) {
        ++hits;
        return QHttpServerResponse(QJsonObject{{QStringLiteral("error"), QStringLiteral("backend_error")}},
                                   QHttpServerResponder::StatusCode::ServiceUnavailable);
    });
    const quint16 port = down.listen(QHostAddress::LocalHost);
    QVERIFY(port != 0);
    storeOAuth(newRefreshToken(), QStringLiteral("ya29.four-minutes"),
               QDateTime::currentDateTimeUtc().addSecs(240));
    TokenManager::Params p = params();
    p.oauthTokenUrl = QUrl(QStringLiteral("http://127.0.0.1:%1/token").arg(port));
    p.failureBackoff = std::chrono::seconds(30);
    TokenManager manager(p, *m_vault);
    for (int i = 0; i < 5; ++i)
        QCOMPARE(manager.accessToken(false, nullptr, nullptr).value_or(QString()),
                 QStringLiteral("ya29.four-minutes"));
    QCOMPARE(hits, 1);
    // Forced (the token was refused): the failure is reported, transient, still without a new request.
    QString error;
    bool permanent = true;
    QVERIFY(!manager.accessToken(true, &error, &permanent));
    QVERIFY(!permanent);
    QVERIFY2(error.contains(QStringLiteral("503")), qPrintable(error));
    QCOMPARE(hits, 1);
    QCOMPARE(db::IntegrationRepository().find(QStringLiteral("acme"))->status, QStringLiteral("active"));
}

QTEST_GUILESS_MAIN(TestTokenManager)
#include "TestTokenManager.moc"
