#include "TestDatabase.h"
#include "db/AuditRepository.h"
#include "db/Database.h"
#include "db/TenantRepository.h"
#include "ops/AuditTrail.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlQuery>
#include <QtTest>

#include <memory>

// The audit trail: one append-only row per operator action, readable with `gmail-sync audit [--json]`.
class TestAuditTrail final : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<testsupport::TestDatabase> m_testDb;

    QByteArray cli(const QStringList &args, int *code) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("GMAIL_SYNC_DATABASE_URL"), m_testDb->url());
        p.setProcessEnvironment(env);
        p.start(qEnvironmentVariable("GSA_BIN_DIR") + QStringLiteral("/gmail-sync"), args);
        p.waitForFinished(30000);
        *code = p.exitCode();
        return p.readAllStandardOutput();
    }

    static int rows(const QString &action) {
        QSqlQuery q(db::Database::connection());
        q.prepare(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = :a"));
        q.bindValue(QStringLiteral(":a"), action);
        return q.exec() && q.next() ? q.value(0).toInt() : -1;
    }

private Q_SLOTS:
    void initTestCase() {
        m_testDb = std::make_unique<testsupport::TestDatabase>();
        QVERIFY2(m_testDb->isValid(), qPrintable(m_testDb->errorString()));
        QString error;
        QVERIFY2(m_testDb->openMigrated(&error), qPrintable(error));
        db::Tenant t;
        t.id = QStringLiteral("acme");
        t.gmailAddress = QStringLiteral("ops@acme.example");
        db::TenantRepository tenants(db::Database::connection());
        QVERIFY2(tenants.add(t), qPrintable(tenants.errorString()));
    }

    void cleanupTestCase() {
        db::Database::closeThreadConnection();
        m_testDb.reset();
    }

    void eachCliActionLeavesOneRow() {
        int code = -1;
        cli({QStringLiteral("sync"), QStringLiteral("acme"), QStringLiteral("--no-wait")}, &code);
        QCOMPARE(code, 0);
        cli({QStringLiteral("sync"), QStringLiteral("acme"), QStringLiteral("--historical"),
             QStringLiteral("--from"), QStringLiteral("2024-01-01"), QStringLiteral("--to"),
             QStringLiteral("2024-02-29"), QStringLiteral("--force"), QStringLiteral("--no-wait")},
            &code);
        QCOMPARE(code, 0);
        cli({QStringLiteral("sync"), QStringLiteral("nobody"), QStringLiteral("--no-wait")}, &code);
        QCOMPARE(code, 1); // refused: recorded with its error
        cli({QStringLiteral("apikey"), QStringLiteral("create"), QStringLiteral("--name"),
             QStringLiteral("crm"), QStringLiteral("--scope"), QStringLiteral("read")},
            &code);
        QCOMPARE(code, 0);
        QCOMPARE(rows(QStringLiteral("sync")), 2);
        QCOMPARE(rows(QStringLiteral("historical-sync")), 1);
        QCOMPARE(rows(QStringLiteral("apikey-create")), 1);

        const QJsonArray all =
            QJsonDocument::fromJson(cli({QStringLiteral("audit"), QStringLiteral("--json")}, &code)).array();
        QCOMPARE(code, 0);
        QCOMPARE(all.size(), 4);
        const QJsonObject newest = all.first().toObject(); // newest first
        QCOMPARE(newest.value(QStringLiteral("action")).toString(), QStringLiteral("apikey-create"));
        QCOMPARE(newest.value(QStringLiteral("actor")).toString(), ops::AuditTrail::osActor());
        QCOMPARE(newest.value(QStringLiteral("outcome")).toString(), QStringLiteral("ok"));
        for (const char *key : {"at", "actor", "action", "tenantId", "details", "outcome"})
            QVERIFY2(newest.contains(QLatin1String(key)), key);
        const QJsonObject historical = all.at(2).toObject();
        QCOMPARE(historical.value(QStringLiteral("tenantId")).toString(), QStringLiteral("acme"));
        QCOMPARE(
            historical.value(QStringLiteral("details")).toObject().value(QStringLiteral("force")).toBool(),
            true);
        const QJsonObject refused = all.at(1).toObject();
        QCOMPARE(refused.value(QStringLiteral("tenantId")).toString(), QStringLiteral("nobody"));
        QVERIFY(
            refused.value(QStringLiteral("outcome")).toString().contains(QStringLiteral("does not exist")) ||
            refused.value(QStringLiteral("outcome")).toString().contains(QStringLiteral("no tenant")));

        const QJsonArray acme =
            QJsonDocument::fromJson(cli({QStringLiteral("audit"), QStringLiteral("--tenant"),
                                         QStringLiteral("acme"), QStringLiteral("--json")},
                                        &code))
                .array();
        QCOMPARE(acme.size(), 2);
    }

    // Unlock and deactivate from the CLI go through core/ops, which records them (once each).
    void unlockAndDeactivateAreRecorded() {
        int code = -1;
        cli({QStringLiteral("unlock"), QStringLiteral("acme")}, &code);
        QCOMPARE(code, 0);
        QCOMPARE(rows(QStringLiteral("unlock")), 1);
        cli({QStringLiteral("integration"), QStringLiteral("deactivate"), QStringLiteral("acme")}, &code);
        QCOMPARE(rows(QStringLiteral("deactivate")),
                 1); // recorded whatever the outcome (no integration here)
        QSqlQuery q(db::Database::connection());
        QVERIFY(q.exec(QStringLiteral("SELECT outcome FROM audit_log WHERE action = 'deactivate'")) &&
                q.next());
        QCOMPARE(q.value(0).toString() == QLatin1String("ok"), code == 0);
    }

    void theTableIsAppendOnly() {
        QSqlQuery q(db::Database::connection());
        QVERIFY(!q.exec(QStringLiteral("UPDATE audit_log SET outcome = 'ok'")));
        QVERIFY(!q.exec(QStringLiteral("DELETE FROM audit_log")));
        QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM audit_log")) && q.next());
        QCOMPARE(q.value(0).toInt(), 6);
    }
};

QTEST_GUILESS_MAIN(TestAuditTrail)
#include "TestAuditTrail.moc"
