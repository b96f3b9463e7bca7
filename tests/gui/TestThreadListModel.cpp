#include "DbExecutor.h"
#include "TestDatabase.h"
#include "ThreadListModel.h"
#include "db/Database.h"
#include "db/EmailRepository.h"
#include "db/Migrator.h"
#include "db/TenantRepository.h"

#include <QSignalSpy>
#include <QtTest>

#include <memory>

// The thread list fetches page after page on demand (canFetchMore/fetchMore), off the GUI thread, and a
// new query drops the pages of the old one.
class TestThreadListModel final : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<testsupport::TestDatabase> m_testDb;

private Q_SLOTS:
    void init() {
        m_testDb = std::make_unique<testsupport::TestDatabase>();
        QVERIFY2(m_testDb->isValid(), qPrintable(m_testDb->errorString()));
        QString error;
        QVERIFY2(m_testDb->openMigrated(&error), qPrintable(error));
        db::TenantRepository tenants(db::Database::connection());
        db::Tenant t;
        t.id = QStringLiteral("acme");
        t.gmailAddress = QStringLiteral("ops@acme.example");
        QVERIFY(tenants.add(t));
        QList<db::EmailRecord> mail;
        const QDateTime base(QDate(2024, 1, 1), QTime(8, 0), Qt::UTC);
        for (int i = 0; i < 7; ++i) {
            db::EmailRecord e;
            e.gmailMessageId = QStringLiteral("m%1").arg(i);
            e.threadId = QStringLiteral("t%1").arg(i);
            e.subject = QStringLiteral("Subject %1").arg(i);
            e.fromAddress = QStringLiteral("a@example.com");
            e.internalDate = base.addDays(i);
            e.bodyText = i % 2 ? QStringLiteral("odd message") : QStringLiteral("even message");
            mail.append(e);
        }
        db::EmailRepository emails(db::Database::connection());
        QVERIFY(emails.upsert(QStringLiteral("acme"), mail));
    }

    void cleanup() {
        db::Database::closeThreadConnection();
        m_testDb.reset();
    }

    void fetchesPagesOnDemand() {
        ui::DbExecutor executor;
        ui::ThreadListModel model(&executor);
        model.setPageSize(3);
        QSignalSpy pages(&model, &ui::ThreadListModel::pageLoaded);
        model.setQuery({QStringLiteral("acme"), QString()});
        QVERIFY(model.isLoading());
        QCOMPARE(model.rowCount(), 0); // nothing arrives synchronously
        QTRY_COMPARE(pages.count(), 1);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(0, ui::ThreadListModel::Subject).data().toString(), QStringLiteral("Subject 6"));
        QVERIFY(model.canFetchMore({}));
        model.fetchMore({});
        QVERIFY(!model.canFetchMore({})); // one page in flight at a time
        QTRY_COMPARE(pages.count(), 2);
        QCOMPARE(model.rowCount(), 6);
        model.fetchMore({});
        QTRY_COMPARE(pages.count(), 3);
        QCOMPARE(model.rowCount(), 7);
        QVERIFY(!model.canFetchMore({}));
        QCOMPARE(model.index(6, ui::ThreadListModel::Subject).data().toString(), QStringLiteral("Subject 0"));
    }

    void newQueryDropsTheOldPages() {
        ui::DbExecutor executor;
        ui::ThreadListModel model(&executor);
        QSignalSpy pages(&model, &ui::ThreadListModel::pageLoaded);
        model.setQuery({QStringLiteral("acme"), QString()});
        model.setQuery({QStringLiteral("acme"), QStringLiteral("odd")}); // before the first answer
        QTRY_COMPARE(pages.count(), 1);
        QCOMPARE(model.rowCount(), 3);
        for (int row = 0; row < model.rowCount(); ++row)
            QCOMPARE(model.thread(row)->threadId.mid(1).toInt() % 2, 1);
        QTest::qWait(100);
        QCOMPARE(pages.count(), 1); // the first query's page never landed
    }
};

QTEST_MAIN(TestThreadListModel)
#include "TestThreadListModel.moc"
