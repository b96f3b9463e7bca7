#include "SyncTestDb.h"

#include "db/EmailRepository.h"
#include "db/SqlValues.h"

#include <QTest>

// Bulk upsert through COPY + ON CONFLICT on a real PostgreSQL: idempotence, counts, escaping, labels.
class TestEmailRepository final : public QObject {
    Q_OBJECT
private:
    testsupport::TestDatabase m_tdb;

    static db::EmailRecord record(int i, qint64 historyId = 100) {
        db::EmailRecord r;
        r.gmailMessageId = QStringLiteral("m%1").arg(i, 6, 10, QLatin1Char('0'));
        r.threadId = QStringLiteral("t%1").arg(i / 3);
        r.historyId = historyId;
        r.subject = QStringLiteral("Subject %1").arg(i);
        r.fromName = QStringLiteral("Zoë \"Q\" Sender");
        r.fromAddress = QStringLiteral("zoe@example.com");
        r.to = {QStringLiteral("\"Doe, John\" <john@example.com>"), QStringLiteral("a\\b@example.com")};
        r.internalDate = QDateTime::fromMSecsSinceEpoch(1700000000000LL + i * 60000LL, Qt::UTC);
        r.sentAt = r.internalDate;
        r.labels = {QStringLiteral("INBOX"), QStringLiteral("UNREAD")};
        r.snippet = QStringLiteral("snippet %1").arg(i);
        r.bodyText = QStringLiteral("line1\nline2\ttab\\backslash\r\nend");
        r.priority = QStringLiteral("normal");
        r.sizeEstimate = 1234;
        return r;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(synctest::prepare(m_tdb));
        QVERIFY(synctest::addTenant(QStringLiteral("acme"), QStringLiteral("a@example.com")));
        QVERIFY(synctest::addTenant(QStringLiteral("other"), QStringLiteral("b@example.com")));
    }

    void escapesCopyText() {
        QByteArray out;
        db::EmailRepository::appendCopyField(out, QStringLiteral("a\tb\nc\\d\re") + QChar(0) +
                                                      QStringLiteral("f"));
        QCOMPARE(out, QByteArray("a\\tb\\nc\\\\d\\ref"));
        QCOMPARE(db::sql::arrayLiteral({QStringLiteral("x\"y"), QStringLiteral("b\\s"), QString()}),
                 QStringLiteral("{\"x\\\"y\",\"b\\\\s\",\"\"}"));
    }

    void upsertInsertsThenIsIdempotent() {
        db::EmailRepository repo(db::Database::connection());
        QList<db::EmailRecord> rows;
        for (int i = 0; i < 500; ++i)
            rows << record(i);
        auto counts = repo.upsert(QStringLiteral("acme"), rows);
        QVERIFY2(counts, qPrintable(repo.errorString()));
        QCOMPARE(counts->inserted, 500);
        QCOMPARE(counts->updated, 0);
        // Same rows again: nothing changed, nothing written.
        counts = repo.upsert(QStringLiteral("acme"), rows);
        QVERIFY2(counts, qPrintable(repo.errorString()));
        QCOMPARE(counts->inserted, 0);
        QCOMPARE(counts->updated, 0);
        QCOMPARE(*repo.count(QStringLiteral("acme")), 500);
        QCOMPARE(*repo.count(QStringLiteral("other")), 0);
    }

    void upsertUpdatesChangedRowsAndDuplicatesInOneBatch() {
        db::EmailRepository repo(db::Database::connection());
        QList<db::EmailRecord> rows;
        db::EmailRecord changed = record(1, 200);
        changed.labels = {QStringLiteral("INBOX")};
        rows << record(1, 150) << changed << record(9999);
        const auto counts = repo.upsert(QStringLiteral("acme"), rows);
        QVERIFY2(counts, qPrintable(repo.errorString()));
        QCOMPARE(counts->inserted, 1);
        QCOMPARE(counts->updated, 1);
        const auto labels = repo.labelsById(QStringLiteral("acme"));
        QVERIFY(labels);
        QCOMPARE(labels->value(QStringLiteral("m000001")), QStringList{QStringLiteral("INBOX")});
    }

