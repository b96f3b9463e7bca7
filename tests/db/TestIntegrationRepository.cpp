#include "TestDatabase.h"
#include "db/Database.h"
#include "db/IntegrationRepository.h"
#include "db/Migrator.h"
#include "db/TenantRepository.h"

#include <QTest>

#include <memory>

using namespace db;

class TestIntegrationRepository final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void upsertInsertsThenReplaces();
    void unknownTenantIsRefused();
    void rejectsBadValues();
    void statusAndReason();
    void touchAndExpiry();
    void missingIsNotFound();
    void resealAllRewritesEveryRow();
    void resealAllIsAllOrNothing();

private:
    void addTenant(const QString &id);
    std::unique_ptr<testsupport::TestDatabase> m_testDb;
};

void TestIntegrationRepository::init() {
    m_testDb = std::make_unique<testsupport::TestDatabase>();
    QVERIFY2(m_testDb->isValid(), qPrintable(m_testDb->errorString()));
    QString error;
    QVERIFY2(m_testDb->openMigrated(&error), qPrintable(error));
}

void TestIntegrationRepository::cleanup() {
    Database::closeThreadConnection();
    m_testDb.reset();
}

void TestIntegrationRepository::addTenant(const QString &id) {
    TenantRepository tenants;
    Tenant tenant;
    tenant.id = id;
    tenant.gmailAddress = id + QStringLiteral("@example.com");
    QVERIFY2(tenants.add(tenant), qPrintable(tenants.errorString()));
}

void TestIntegrationRepository::upsertInsertsThenReplaces() {
    addTenant(QStringLiteral("acme"));
    IntegrationRepository repo;
    static const char firstBytes[] = "G\x01\xaa\xbb\xcc\xdd first envelope with \0 bytes";
    const QByteArray first(firstBytes, sizeof(firstBytes) - 1);
    QVERIFY2(repo.upsert(QStringLiteral("acme"), IntegrationRepository::Gmail, QStringLiteral("oauth"), first,
                         QStringLiteral("aabbccdd")),
             qPrintable(repo.errorString()));
    auto row = repo.find(QStringLiteral("acme"));
    QVERIFY2(row, qPrintable(repo.errorString()));
    QCOMPARE(row->encryptedKeys, first); // bytea round trip, NUL bytes included
    QCOMPARE(row->authType, QStringLiteral("oauth"));
    QCOMPARE(row->keyId, QStringLiteral("aabbccdd"));
    QCOMPARE(row->status, QStringLiteral("active"));
    const qint64 id = row->id;

    QVERIFY(repo.setStatus(QStringLiteral("acme"), IntegrationRepository::Gmail,
                           QStringLiteral("needs_reauth"), QStringLiteral("refresh token revoked")));
    QVERIFY(repo.setTokenExpiry(QStringLiteral("acme"), IntegrationRepository::Gmail,
                                QDateTime::currentDateTimeUtc().addSecs(3600)));
    const QByteArray second("G\x01\x11\x22\x33\x44 second", 13);
    QVERIFY(repo.upsert(QStringLiteral("acme"), IntegrationRepository::Gmail,
                        QStringLiteral("service_account"), second, QStringLiteral("11223344")));
    row = repo.find(QStringLiteral("acme"));
    QVERIFY(row);
    QCOMPARE(row->id, id); // same row: UNIQUE (tenant_id, source)
    QCOMPARE(row->encryptedKeys, second);
    QCOMPARE(row->authType, QStringLiteral("service_account"));
    QCOMPARE(row->status, QStringLiteral("active")); // new keys → active again
    QVERIFY(row->statusReason.isEmpty());
    QVERIFY(!row->tokenExpiresAt.isValid());
    QCOMPARE(repo.listAll()->size(), 1);
}

void TestIntegrationRepository::unknownTenantIsRefused() {
    IntegrationRepository repo;
    QVERIFY(!repo.upsert(QStringLiteral("ghost"), IntegrationRepository::Gmail, QStringLiteral("oauth"), "x",
                         QStringLiteral("k")));
    QVERIFY2(repo.errorString().contains(QStringLiteral("unknown tenant \"ghost\"")),
             qPrintable(repo.errorString()));
}

void TestIntegrationRepository::rejectsBadValues() {
    addTenant(QStringLiteral("acme"));
    IntegrationRepository repo;
    QVERIFY(!repo.upsert(QStringLiteral("acme"), IntegrationRepository::Gmail, QStringLiteral("apikey"), "x",
                         QStringLiteral("k")));
    QVERIFY(repo.errorString().contains(QStringLiteral("apikey")));
    QVERIFY(!repo.upsert(QStringLiteral("acme"), IntegrationRepository::Gmail, QStringLiteral("oauth"), {},
                         QStringLiteral("k")));
    QVERIFY(repo.upsert(QStringLiteral("acme"), IntegrationRepository::Gmail, QStringLiteral("oauth"), "x",
                        QStringLiteral("k")));
    QVERIFY(
        !repo.setStatus(QStringLiteral("acme"), IntegrationRepository::Gmail, QStringLiteral("broken"), {}));
    QVERIFY(repo.errorString().contains(QStringLiteral("broken")));
}

