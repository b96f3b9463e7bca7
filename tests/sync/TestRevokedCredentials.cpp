// A tenant whose refresh token was revoked: the real `gmail-sync sync` takes its token from the sealed
// integration through auth::TokenManager, the sandbox answers invalid_grant, and then the job fails at
// once with a message that says to reconnect, the integration is marked needs_reauth, and no retry storm
// follows (the token endpoint is asked exactly once, however many steps and retries the job had left).
#include "SyncTestEnv.h"

#include "auth/CredentialStore.h"
#include "crypto/MasterKey.h"
#include "crypto/Vault.h"
#include "db/IntegrationRepository.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using synctest::Env;

class TestRevokedCredentials final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void revokedRefreshTokenFailsTheJobOnceAndAsksToReconnect() {
        Env env;
        QVERIFY(env.init());
        const QString email = QStringLiteral("revoked@example.com");
        QVERIFY(env.addMailbox(QStringLiteral("rev"), email, 40, 20));

        // A real grant, sealed in the vault as `integration set` / `connect` would store it.
        const QJsonObject grant = env.sandbox
                                      .control("POST", QStringLiteral("/_sandbox/oauth/refresh-tokens"),
                                               {{QStringLiteral("email"), email},
                                                {QStringLiteral("clientId"), QStringLiteral("rev-client")}})
                                      .object();
        const QString refreshToken = grant.value(QLatin1String("refresh_token")).toString();
        QVERIFY(!refreshToken.isEmpty());
        const QByteArray keyBase64 = QByteArray(32, '\x21').toBase64();
        QString error;
        const auto key = crypto::MasterKey::fromBase64(keyBase64, &error);
        QVERIFY2(key, qPrintable(error));
        const crypto::Vault vault(*key);
        auth::CredentialStore store(vault, db::Database::connection());
        const QJsonObject keys{{QStringLiteral("clientId"), QStringLiteral("rev-client")},
                               {QStringLiteral("clientSecret"), QStringLiteral("rev-secret")},
                               {QStringLiteral("refreshToken"), refreshToken}};
        QVERIFY2(store.store(QStringLiteral("rev"), auth::CredentialStore::AuthType::OAuth,
                             QJsonDocument(keys).toJson(QJsonDocument::Compact)),
                 qPrintable(store.errorString()));

        // The user revokes access.
        int status = 0;
        env.sandbox.control("POST", QStringLiteral("/_sandbox/oauth/revoke"),
                            {{QStringLiteral("refreshToken"), refreshToken}}, &status);
        QCOMPARE(status, 200);
        env.sandbox.control("POST", QStringLiteral("/_sandbox/oauth/stats/reset"));

        QTemporaryDir home;
        QProcess sync;
        QProcessEnvironment processEnv = QProcessEnvironment::systemEnvironment();
        processEnv.insert(QStringLiteral("GMAIL_SYNC_MASTER_KEY"), QString::fromLatin1(keyBase64));
        processEnv.insert(QStringLiteral("XDG_DATA_HOME"), home.path());
        processEnv.remove(QStringLiteral("GMAIL_SYNC_ACCESS_TOKEN"));
        sync.setProcessEnvironment(processEnv);
        const QString base = env.sandbox.url().toString();
        QElapsedTimer clock;
        clock.start();
        sync.start(qEnvironmentVariable("GSA_BIN_DIR") + QStringLiteral("/gmail-sync"),
                   {QStringLiteral("--database"), env.tdb.url(), QStringLiteral("--gmail-api-url"), base,
                    QStringLiteral("--oauth-token-url"), base + QStringLiteral("/token"),
                    QStringLiteral("sync"), QStringLiteral("rev"), QStringLiteral("--initial")});
        QVERIFY(sync.waitForFinished(120000));
        const QString err = QString::fromUtf8(sync.readAllStandardError());
        QCOMPARE(sync.exitCode(), 1);
        QVERIFY2(err.contains(QLatin1String("reconnect"), Qt::CaseInsensitive), qPrintable(err));
        QVERIFY2(!err.contains(refreshToken), "the refresh token never reaches stderr");
        // At once: no backoff-and-retry cycle (the default retry backoff is 30 s and up).
        QVERIFY2(clock.elapsed() < 25000, qPrintable(QString::number(clock.elapsed())));

        db::IntegrationRepository integrations(db::Database::connection());
        const auto row = integrations.find(QStringLiteral("rev"));
        QVERIFY(row);
        QCOMPARE(row->status, QStringLiteral("needs_reauth"));

        db::JobRepository jobs(db::Database::connection());
        const auto list = jobs.listForTenant(QStringLiteral("rev"), 5);
        QVERIFY(list && !list->isEmpty());
        QCOMPARE(list->first().status, QStringLiteral("failed"));
        QVERIFY2(list->first().errorMessage.contains(QLatin1String("reconnect"), Qt::CaseInsensitive),
                 qPrintable(list->first().errorMessage));

        // Exactly one token request: the invalid_grant answer is final.
        const QJsonObject stats =
            env.sandbox.control("GET", QStringLiteral("/_sandbox/oauth/stats")).object();
        QCOMPARE(stats.value(QLatin1String("tokenRequests")).toInt(), 1);
        db::EmailRepository emails(db::Database::connection());
        QCOMPARE(emails.count(QStringLiteral("rev")).value_or(-1), 0);
    }
};

QTEST_GUILESS_MAIN(TestRevokedCredentials)
#include "TestRevokedCredentials.moc"
