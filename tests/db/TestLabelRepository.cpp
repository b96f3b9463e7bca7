#include "TestDatabase.h"
#include "db/Database.h"
#include "db/LabelRepository.h"
#include "db/TenantRepository.h"

#include <QtTest>

#include <memory>

// Label names per tenant: replaced whole from labels.list, renamed and deleted labels follow.
class TestLabelRepository final : public QObject {
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
            QVERIFY(tenants.add(t));
        }
    }

    void cleanupTestCase() {
        db::Database::closeThreadConnection();
        m_testDb.reset();
    }

    void replaceAllRenamesAndDeletes() {
        db::LabelRepository labels(db::Database::connection());
        const db::Label inbox{
            QStringLiteral("INBOX"), QStringLiteral("INBOX"), QStringLiteral("system"), {}, {}};
        QVERIFY2(
            labels.replaceAll(
                QStringLiteral("acme"),
                {inbox,
                 {QStringLiteral("Label_1"), QStringLiteral("Receipts"), QStringLiteral("user"),
                  QStringLiteral("#ffffff"), QStringLiteral("#16a766")},
                 {QStringLiteral("Label_2"), QStringLiteral("Projects"), QStringLiteral("user"), {}, {}}}),
            qPrintable(labels.errorString()));
        QVERIFY(labels.replaceAll(
            QStringLiteral("globex"),
            {{QStringLiteral("Label_1"), QStringLiteral("Other"), QStringLiteral("user"), {}, {}}}));
        QCOMPARE(labels.idForName(QStringLiteral("acme"), QStringLiteral("receipts")),
                 QStringLiteral("Label_1"));
        QCOMPARE(labels.byId(QStringLiteral("acme"))->value(QStringLiteral("Label_1")).backgroundColor,
                 QStringLiteral("#16a766"));

        // Renamed in Gmail, Label_2 deleted: the next replacement says so.
        QVERIFY(labels.replaceAll(
            QStringLiteral("acme"),
            {inbox,
             {QStringLiteral("Label_1"), QStringLiteral("Invoices"), QStringLiteral("user"), {}, {}}}));
        const auto acme = labels.byId(QStringLiteral("acme"));
        QVERIFY(acme);
        QCOMPARE(acme->size(), 2);
        QCOMPARE(acme->value(QStringLiteral("Label_1")).name, QStringLiteral("Invoices"));
        QVERIFY(acme->value(QStringLiteral("Label_1")).backgroundColor.isEmpty());
        QVERIFY(!labels.idForName(QStringLiteral("acme"), QStringLiteral("Receipts")));
        QCOMPARE(labels.byId(QStringLiteral("globex"))->value(QStringLiteral("Label_1")).name,
                 QStringLiteral("Other"));
        QCOMPARE(labels.list(QStringLiteral("acme"))->first().type,
                 QStringLiteral("user")); // user labels first
    }
};

QTEST_GUILESS_MAIN(TestLabelRepository)
#include "TestLabelRepository.moc"
