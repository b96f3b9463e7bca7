#include "jobs/HistoricalCheckpoint.h"
#include "jobs/IncrementalCheckpoint.h"
#include "jobs/InitialCheckpoint.h"
#include "jobs/JobParams.h"

#include <QJsonDocument>
#include <QtTest>

using namespace jobs;

namespace {

QJsonObject json(const char *text) {
    return QJsonDocument::fromJson(text).object();
}

} // namespace

class TestTypedJobs final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void kindsRoundTripAndUnknownIsAnError() {
        for (JobKind k : {JobKind::Initial, JobKind::Incremental, JobKind::Historical, JobKind::Push})
            QCOMPARE(parseKind(kindName(k)), k);
        QString error;
        QVERIFY(!parseKind(QStringLiteral("Initial"), &error));
        QVERIFY2(error.contains(QStringLiteral("unknown job kind \"Initial\"")), qPrintable(error));
    }

    void everyKindsParamsRoundTrip() {
        InitialParams initial;
        initial.windowDays = 90;
        HistoricalParams historical{QDate(2024, 1, 1), QDate(2024, 3, 31), true};
        PushParams push;
        push.notifiedHistoryId = 9007199254740993LL; // beyond a double's exact range
        for (const JobParams &p :
             {JobParams(initial), JobParams(IncrementalParams{}), JobParams(historical), JobParams(push)}) {
            QString error;
            const auto back = paramsFromJson(kindOf(p), paramsToJson(p), &error);
            QVERIFY2(back, qPrintable(error));
            QCOMPARE(paramsToJson(*back), paramsToJson(p));
            QCOMPARE(kindOf(*back), kindOf(p));
        }
        QCOMPARE(
            std::get<PushParams>(*paramsFromJson(JobKind::Push, push.toJson(), nullptr)).notifiedHistoryId,
            9007199254740993LL);
        QCOMPARE(paramsToJson(initial), json(R"({"days":90,"retryFailed":false})"));
    }

    void badParamsAreErrorsNotDefaults_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("missing days") << int(JobKind::Initial) << QByteArray(R"({"retryFailed":false})")
                                      << QStringLiteral("\"days\" (number) is missing");
        QTest::newRow("the GUI's old months")
            << int(JobKind::Initial) << QByteArray(R"({"months":3,"days":30,"retryFailed":false})")
            << QStringLiteral("unknown field(s) months");
        QTest::newRow("days as text")
            << int(JobKind::Initial) << QByteArray(R"({"days":"30","retryFailed":false})")
            << QStringLiteral("whole number from 1 to 10000");
        QTest::newRow("zero days") << int(JobKind::Incremental)
                                   << QByteArray(R"({"days":0,"retryFailed":false})")
                                   << QStringLiteral("whole number from 1 to 10000");
        QTest::newRow("fractional days")
            << int(JobKind::Initial) << QByteArray(R"({"days":1.5,"retryFailed":false})")
            << QStringLiteral("whole number");
        QTest::newRow("retry as number")
            << int(JobKind::Incremental) << QByteArray(R"({"days":30,"retryFailed":1})")
            << QStringLiteral("true or false");
        QTest::newRow("date shape") << int(JobKind::Historical)
                                    << QByteArray(
                                           R"({"from":"2024-1-1","to":"2024-03-31","retryFailed":false})")
                                    << QStringLiteral("date as YYYY-MM-DD");
        QTest::newRow("impossible date")
            << int(JobKind::Historical)
            << QByteArray(R"({"from":"2024-02-30","to":"2024-03-31","retryFailed":false})")
            << QStringLiteral("date as YYYY-MM-DD");
        QTest::newRow("reversed range")
            << int(JobKind::Historical)
            << QByteArray(R"({"from":"2024-04-01","to":"2024-03-31","retryFailed":false})")
            << QStringLiteral("from (2024-04-01) is after to (2024-03-31)");
        QTest::newRow("history id as number")
            << int(JobKind::Push) << QByteArray(R"({"notifiedHistoryId":12,"days":30,"retryFailed":false})")
            << QStringLiteral("must be a string");
        QTest::newRow("empty push") << int(JobKind::Push) << QByteArray("{}")
                                    << QStringLiteral("\"notifiedHistoryId\" (string) is missing");
    }

    void badParamsAreErrorsNotDefaults() {
        QFETCH(int, kind);
        QFETCH(QByteArray, text);
        QFETCH(QString, expected);
        QString error;
        QVERIFY(!paramsFromJson(JobKind(kind), QJsonDocument::fromJson(text).object(), &error));
        QVERIFY2(error.contains(expected), qPrintable(error));
    }

    void checkpointsRoundTrip() {
        InitialCheckpoint window;
        window.mode = InitialCheckpoint::Mode::Resync;
        window.historyId = 4242;
        window.after = 1700000000;
        window.pageToken = QStringLiteral("p2");
        window.listed = true;
        QString error;
        const auto w = InitialCheckpoint::fromJson(window.toJson(), &error);
        QVERIFY2(w, qPrintable(error));
        QCOMPARE(w->toJson(), window.toJson());
        QVERIFY(InitialCheckpoint::hasMode(window.toJson(), InitialCheckpoint::Mode::Resync));
        QVERIFY(!InitialCheckpoint::hasMode(window.toJson(), InitialCheckpoint::Mode::Initial));

        const IncrementalCheckpoint history{100, 180, QStringLiteral("h1")};
        const auto h = IncrementalCheckpoint::fromJson(history.toJson(), &error);
        QVERIFY2(h, qPrintable(error));
        QCOMPARE(h->latestHistoryId, 180);
        QVERIFY(IncrementalCheckpoint::isIncrementalCheckpoint(history.toJson()));
        QVERIFY(!InitialCheckpoint::isWindowCheckpoint(history.toJson()));

        const HistoricalCheckpoint month{QStringLiteral("2024-02"), QString(), false};
        const auto m = HistoricalCheckpoint::fromJson(month.toJson(), &error);
        QVERIFY2(m, qPrintable(error));
        QCOMPARE(m->month, QStringLiteral("2024-02"));
    }

    void brokenCheckpointsAreErrors() {
        QString error;
        QVERIFY(!InitialCheckpoint::fromJson(
            json(
                R"({"mode":"initial","historyId":"1","after":5,"pageToken":"","listed":false,"swept":false})"),
            &error));
        QVERIFY2(error.contains(QStringLiteral("\"seenInDb\"")), qPrintable(error));
        QVERIFY(!IncrementalCheckpoint::fromJson(
            json(
                R"({"mode":"incremental","startHistoryId":"1","latestHistoryId":"2","pageToken":"","page":3})"),
            &error));
        QVERIFY2(error.contains(QStringLiteral("unknown field(s) page")), qPrintable(error));
        QVERIFY(!HistoricalCheckpoint::fromJson(
            json(R"({"mode":"historical","month":"February","pageToken":"","done":false})"), &error));
        QVERIFY2(error.contains(QStringLiteral("yyyy-MM")), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestTypedJobs)
#include "TestTypedJobs.moc"
