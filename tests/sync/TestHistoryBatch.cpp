#include "sync/HistoricalSync.h"
#include "sync/HistoryBatch.h"

#include <QTest>

using syncengine::HistoryBatch;
using syncengine::HistoryChange;
using Type = syncengine::HistoryChange::Type;

// Folding history records into one write, and splitting date ranges into months.
class TestHistoryBatch final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void foldsAddsDeletesAndLabels() {
        HistoryBatch b;
        b.apply({Type::MessageAdded, QStringLiteral("a"), {}});
        b.apply({Type::MessageAdded, QStringLiteral("b"), {}});
        b.apply({Type::MessageAdded, QStringLiteral("a"), {}}); // duplicate record
        b.apply({Type::LabelsAdded, QStringLiteral("b"), {QStringLiteral("STARRED"), QStringLiteral("X")}});
        b.apply({Type::LabelsRemoved, QStringLiteral("b"), {QStringLiteral("X"), QStringLiteral("INBOX")}});
        b.apply({Type::LabelsAdded, QStringLiteral("c"), {QStringLiteral("TRASH")}});
        b.apply({Type::LabelsRemoved, QStringLiteral("c"), {QStringLiteral("INBOX")}});
        b.apply({Type::LabelsAdded, QStringLiteral("c"), {QStringLiteral("INBOX")}}); // moved back
        b.apply({Type::MessageDeleted, QStringLiteral("a"), {}});
        b.apply({Type::LabelsAdded, QStringLiteral("d"), {QStringLiteral("L")}});
        b.apply({Type::MessageDeleted, QStringLiteral("d"), {}});
        QCOMPARE(b.recordCount(), 11);
        QCOMPARE(b.addedIds(), QStringList{QStringLiteral("b")}); // a was deleted later in the run
        QCOMPARE(b.deletedIds(), (QStringList{QStringLiteral("a"), QStringLiteral("d")}));
        const QList<db::LabelChange> changes = b.labelChanges();
        QCOMPARE(changes.size(), 2);
        QCOMPARE(changes.at(0).gmailMessageId, QStringLiteral("b"));
        QCOMPARE(changes.at(0).add, QStringList{QStringLiteral("STARRED")});
        QCOMPARE(changes.at(0).remove, (QStringList{QStringLiteral("INBOX"), QStringLiteral("X")}));
        QCOMPARE(changes.at(1).gmailMessageId, QStringLiteral("c"));
        QCOMPARE(changes.at(1).add, (QStringList{QStringLiteral("INBOX"), QStringLiteral("TRASH")}));
        QCOMPARE(changes.at(1).remove, QStringList{});
    }

    void months_data() {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<QStringList>("names");
        QTest::addColumn<QString>("firstStart");
        QTest::addColumn<QString>("lastEnd");
        QTest::newRow("within one month")
            << "2024-02-10"
            << "2024-02-20" << QStringList{QStringLiteral("2024-02")} << "2024-02-10T00:00:00Z"
            << "2024-02-21T00:00:00Z";
        QTest::newRow("leap February to April")
            << "2024-01-31"
            << "2024-04-01"
            << QStringList{QStringLiteral("2024-01"), QStringLiteral("2024-02"), QStringLiteral("2024-03"),
                           QStringLiteral("2024-04")}
            << "2024-01-31T00:00:00Z"
            << "2024-04-02T00:00:00Z";
        QTest::newRow("year boundary")
            << "2023-12-15"
            << "2024-01-15" << QStringList{QStringLiteral("2023-12"), QStringLiteral("2024-01")}
            << "2023-12-15T00:00:00Z"
            << "2024-01-16T00:00:00Z";
        QTest::newRow("reversed") << "2024-03-01"
                                  << "2024-02-01" << QStringList{} << ""
                                  << "";
    }
    void months() {
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(QStringList, names);
        QFETCH(QString, firstStart);
        QFETCH(QString, lastEnd);
        const auto months = syncengine::HistoricalSync::months(QDate::fromString(from, Qt::ISODate),
                                                               QDate::fromString(to, Qt::ISODate));
        QStringList got;
        for (const auto &m : months)
            got << m.name;
        QCOMPARE(got, names);
        if (months.isEmpty())
            return;
        QCOMPARE(months.first().start.toString(Qt::ISODate), firstStart);
        QCOMPARE(months.last().end.toString(Qt::ISODate), lastEnd);
        for (qsizetype i = 1; i < months.size(); ++i)
            QCOMPARE(months.at(i).start, months.at(i - 1).end); // contiguous, no gap, no overlap
    }
};

QTEST_GUILESS_MAIN(TestHistoryBatch)
#include "TestHistoryBatch.moc"
