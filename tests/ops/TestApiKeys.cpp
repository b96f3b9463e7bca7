#include "TestDatabase.h"
#include "db/ApiKeyRepository.h"
#include "db/Database.h"
#include "db/TenantRepository.h"
#include "ops/ApiKeys.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlQuery>
#include <QtTest>

#include <memory>

// API keys of the HTTP API: created once, stored as a hash, checked for revocation, expiry, scope and tenant.
class TestApiKeys final : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<testsupport::TestDatabase> m_testDb;

private Q_SLOTS:
    void initTestCase() {
        m_testDb = std::make_unique<testsupport::TestDatabase>();
        QVERIFY2(m_testDb->isValid(), qPrintable(m_testDb->errorString()));
        QString error;
        QVERIFY2(m_testDb->openMigrated(&error), qPrintable(error));
        db::TenantRepository tenants(db::Database::connection());
        for (const char *id : {"acme", "globex"}) {
            db::Tenant t;
            t.id = QLatin1String(id);
            t.gmailAddress = QStringLiteral("ops@%1.example").arg(t.id);
            QVERIFY2(tenants.add(t), qPrintable(tenants.errorString()));
        }
    }

    void cleanupTestCase() {
        db::Database::closeThreadConnection();
        m_testDb.reset();
    }

    void createdKeyAuthenticatesAndOnlyItsHashIsStored() {
        ops::ApiKeys keys(db::Database::connection());
        const auto created =
            keys.create(QStringLiteral("crm"), ops::ApiKeys::Scope::Sync, {}, {}, QStringLiteral("ci"));
        QVERIFY2(created, qPrintable(keys.errorString()));
        QVERIFY(created->key.startsWith(QStringLiteral("gsa_")));
        QCOMPARE(created->key.size(), 4 + 43); // 32 bytes, base64url without padding
        const auto who = keys.authenticate(created->key);
        QVERIFY2(who, qPrintable(keys.errorString()));
        QCOMPARE(who->keyId, created->id);
        QCOMPARE(who->scope, ops::ApiKeys::Scope::Sync);
        QString why;
        QVERIFY(ops::ApiKeys::allows(*who, ops::ApiKeys::Scope::Read, QStringLiteral("acme"), &why));
        QVERIFY(ops::ApiKeys::allows(*who, ops::ApiKeys::Scope::Sync, QStringLiteral("acme"), &why));
        QVERIFY(!ops::ApiKeys::allows(*who, ops::ApiKeys::Scope::Admin, {}, &why));
        QVERIFY2(why.contains(QStringLiteral("needs admin")), qPrintable(why));
        // The stored row has the SHA-256, never the key.
        db::ApiKeyRepository repo(db::Database::connection());
        const auto all = repo.list();
        QVERIFY(all && all->size() == 1);
        QCOMPARE(all->first().keyHash.size(), 32);
        QVERIFY(!all->first().keyHash.contains(created->key.toUtf8()));
        QCOMPARE(all->first().keyPrefix, created->key.left(12));
        QVERIFY(all->first().lastUsedAt.isValid()); // the use was recorded
    }

    void wrongRevokedAndExpiredKeysAreRefused() {
        ops::ApiKeys keys(db::Database::connection());
        QVERIFY(!keys.authenticate(QStringLiteral("gsa_") + QString(43, QLatin1Char('A'))));
        QCOMPARE(keys.errorString(), QStringLiteral("unknown API key"));
        QVERIFY(!keys.isDatabaseError());
        QVERIFY(!keys.authenticate(QStringLiteral("Bearer something")));

        const auto revoked = keys.create(QStringLiteral("old"), ops::ApiKeys::Scope::Admin, {}, {}, {});
        QVERIFY(revoked);
        QVERIFY(keys.revoke(revoked->id, QStringLiteral("os:test")));
        QVERIFY(!keys.authenticate(revoked->key));
        QVERIFY2(keys.errorString().contains(QStringLiteral("revoked")), qPrintable(keys.errorString()));
        QVERIFY(!keys.revoke(revoked->id, QStringLiteral("os:test"))); // once

        const auto expiring = keys.create(QStringLiteral("short"), ops::ApiKeys::Scope::Read, {},
                                          QDateTime::currentDateTimeUtc().addSecs(3600), {});
        QVERIFY(expiring);
        QVERIFY(keys.authenticate(expiring->key));
        QSqlQuery q(db::Database::connection()); // an hour later
        q.prepare(
            QStringLiteral("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = :id"));
        q.bindValue(QStringLiteral(":id"), expiring->id);
        QVERIFY(q.exec());
        QVERIFY(!keys.authenticate(expiring->key));
        QVERIFY2(keys.errorString().contains(QStringLiteral("expired")), qPrintable(keys.errorString()));
        QVERIFY(!keys.create(QStringLiteral("past"), ops::ApiKeys::Scope::Read, {},
                             QDateTime::currentDateTimeUtc().addSecs(-10), {}));
    }

    void aTenantKeyReachesOnlyItsTenant() {
        ops::ApiKeys keys(db::Database::connection());
        const auto created = keys.create(QStringLiteral("acme only"), ops::ApiKeys::Scope::Admin,
                                         QStringLiteral("acme"), {}, {});
        QVERIFY2(created, qPrintable(keys.errorString()));
        const auto who = keys.authenticate(created->key);
        QVERIFY(who);
        QString why;
        QVERIFY(ops::ApiKeys::allows(*who, ops::ApiKeys::Scope::Read, QStringLiteral("acme"), &why));
        QVERIFY(!ops::ApiKeys::allows(*who, ops::ApiKeys::Scope::Read, QStringLiteral("globex"), &why));
        QVERIFY(!ops::ApiKeys::allows(*who, ops::ApiKeys::Scope::Read, {}, &why)); // e.g. listing all tenants
        QVERIFY(!keys.create(QStringLiteral("nobody"), ops::ApiKeys::Scope::Read, QStringLiteral("nope"), {},
                             {}));
        QVERIFY(keys.isDatabaseError() || !keys.errorString().isEmpty());
    }

    // The CLI: create --json prints the key once, list never shows it, revoke stops it.
    void cliCreatesListsAndRevokes() {
        const QString bin = qEnvironmentVariable("GSA_BIN_DIR") + QStringLiteral("/gmail-sync");
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("GMAIL_SYNC_DATABASE_URL"), m_testDb->url());
        const auto run = [&](const QStringList &args, int *code) {
            QProcess p;
            p.setProcessEnvironment(env);
            p.start(bin, args);
            p.waitForFinished(30000);
            *code = p.exitCode();
            return p.readAllStandardOutput();
        };
        int code = -1;
        const QByteArray created =
            run({QStringLiteral("apikey"), QStringLiteral("create"), QStringLiteral("--name"),
                 QStringLiteral("cli key"), QStringLiteral("--scope"), QStringLiteral("read"),
                 QStringLiteral("--expires"), QStringLiteral("2099-12-31"), QStringLiteral("--json")},
                &code);
        QCOMPARE(code, 0);
        const QJsonObject o = QJsonDocument::fromJson(created).object();
        const QString key = o.value(QStringLiteral("key")).toString();
        QVERIFY2(key.startsWith(QStringLiteral("gsa_")), created.constData());
        QCOMPARE(o.value(QStringLiteral("name")).toString(), QStringLiteral("cli key"));
        const QByteArray listed =
            run({QStringLiteral("apikey"), QStringLiteral("list"), QStringLiteral("--json")}, &code);
        QCOMPARE(code, 0);
        QVERIFY(listed.contains("\"cli key\""));
        QVERIFY(!listed.contains(key.toUtf8()));
        ops::ApiKeys keys(db::Database::connection());
        QVERIFY(keys.authenticate(key));
        run({QStringLiteral("apikey"), QStringLiteral("revoke"),
             QString::number(o.value(QStringLiteral("id")).toInteger())},
            &code);
        QCOMPARE(code, 0);
        QVERIFY(!keys.authenticate(key));
        run({QStringLiteral("apikey"), QStringLiteral("create"), QStringLiteral("--name"),
             QStringLiteral("x"), QStringLiteral("--scope"), QStringLiteral("root")},
            &code);
        QCOMPARE(code, 2); // usage error
    }
};

QTEST_GUILESS_MAIN(TestApiKeys)
#include "TestApiKeys.moc"
