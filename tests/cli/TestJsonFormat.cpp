#include "JsonFormat.h"

#include <QtTest>

#include <ctime>

using cli::JsonFormat;

// --json timestamps: ISO 8601 / RFC 3339 §5.6 date-time with milliseconds and an explicit numeric offset.
class TestJsonFormat final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void cleanupTestCase() {
        qunsetenv("TZ");
        tzset();
    }

    void isoDateTime_data() {
        QTest::addColumn<QByteArray>("tz");
        QTest::addColumn<QDateTime>("utc");
        QTest::addColumn<QString>("expected");

        const QDateTime winter(QDate(2026, 1, 15), QTime(12, 30, 45, 123), Qt::UTC);
        const QDateTime summer(QDate(2026, 7, 1), QTime(23, 59, 59, 7), Qt::UTC);
        QTest::newRow("UTC") << QByteArray("UTC") << winter << "2026-01-15T12:30:45.123+00:00";
        QTest::newRow("half-hour offset")
            << QByteArray("Asia/Kolkata") << winter << "2026-01-15T18:00:45.123+05:30";
        QTest::newRow("negative, winter")
            << QByteArray("America/New_York") << winter << "2026-01-15T07:30:45.123-05:00";
        QTest::newRow("negative, summer")
            << QByteArray("America/New_York") << summer << "2026-07-01T19:59:59.007-04:00";
        QTest::newRow("crosses midnight")
            << QByteArray("Europe/Berlin") << summer << "2026-07-02T01:59:59.007+02:00";
    }

    void isoDateTime() {
        QFETCH(QByteArray, tz);
        QFETCH(QDateTime, utc);
        QFETCH(QString, expected);
        qputenv("TZ", tz);
        tzset();
        QCOMPARE(JsonFormat::isoDateTime(utc), expected);
        QCOMPARE(JsonFormat::dateTime(utc).toString(), expected);
        // Reads back as the same instant.
        QCOMPARE(QDateTime::fromString(expected, Qt::ISODateWithMs).toUTC(), utc);
    }

    void absentValuesAreNull() {
        QVERIFY(JsonFormat::dateTime(QDateTime()).isNull());
        QVERIFY(JsonFormat::isoDateTime(QDateTime()).isEmpty());
        QVERIFY(JsonFormat::text(QString()).isNull());
        QVERIFY(JsonFormat::text(QStringLiteral("")).isNull());
        QCOMPARE(JsonFormat::text(QStringLiteral("w1")).toString(), QStringLiteral("w1"));
    }
};

QTEST_GUILESS_MAIN(TestJsonFormat)
#include "TestJsonFormat.moc"