    void roundTripsText() {
        db::EmailRepository repo(db::Database::connection());
        db::EmailRecord r = record(424242);
        r.bodyHtml = QStringLiteral("<p>NUL:") + QChar(0) + QStringLiteral(" ok</p>");
        r.parseWarnings = {QStringLiteral("unknown charset x-foo; decoded as windows-1252")};
        r.attachmentsJson = "[{\"filename\":\"a.pdf\",\"mimeType\":\"application/pdf\",\"size\":3}]";
        QVERIFY2(repo.upsert(QStringLiteral("acme"), {r}), qPrintable(repo.errorString()));
        const auto rows = repo.list(QStringLiteral("acme"), r.threadId, 10);
        QVERIFY2(rows, qPrintable(repo.errorString()));
        QCOMPARE(rows->size(), 1);
        const db::EmailRecord &back = rows->first();
        QCOMPARE(back.bodyText, r.bodyText);
        QCOMPARE(back.bodyHtml, QStringLiteral("<p>NUL: ok</p>"));
        QCOMPARE(back.fromName, r.fromName);
        QCOMPARE(back.to, r.to);
        QCOMPARE(back.parseWarnings, r.parseWarnings);
        QCOMPARE(back.internalDate, r.internalDate);
        QVERIFY(back.attachmentsJson.contains("a.pdf"));
        QVERIFY(back.bodyHtml.size() > 0);
    }

    void listsNewestFirst() {
        db::EmailRepository repo(db::Database::connection());
        const auto rows = repo.list(QStringLiteral("acme"), QString(), 3);
        QVERIFY(rows);
        QCOMPARE(rows->size(), 3);
        QVERIFY(rows->at(0).internalDate >= rows->at(1).internalDate);
        QVERIFY(rows->at(1).internalDate >= rows->at(2).internalDate);
    }

    void appliesLabelChangesAndRemoves() {
        db::EmailRepository repo(db::Database::connection());
        const auto changed = repo.applyLabelChanges(
            QStringLiteral("acme"),
            {{QStringLiteral("m000002"), {QStringLiteral("TRASH")}, {QStringLiteral("INBOX")}},
             {QStringLiteral("m000003"), {QStringLiteral("STARRED")}, {}},
             {QStringLiteral("unknown"), {QStringLiteral("X")}, {}}});
        QVERIFY2(changed, qPrintable(repo.errorString()));
        QCOMPARE(*changed, 2);
        const auto removed =
            repo.remove(QStringLiteral("acme"), {QStringLiteral("m000004"), QStringLiteral("nope")});
        QVERIFY(removed);
        QCOMPARE(*removed, 1);
        const auto labels = repo.labelsById(QStringLiteral("acme"));
        QVERIFY(labels);
        QCOMPARE(labels->value(QStringLiteral("m000002")),
                 (QStringList{QStringLiteral("TRASH"), QStringLiteral("UNREAD")}));
        QCOMPARE(labels->value(QStringLiteral("m000003")),
                 (QStringList{QStringLiteral("INBOX"), QStringLiteral("STARRED"), QStringLiteral("UNREAD")}));
        QVERIFY(!labels->contains(QStringLiteral("m000004")));
    }

    void joinsCallersTransaction() {
        QSqlDatabase conn = db::Database::connection();
        db::EmailRepository repo(conn);
        const qint64 before = *repo.count(QStringLiteral("acme"));
        QVERIFY(conn.transaction());
        QVERIFY(repo.upsert(QStringLiteral("acme"), {record(777777)}));
        QVERIFY(conn.rollback());
        QCOMPARE(*repo.count(QStringLiteral("acme")), before);
    }
};

QTEST_GUILESS_MAIN(TestEmailRepository)
#include "TestEmailRepository.moc"