void TestIntegrationRepository::statusAndReason() {
    addTenant(QStringLiteral("acme"));
    IntegrationRepository repo;
    QVERIFY(repo.upsert(QStringLiteral("acme"), IntegrationRepository::Gmail, QStringLiteral("oauth"), "x",
                        QStringLiteral("k")));
    QVERIFY(repo.setStatus(QStringLiteral("acme"), IntegrationRepository::Gmail, QStringLiteral("inactive"),
                           QStringLiteral("deactivated by admin")));
    auto row = repo.find(QStringLiteral("acme"));
    QCOMPARE(row->status, QStringLiteral("inactive"));
    QCOMPARE(row->statusReason, QStringLiteral("deactivated by admin"));
    QVERIFY(repo.setStatus(QStringLiteral("acme"), IntegrationRepository::Gmail, QStringLiteral("active"),
                           QStringLiteral("ignored")));
    row = repo.find(QStringLiteral("acme"));
    QCOMPARE(row->status, QStringLiteral("active"));
    QVERIFY(row->statusReason.isEmpty());
}

void TestIntegrationRepository::touchAndExpiry() {
    addTenant(QStringLiteral("acme"));
    IntegrationRepository repo;
    QVERIFY(repo.upsert(QStringLiteral("acme"), IntegrationRepository::Gmail, QStringLiteral("oauth"), "x",
                        QStringLiteral("k")));
    QVERIFY(!repo.find(QStringLiteral("acme"))->lastUsedAt.isValid());
    const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-5);
    QVERIFY(repo.touchLastUsed(QStringLiteral("acme")));
    const QDateTime expiry =
        QDateTime::fromSecsSinceEpoch(QDateTime::currentSecsSinceEpoch() + 3599, Qt::UTC);
    QVERIFY(repo.setTokenExpiry(QStringLiteral("acme"), IntegrationRepository::Gmail, expiry));
    const auto row = repo.find(QStringLiteral("acme"));
    QVERIFY(row->lastUsedAt >= before);
    QCOMPARE(row->tokenExpiresAt, expiry);
}

void TestIntegrationRepository::missingIsNotFound() {
    addTenant(QStringLiteral("acme"));
    IntegrationRepository repo;
    QVERIFY(!repo.find(QStringLiteral("acme")));
    QVERIFY(repo.isNotFound());
    QVERIFY(!repo.touchLastUsed(QStringLiteral("acme")));
    QVERIFY(repo.isNotFound());
    QVERIFY(!repo.setStatus(QStringLiteral("acme"), IntegrationRepository::Gmail, QStringLiteral("inactive"),
                            {}));
    QVERIFY2(repo.errorString().contains(QStringLiteral("no gmail integration")),
             qPrintable(repo.errorString()));
}

void TestIntegrationRepository::resealAllRewritesEveryRow() {
    IntegrationRepository repo;
    for (int i = 0; i < 5; ++i) {
        addTenant(QStringLiteral("t%1").arg(i));
        QVERIFY(repo.upsert(QStringLiteral("t%1").arg(i), IntegrationRepository::Gmail,
                            QStringLiteral("oauth"), QByteArray("old-") + QByteArray::number(i),
                            QStringLiteral("00000001")));
    }
    const auto count = repo.resealAll([](const Integration &row, QString *) {
        return std::optional(
            IntegrationRepository::Resealed{"new-" + row.encryptedKeys.mid(4), QStringLiteral("00000002")});
    });
    QVERIFY2(count, qPrintable(repo.errorString()));
    QCOMPARE(*count, 5);
    const auto rows = repo.listAll();
    QCOMPARE(rows->size(), 5);
    for (const Integration &row : *rows) {
        QCOMPARE(row.keyId, QStringLiteral("00000002"));
        QVERIFY(row.encryptedKeys.startsWith("new-"));
    }
    const auto byKey = repo.countByKeyId();
    QVERIFY(byKey);
    QCOMPARE(byKey->size(), 1);
    QCOMPARE(byKey->first().second, 5);
}

void TestIntegrationRepository::resealAllIsAllOrNothing() {
    IntegrationRepository repo;
    for (int i = 0; i < 3; ++i) {
        addTenant(QStringLiteral("t%1").arg(i));
        QVERIFY(repo.upsert(QStringLiteral("t%1").arg(i), IntegrationRepository::Gmail,
                            QStringLiteral("oauth"), "old", QStringLiteral("00000001")));
    }
    int calls = 0;
    const auto count = repo.resealAll(
        [&](const Integration &, QString *error) -> std::optional<IntegrationRepository::Resealed> {
            if (++calls == 3) {
                *error = QStringLiteral("cannot open it");
                return std::nullopt;
            }
            return IntegrationRepository::Resealed{"new", QStringLiteral("00000002")};
        });
    QVERIFY(!count);
    QVERIFY2(repo.errorString().contains(QStringLiteral("cannot open it")), qPrintable(repo.errorString()));
    QVERIFY2(repo.errorString().contains(QStringLiteral("nothing was changed")),
             qPrintable(repo.errorString()));
    const auto rows = repo.listAll();
    QVERIFY(rows);
    for (const Integration &row : *rows) {
        QCOMPARE(row.keyId, QStringLiteral("00000001"));
        QCOMPARE(row.encryptedKeys, QByteArray("old"));
    }
    // The connection is usable again (the transaction was rolled back, not left open).
    QVERIFY(repo.touchLastUsed(QStringLiteral("t0")));
}

QTEST_GUILESS_MAIN(TestIntegrationRepository)
#include "TestIntegrationRepository.moc"
