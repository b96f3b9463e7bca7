#include "log/Log.h"
#include "log/LogEvent.h"
#include "log/Redactor.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

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
        // camelCase spellings (our own JSON, e.g. the sealed OAuth keys), short values.
        QTest::newRow("camel refreshToken")
            << QStringLiteral("{\"refreshToken\":\"1//short\",\"x\":1}") << QStringLiteral("1//short");
        QTest::newRow("camel clientSecret")
            << QStringLiteral("clientSecret=GOCSPX-abc&y=2") << QStringLiteral("GOCSPX-abc");
        QTest::newRow("camel accessToken")
            << QStringLiteral("accessToken: \"ya29.tiny\"") << QStringLiteral("ya29.tiny");
        QTest::newRow("private_key_id")
            << QStringLiteral("{\"private_key_id\":\"0123abcd\"}") << QStringLiteral("0123abcd");
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

    void registeredSecretsNeverShow() {
        // By value, whatever the shape around it: a short token in a sentence no pattern would catch.
        const QString secret = QStringLiteral("tok-7Hq2");
        QVERIFY(logging::Redactor::scrub(QStringLiteral("using tok-7Hq2 now")).contains(secret));
        logging::Redactor::registerSecret(secret);
        const QString out = logging::Redactor::scrub(QStringLiteral("using tok-7Hq2 now (tok-7Hq2)"));
        QVERIFY2(!out.contains(secret), qPrintable(out));
        QCOMPARE(out, QStringLiteral("using [redacted] now ([redacted])"));
        // Too short to register: ordinary words stay readable.
        logging::Redactor::registerSecret(QStringLiteral("the"));
        QVERIFY(logging::Redactor::scrub(QStringLiteral("the end")).contains(QStringLiteral("the")));
    }

    void logFilesAreOwnerOnly() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const mode_t old = ::umask(0); // the most permissive umask: the file must still be 0600
        logging::LogOptions options;
        options.directory = dir.path();
        options.toStderr = false;
        QString error;
        const bool ok = logging::Log::init(options, &error);
        ::umask(old);
        QVERIFY2(ok, qPrintable(error));
        logging::LogEvent(logging::Level::Info, "hello").write();
        logging::Log::flush();
        struct stat st {};
        QCOMPARE(::stat(QFile::encodeName(logging::Log::filePath()).constData(), &st), 0);
        QCOMPARE(int(st.st_mode & 0777), 0600);
        logging::Log::shutdown();
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
