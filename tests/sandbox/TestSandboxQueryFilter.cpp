// sandbox::QueryFilter: the q operators a sync engine uses, with Gmail's date reading (midnight Pacific
// time for calendar dates, developers.google.com/gmail/api/guides/filtering).

#include "QueryFilter.h"

#include <QTest>
#include <QTimeZone>

using sandbox::QueryFilter;
using sandbox::StoredMessage;

namespace {

qint64 utcMs(int y, int mo, int d, int h = 0, int mi = 0) {
    return QDateTime(QDate(y, mo, d), QTime(h, mi), Qt::UTC).toMSecsSinceEpoch();
}

StoredMessage message(qint64 internalDateMs, const QStringList &labels = {QStringLiteral("INBOX")}) {
    StoredMessage m;
    m.id = QStringLiteral("0000000000000001");
    m.internalDateMs = internalDateMs;
    m.labelIds = labels;
    return m;
}

const QDateTime kNow(QDate(2024, 6, 15), QTime(12, 0), Qt::UTC);

} // namespace

class TestSandboxQueryFilter final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void bounds_data();
    void bounds();
    void matches_data();
    void matches();
    void refused_data();
    void refused();
    void spamTrashNamed();
};

void TestSandboxQueryFilter::bounds_data() {
    QTest::addColumn<QString>("q");
    QTest::addColumn<qint64>("after");  // -1: none
    QTest::addColumn<qint64>("before"); // -1: none
    // Winter: PST is UTC-8, so 2024-01-31 00:00 Pacific = 08:00 UTC.
    QTest::newRow("slashes, PST") << "after:2024/01/31" << utcMs(2024, 1, 31, 8) << qint64(-1);
    QTest::newRow("dashes, PST") << "before:2024-02-01" << qint64(-1) << utcMs(2024, 2, 1, 8);
    // Summer: PDT is UTC-7.
    QTest::newRow("PDT") << "after:2024/07/04 before:2024/07/05" << utcMs(2024, 7, 4, 7)
                         << utcMs(2024, 7, 5, 7);
    // Epoch seconds are exact.
    QTest::newRow("epoch") << "after:1706659200 before:1709251200" << qint64(1706659200000)
                           << qint64(1709251200000);
    // The tighter of two bounds wins.
    QTest::newRow("two afters") << "after:2024/01/01 after:2024/03/01" << utcMs(2024, 3, 1, 8) << qint64(-1);
    QTest::newRow("newer_than days") << "newer_than:2d" << kNow.addDays(-2).toMSecsSinceEpoch() << qint64(-1);
    QTest::newRow("older_than months")
        << "older_than:3m" << qint64(-1) << kNow.addMonths(-3).toMSecsSinceEpoch();
    QTest::newRow("newer_than years")
        << "newer_than:1y" << kNow.addYears(-1).toMSecsSinceEpoch() << qint64(-1);
    QTest::newRow("empty") << "" << qint64(-1) << qint64(-1);
}

void TestSandboxQueryFilter::bounds() {
    QFETCH(QString, q);
    QFETCH(qint64, after);
    QFETCH(qint64, before);
    QString error;
    const auto f = QueryFilter::parse(q, kNow, &error);
    QVERIFY2(f, qPrintable(error));
    QCOMPARE(f->afterMs().value_or(-1), after);
    QCOMPARE(f->beforeMs().value_or(-1), before);
}

void TestSandboxQueryFilter::matches_data() {
    QTest::addColumn<QString>("q");
    QTest::addColumn<qint64>("date");
    QTest::addColumn<QStringList>("labels");
    QTest::addColumn<bool>("match");
    const qint64 midnight = utcMs(2024, 1, 31, 8);
    QTest::newRow("after is inclusive") << "after:2024/01/31" << midnight << QStringList{"INBOX"} << true;
    QTest::newRow("just before after") << "after:2024/01/31" << midnight - 1 << QStringList{"INBOX"} << false;
    QTest::newRow("before is exclusive") << "before:2024/01/31" << midnight << QStringList{"INBOX"} << false;
    QTest::newRow("just before before")
        << "before:2024/01/31" << midnight - 1 << QStringList{"INBOX"} << true;
    QTest::newRow("in:inbox") << "in:inbox" << midnight << QStringList{"INBOX"} << true;
    QTest::newRow("in:inbox, sent only") << "in:inbox" << midnight << QStringList{"SENT"} << false;
    QTest::newRow("is:unread") << "is:unread" << midnight << QStringList{"INBOX", "UNREAD"} << true;
    QTest::newRow("label by id") << "label:Label_2" << midnight << QStringList{"Label_2"} << true;
    QTest::newRow("category") << "category:promotions" << midnight << QStringList{"CATEGORY_PROMOTIONS"}
                              << true;
    QTest::newRow("-in:chats, mail") << "-in:chats" << midnight << QStringList{"INBOX"} << true;
    QTest::newRow("-in:chats, chat") << "-in:chats" << midnight << QStringList{"CHAT"} << false;
    QTest::newRow("-label:, present")
        << "in:inbox -label:Label_1" << midnight << QStringList{"INBOX", "Label_1"} << false;
    QTest::newRow("all terms ANDed") << "in:inbox is:starred" << midnight << QStringList{"INBOX"} << false;
}

void TestSandboxQueryFilter::matches() {
    QFETCH(QString, q);
    QFETCH(qint64, date);
    QFETCH(QStringList, labels);
    QFETCH(bool, match);
    QString error;
    const auto f = QueryFilter::parse(q, kNow, &error);
    QVERIFY2(f, qPrintable(error));
    QCOMPARE(f->matches(message(date, labels)), match);
}

void TestSandboxQueryFilter::refused_data() {
    QTest::addColumn<QString>("q");
    QTest::newRow("free text") << "invoice";
    QTest::newRow("from:") << "from:bob@example.com";
    QTest::newRow("bad date") << "after:2024/13/45";
    QTest::newRow("bad relative") << "newer_than:2w";
    QTest::newRow("empty label") << "label:";
    QTest::newRow("negated date") << "-after:2024/01/01";
}

void TestSandboxQueryFilter::refused() {
    QFETCH(QString, q);
    QString error;
    QVERIFY(!QueryFilter::parse(q, kNow, &error));
    QVERIFY(error.contains(q.section(QLatin1Char(' '), 0, 0)));
}

void TestSandboxQueryFilter::spamTrashNamed() {
    QString error;
    QVERIFY(!QueryFilter::parse(QStringLiteral("after:2024/01/01"), kNow, &error)->includesSpamTrash());
    QVERIFY(QueryFilter::parse(QStringLiteral("in:trash"), kNow, &error)->includesSpamTrash());
    QVERIFY(QueryFilter::parse(QStringLiteral("in:spam"), kNow, &error)->includesSpamTrash());
    QVERIFY(QueryFilter::parse(QStringLiteral("in:anywhere"), kNow, &error)->includesSpamTrash());
    QVERIFY(QueryFilter::parse(QStringLiteral("in:anywhere"), kNow, &error)->labels().isEmpty());
    QVERIFY(!QueryFilter::parse(QStringLiteral("-in:trash"), kNow, &error)->includesSpamTrash());
}

QTEST_GUILESS_MAIN(TestSandboxQueryFilter)
#include "TestSandboxQueryFilter.moc"
