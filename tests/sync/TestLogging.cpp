#include "log/Log.h"
#include "log/LogEvent.h"
#include "log/Redactor.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

// The log helpers: secrets in free text are scrubbed, lines are single JSON objects with typed fields.
class TestLogging final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void scrub_data() {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("secret");
        QTest::newRow("bearer") << QStringLiteral("GET failed, Authorization: Bearer ya29.a0AfH6SMB-xyz")
                                << QStringLiteral("ya29.a0AfH6SMB-xyz");
        QTest::newRow("json token") << QStringLiteral(
                                           R"({"access_token":"sandbox-abc123","expires_in":3600})")
                                    << QStringLiteral("sandbox-abc123");
        QTest::newRow("query token") << QStringLiteral("url ?refresh_token=1//0gSECRET&x=1")
                                     << QStringLiteral("1//0gSECRET");
        QTest::newRow("url password")
            << QStringLiteral("postgresql://u:hunter2@db/x unreachable") << QStringLiteral("hunter2");
        QTest::newRow("base64 body") << QStringLiteral("raw=") + QString(QLatin1Char('A')).repeated(80)
                                     << QString(QLatin1Char('A')).repeated(48);
    }
    void scrub() {
        QFETCH(QString, input);
        QFETCH(QString, secret);
        const QString out = logging::Redactor::scrub(input);
        QVERIFY2(!out.contains(secret), qPrintable(out));
        QVERIFY(out.contains(QStringLiteral("[redacted]")));
    }

    void keepsOrdinaryText() {
        const QString text = QStringLiteral("HTTP 503 from messages.list (backendError), retry 2 of 3");
        QCOMPARE(logging::Redactor::scrub(text), text);
    }

    void capsLength() {
        const QString out = logging::Redactor::scrub(QStringLiteral("word ").repeated(1000));
        QVERIFY(out.size() <= logging::Redactor::MaxLength + 1);
    }

    void writesJsonLines() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        logging::LogOptions options;
        options.directory = dir.path();
        options.toStderr = false;
        QString error;
        QVERIFY2(logging::Log::init(options, &error), qPrintable(error));
        logging::LogEvent(logging::Level::Info, "batch stored")
            .tenant(QStringLiteral("acme"))
            .job(42)
            .step(QStringLiteral("month 2024-02"))
            .count("inserted", 50)
            .duration("storeMs", 12.34)
            .error(QStringLiteral("Bearer abcdef"))
            .write();
        logging::Log::flush();
        QFile file(logging::Log::filePath());
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 1);
        QJsonParseError perr;
        const QJsonObject o = QJsonDocument::fromJson(lines.first(), &perr).object();
        QVERIFY2(perr.error == QJsonParseError::NoError, lines.first().constData());
        QCOMPARE(o.value(QStringLiteral("msg")).toString(), QStringLiteral("batch stored"));
        QCOMPARE(o.value(QStringLiteral("level")).toString(), QStringLiteral("info"));
        QCOMPARE(o.value(QStringLiteral("tenant")).toString(), QStringLiteral("acme"));
        QCOMPARE(o.value(QStringLiteral("job")).toInteger(), 42);
        QCOMPARE(o.value(QStringLiteral("counts")).toObject().value(QStringLiteral("inserted")).toInt(), 50);
        QCOMPARE(o.value(QStringLiteral("durations")).toObject().value(QStringLiteral("storeMs")).toDouble(),
                 12.3);
        QVERIFY(o.value(QStringLiteral("ts")).toString().endsWith(QLatin1Char('Z')));
        QVERIFY(!lines.first().contains("abcdef"));
        logging::Log::shutdown();
    }
};

QTEST_GUILESS_MAIN(TestLogging)
#include "TestLogging.moc"
