#include "TokenStore.h"

#include <QSet>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>
#include <vector>

// sandbox::TokenStore: the opaque tokens behind every bearer check of the sandbox.
class TestSandboxOAuthTokenStore final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void accessTokensResolveToTheirUser();
    void expiredTokenIsUnknown();
    void revokingRefreshTokenKillsItsAccessTokens();
    void revokingAccessTokenRevokesItsGrant();
    void revokeAllForUser();
    void concurrentUse();
};

void TestSandboxOAuthTokenStore::accessTokensResolveToTheirUser() {
    sandbox::TokenStore store;
    const QString a = store.issueAccessToken(QStringLiteral("a@example.com"), {QStringLiteral("s1")});
    const QString b = store.issueAccessToken(QStringLiteral("b@example.com"), {QStringLiteral("s2")});
    QVERIFY(a != b);
    QVERIFY(a.startsWith(QLatin1String("ya29.")));
    QCOMPARE(store.emailForAccessToken(a), std::optional<QString>(QStringLiteral("a@example.com")));
    QCOMPARE(store.scopesForAccessToken(b), QStringList{QStringLiteral("s2")});
    QVERIFY(!store.emailForAccessToken(QStringLiteral("ya29.unknown")));
    QVERIFY(store.scopesForAccessToken(QStringLiteral("ya29.unknown")).isEmpty());
}

void TestSandboxOAuthTokenStore::expiredTokenIsUnknown() {
    sandbox::TokenStore store;
    const QString token = store.issueAccessToken(QStringLiteral("a@example.com"), {}, 1);
    QVERIFY(store.emailForAccessToken(token));
    QTest::qWait(1100);
    QVERIFY(!store.emailForAccessToken(token));
}

void TestSandboxOAuthTokenStore::revokingRefreshTokenKillsItsAccessTokens() {
    sandbox::TokenStore store;
    const QString refresh = store.issueRefreshToken(QStringLiteral("a@example.com"), QStringLiteral("c"),
                                                    {QStringLiteral("https://mail.google.com/")});
    const QString fromGrant = store.issueAccessTokenFromRefresh(refresh);
    const QString unrelated = store.issueAccessToken(QStringLiteral("a@example.com"), {});
    QCOMPARE(store.refreshGrant(refresh)->clientId, QStringLiteral("c"));
    QVERIFY(store.revokeRefreshToken(refresh));
    QVERIFY(store.refreshGrant(refresh)->revoked); // still known, so refresh answers invalid_grant
    QVERIFY(!store.emailForAccessToken(fromGrant));
    QVERIFY(store.emailForAccessToken(unrelated));
    QVERIFY(store.issueAccessTokenFromRefresh(refresh).isEmpty());
    QVERIFY(!store.revokeRefreshToken(QStringLiteral("1//unknown")));
}

void TestSandboxOAuthTokenStore::revokingAccessTokenRevokesItsGrant() {
    sandbox::TokenStore store;
    const QString refresh = store.issueRefreshToken(QStringLiteral("a@example.com"), QStringLiteral("c"), {});
    const QString first = store.issueAccessTokenFromRefresh(refresh);
    const QString second = store.issueAccessTokenFromRefresh(refresh);
    QVERIFY(store.revokeAccessToken(first));
    QVERIFY(store.refreshGrant(refresh)->revoked);
    QVERIFY(!store.emailForAccessToken(second));
    QVERIFY(!store.revokeAccessToken(first)); // gone
}

void TestSandboxOAuthTokenStore::revokeAllForUser() {
    sandbox::TokenStore store;
    const QString refresh = store.issueRefreshToken(QStringLiteral("A@example.com"), QStringLiteral("c"), {});
    const QString access = store.issueAccessToken(QStringLiteral("a@example.com"), {});
    const QString other = store.issueAccessToken(QStringLiteral("b@example.com"), {});
    store.revokeAllFor(QStringLiteral("a@EXAMPLE.com"));
    QVERIFY(store.refreshGrant(refresh)->revoked);
    QVERIFY(!store.emailForAccessToken(access));
    QVERIFY(store.emailForAccessToken(other));
}

void TestSandboxOAuthTokenStore::concurrentUse() {
    sandbox::TokenStore store;
    std::atomic<int> failures{0};
    std::vector<std::unique_ptr<QThread>> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back(QThread::create([&store, &failures, t] {
            const QString email = QStringLiteral("user%1@example.com").arg(t);
            for (int i = 0; i < 2000; ++i) {
                const QString token = store.issueAccessToken(email, {});
                if (store.emailForAccessToken(token) != email)
                    ++failures;
                if (i % 100 == 0)
                    store.revokeAllFor(QStringLiteral("nobody@example.com"));
            }
        }));
        threads.back()->start();
    }
    for (auto &thread : threads)
        QVERIFY(thread->wait(60000));
    QCOMPARE(failures.load(), 0);
}

QTEST_GUILESS_MAIN(TestSandboxOAuthTokenStore)
#include "TestSandboxOAuthTokenStore.moc"
