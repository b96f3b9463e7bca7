#include "TestDatabase.h"
#include "common/AppInfo.h"
#include "db/EmbeddedPostgres.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QUrl>
#include <QUrlQuery>
#include <QtTest>

#include <memory>

// Runs the real gmail-sync binary ($GSA_BIN_DIR) against a real PostgreSQL database.
class TestCli final : public QObject {
    Q_OBJECT

private:
    struct Result {
        int exitCode = -1;
        QString out;
        QString err;
        QStringList errLines() const { return err.split(QLatin1Char('\n'), Qt::SkipEmptyParts); }
    };

    std::unique_ptr<testsupport::TestDatabase> m_testDb;

    static Result gmailSync(const QStringList &args, const QProcessEnvironment &extraEnv = {}) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        // The developer's own settings must not leak in.
        for (const char *name :
             {"GMAIL_SYNC_DATABASE_URL", "GMAIL_SYNC_GMAIL_API_URL", "GMAIL_SYNC_KEY_FILE"})
            env.remove(QString::fromLatin1(name));
        env.insert(extraEnv);
        p.setProcessEnvironment(env);
        p.start(qEnvironmentVariable("GSA_BIN_DIR") + QStringLiteral("/gmail-sync"), args);
        Result r;
        if (!p.waitForStarted(10000) || !p.waitForFinished(120000)) {
            r.err = QStringLiteral("gmail-sync did not run: ") + p.errorString();
            return r;
        }
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = QString::fromUtf8(p.readAllStandardOutput());
        r.err = QString::fromUtf8(p.readAllStandardError());
        return r;
    }

    QStringList withDb(const QStringList &args) const {
        return QStringList{QStringLiteral("--database"), m_testDb->url()} + args;
    }

    static QJsonArray parseArray(const Result &r) {
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(r.out.toUtf8(), &error);
        if (error.error != QJsonParseError::NoError || !doc.isArray())
            qWarning("not a JSON array: %s", qPrintable(r.out));
        return doc.array();
    }

    // gmail-sync's AppLocalDataLocation: $XDG_DATA_HOME/<organization>/<application>.
    static QString embeddedBase(const QString &xdgDataHome) {
        return xdgDataHome + QLatin1Char('/') + common::AppInfo::organization() + QLatin1Char('/') +
               common::AppInfo::applicationName() + QStringLiteral("/postgres");
    }

private Q_SLOTS:
    void init() {
        m_testDb = std::make_unique<testsupport::TestDatabase>();
        QVERIFY2(m_testDb->isValid(), qPrintable(m_testDb->errorString()));
    }

    void cleanup() { m_testDb.reset(); }

    void tenantAddListJsonRoundTrip() {
        Result r = gmailSync(withDb({QStringLiteral("tenant"), QStringLiteral("add"), QStringLiteral("acme"),
                                     QStringLiteral("--email"), QStringLiteral("Boss@Acme.example"),
                                     QStringLiteral("--name"), QStringLiteral("Acme Inc.")}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.err.isEmpty());
        QVERIFY(r.out.contains(QStringLiteral("acme")));
        // Global options may also follow the command.
        r = gmailSync({QStringLiteral("tenant"), QStringLiteral("add"), QStringLiteral("beta"),
                       QStringLiteral("--email"), QStringLiteral("ops@beta.example"),
                       QStringLiteral("--database"), m_testDb->url()});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));

        r = gmailSync(withDb({QStringLiteral("tenant"), QStringLiteral("list"), QStringLiteral("--json")}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonArray tenants = parseArray(r);
        QCOMPARE(tenants.size(), 2);
        const QJsonObject acme = tenants.at(0).toObject();
        QCOMPARE(acme.value(QStringLiteral("tenantId")).toString(), QStringLiteral("acme"));
        QCOMPARE(acme.value(QStringLiteral("name")).toString(), QStringLiteral("Acme Inc."));
        QCOMPARE(acme.value(QStringLiteral("email")).toString(), QStringLiteral("Boss@Acme.example"));
        QVERIFY(acme.value(QStringLiteral("historyId")).isNull());
        QCOMPARE(acme.value(QStringLiteral("emailCount")).toInt(-1), 0);
        QCOMPARE(acme.value(QStringLiteral("syncInProgress")).toBool(true), false);
        QVERIFY(acme.value(QStringLiteral("lockedBy")).isNull());
        QVERIFY(acme.value(QStringLiteral("lockedSince")).isNull());
        QVERIFY(acme.value(QStringLiteral("lastSyncAt")).isNull());
        const QString created = acme.value(QStringLiteral("createdAt")).toString();
        // ISO 8601 with an explicit offset.
        QVERIFY2(QRegularExpression(
                     QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-]\\d\\d:\\d\\d$"))
                     .match(created)
                     .hasMatch(),
                 qPrintable(created));
        const QDateTime createdAt = QDateTime::fromString(created, Qt::ISODateWithMs);
        QVERIFY(createdAt.isValid());
        QVERIFY(qAbs(createdAt.secsTo(QDateTime::currentDateTimeUtc())) < 120);
        QCOMPARE(tenants.at(1).toObject().value(QStringLiteral("tenantId")).toString(),
                 QStringLiteral("beta"));
        QCOMPARE(tenants.at(1).toObject().value(QStringLiteral("name")).toString(), QString());
        QCOMPARE(acme.keys().size(), 10);

        // The table form names them too.
        r = gmailSync(withDb({QStringLiteral("tenant"), QStringLiteral("list")}));
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QStringLiteral("Boss@Acme.example")));
        QVERIFY(r.out.contains(QStringLiteral("never")));
    }

    void listShowsLockAndCounts() {
        QVERIFY(gmailSync(withDb({QStringLiteral("tenant"), QStringLiteral("add"), QStringLiteral("acme"),
                                  QStringLiteral("--email"), QStringLiteral("a@acme.example")}))
                    .exitCode == 0);
        {
            // Stand in for a running sync: a held lease, a history id, two stored emails.
            const QUrl url(m_testDb->url());
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("cli-setup"));
            db.setHostName(QUrlQuery(url).queryItemValue(QStringLiteral("host")));
            db.setUserName(url.userName());
            db.setDatabaseName(url.path().mid(1));
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(
                QStringLiteral("UPDATE tenants SET sync_locked_by = 'worker-7', sync_locked_at = now(), "
                               "sync_heartbeat_at = now(), gmail_history_id = 987654321, "
                               "last_sync_at = now() WHERE id = 'acme'")));
            QVERIFY(q.exec(QStringLiteral(
                "INSERT INTO emails (tenant_id, gmail_message_id, gmail_thread_id, internal_date)"
                " VALUES ('acme', 'm1', 't', now()), ('acme', 'm2', 't', now())")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("cli-setup"));
        const Result r =
            gmailSync(withDb({QStringLiteral("tenant"), QStringLiteral("list"), QStringLiteral("--json")}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject acme = parseArray(r).at(0).toObject();
        QCOMPARE(acme.value(QStringLiteral("emailCount")).toInt(), 2);
        QCOMPARE(acme.value(QStringLiteral("syncInProgress")).toBool(), true);
        QCOMPARE(acme.value(QStringLiteral("lockedBy")).toString(), QStringLiteral("worker-7"));
        QVERIFY(QDateTime::fromString(acme.value(QStringLiteral("lockedSince")).toString(), Qt::ISODateWithMs)
                    .isValid());
        QVERIFY(QDateTime::fromString(acme.value(QStringLiteral("lastSyncAt")).toString(), Qt::ISODateWithMs)
                    .isValid());
        QCOMPARE(acme.value(QStringLiteral("historyId")).toString(), QStringLiteral("987654321"));
    }

    void duplicateTenantFails() {
        const QStringList add{QStringLiteral("tenant"), QStringLiteral("add"), QStringLiteral("acme"),
                              QStringLiteral("--email"), QStringLiteral("a@acme.example")};
        QCOMPARE(gmailSync(withDb(add)).exitCode, 0);
        const Result again = gmailSync(withDb(add));
        QCOMPARE(again.exitCode, 1);
        QCOMPARE(again.errLines(), QStringList{QStringLiteral("gmail-sync: tenant \"acme\" already exists")});
        const Result sameAddress =
            gmailSync(withDb({QStringLiteral("tenant"), QStringLiteral("add"), QStringLiteral("acme2"),
                              QStringLiteral("--email"), QStringLiteral("A@ACME.example")}));
        QCOMPARE(sameAddress.exitCode, 1);
        QCOMPARE(sameAddress.errLines().size(), 1);
        QVERIFY2(sameAddress.err.contains(QStringLiteral("already used by tenant \"acme\"")),
                 qPrintable(sameAddress.err));
        const Result badAddress =
            gmailSync(withDb({QStringLiteral("tenant"), QStringLiteral("add"), QStringLiteral("t2"),
                              QStringLiteral("--email"), QStringLiteral("not-an-address")}));
        QCOMPARE(badAddress.exitCode, 1);
        QCOMPARE(badAddress.errLines().size(), 1);
    }

    void unreachableDatabaseIsOneLine() {
        const Result r = gmailSync({QStringLiteral("--database"),
                                    QStringLiteral("postgresql://nobody:s3cret@127.0.0.1:1/x"),
                                    QStringLiteral("tenant"), QStringLiteral("list")});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.errLines().size(), 1);
        QVERIFY2(r.err.startsWith(QStringLiteral(
                     "gmail-sync: cannot connect to database postgresql://nobody:***@127.0.0.1:1/x")),
                 qPrintable(r.err));
        QVERIFY(!r.err.contains(QStringLiteral("s3cret")));
        QVERIFY(r.out.isEmpty());
    }

    void environmentAndOptionPrecedence() {
        QProcessEnvironment env;
        env.insert(QStringLiteral("GMAIL_SYNC_DATABASE_URL"), m_testDb->url());
        Result r =
            gmailSync({QStringLiteral("tenant"), QStringLiteral("list"), QStringLiteral("--json")}, env);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(parseArray(r).size(), 0);

        // The option wins over the environment.
        env.insert(QStringLiteral("GMAIL_SYNC_DATABASE_URL"), m_testDb->url());
        r = gmailSync({QStringLiteral("--database"), QStringLiteral("postgresql://nobody@127.0.0.1:1/x"),
                       QStringLiteral("tenant"), QStringLiteral("list")},
                      env);
        QCOMPARE(r.exitCode, 1);
        env.insert(QStringLiteral("GMAIL_SYNC_DATABASE_URL"),
                   QStringLiteral("postgresql://nobody@127.0.0.1:1/x"));
        r = gmailSync(withDb({QStringLiteral("tenant"), QStringLiteral("list")}), env);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    }

    void usageErrors_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("firstLine");

        QTest::newRow("no command") << QStringList{} << "gmail-sync: no command given";
        QTest::newRow("unknown command")
            << QStringList{QStringLiteral("frobnicate")} << "gmail-sync: unknown command \"frobnicate\"";
        QTest::newRow("group only") << QStringList{QStringLiteral("tenant")}
                                    << "gmail-sync: \"tenant\" needs a subcommand";
        QTest::newRow("unknown subcommand")
            << QStringList{QStringLiteral("tenant"), QStringLiteral("explode")}
            << "gmail-sync: unknown command \"tenant explode\"";
        QTest::newRow("unknown global option")
            << QStringList{QStringLiteral("--frob"), QStringLiteral("migrate")}
            << "gmail-sync: Unknown option 'frob'.";
        QTest::newRow("missing --email")
            << QStringList{QStringLiteral("tenant"), QStringLiteral("add"), QStringLiteral("x")}
            << "gmail-sync: --email is required";
        QTest::newRow("missing id") << QStringList{QStringLiteral("tenant"), QStringLiteral("add"),
                                                   QStringLiteral("--email"), QStringLiteral("a@b.example")}
                                    << "gmail-sync: missing argument";
        QTest::newRow("extra argument")
            << QStringList{QStringLiteral("tenant"), QStringLiteral("list"), QStringLiteral("x")}
            << "gmail-sync: unexpected argument \"x\"";
        QTest::newRow("option without value")
            << QStringList{QStringLiteral("migrate"), QStringLiteral("--database")}
            << "gmail-sync: Missing value after '--database'.";
    }

    void usageErrors() {
        QFETCH(QStringList, args);
        QFETCH(QString, firstLine);
        const Result r = gmailSync(args);
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(r.errLines().value(0), firstLine);
        QVERIFY2(r.err.contains(QStringLiteral("usage: gmail-sync")), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }

    void helpListsCommands() {
        const Result r = gmailSync({QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        for (const char *command : {"migrate", "tenant add", "tenant list"})
            QVERIFY2(r.out.contains(QLatin1String(command)), command);
        for (const char *option : {"--database", "--gmail-api-url", "--oauth-token-url", "--oauth-auth-url",
                                   "--pubsub-url", "--key-file", "GMAIL_SYNC_PUBSUB_URL"})
            QVERIFY2(r.out.contains(QLatin1String(option)), option);
        const Result sub =
            gmailSync({QStringLiteral("tenant"), QStringLiteral("add"), QStringLiteral("--help")});
        QCOMPARE(sub.exitCode, 0);
        QVERIFY(sub.out.contains(QStringLiteral("--email")));
    }

    void parseShowsWhatASyncWouldStore() {
        const QString mail = qEnvironmentVariable("GSA_SOURCE_DIR") + QStringLiteral("/tests/data/mail/");
        const Result r = gmailSync({QStringLiteral("parse"), mail + QStringLiteral("iso-8859-1.eml"),
                                    mail + QStringLiteral("no-date.eml"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonArray list = parseArray(r);
        QCOMPARE(list.size(), 2);
        const QJsonObject first = list.at(0).toObject();
        QCOMPARE(first.value(QStringLiteral("subject")).toString(), QString::fromUtf8("Grüße"));
        QVERIFY(first.value(QStringLiteral("bodyText")).toString().contains(QString::fromUtf8("München")));
        QVERIFY(first.value(QStringLiteral("date")).toString().startsWith(QStringLiteral("20")));
        QCOMPARE(first.value(QStringLiteral("parseWarnings")).toArray().size(), 0);
        const QJsonArray warnings = list.at(1).toObject().value(QStringLiteral("parseWarnings")).toArray();
        QCOMPARE(warnings.size(), 1);
        QCOMPARE(warnings.at(0).toString(), QStringLiteral("no Date header; internalDate used"));

        const Result missing = gmailSync({QStringLiteral("parse"), mail + QStringLiteral("no-such.eml")});
        QCOMPARE(missing.exitCode, 1);
        QCOMPARE(missing.errLines().size(), 1);
        QVERIFY(missing.errLines().at(0).contains(QStringLiteral("no-such.eml")));
        QCOMPARE(gmailSync({QStringLiteral("parse")}).exitCode, 2);
    }

    void migrateReportsVersions() {
        Result r = gmailSync(withDb({QStringLiteral("migrate")}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.startsWith(QStringLiteral("database schema migrated from version 0 to ")),
                 qPrintable(r.out));
        r = gmailSync(withDb({QStringLiteral("migrate")}));
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.startsWith(QStringLiteral("database schema is up to date")), qPrintable(r.out));
        QVERIFY(r.err.isEmpty()); // no server NOTICEs leak
    }

    void newerSchemaIsRefused() {
        QCOMPARE(gmailSync(withDb({QStringLiteral("migrate")})).exitCode, 0);
        {
            const QUrl url(m_testDb->url());
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("cli-future"));
            db.setHostName(QUrlQuery(url).queryItemValue(QStringLiteral("host")));
            db.setUserName(url.userName());
            db.setDatabaseName(url.path().mid(1));
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(
                QStringLiteral("INSERT INTO schema_migrations (version, name) VALUES (9999, 'future')")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("cli-future"));
        const Result r = gmailSync(withDb({QStringLiteral("tenant"), QStringLiteral("list")}));
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.errLines().size(), 1);
        QVERIFY2(r.err.contains(QStringLiteral("database schema version 9999 is newer than this program")),
                 qPrintable(r.err));
        QVERIFY(r.err.contains(QStringLiteral("upgrade gmail-sync")));
    }

    void embeddedClusterWhenNoDatabaseGiven() {
        QTemporaryDir home;
        QVERIFY(home.isValid());
        QProcessEnvironment env;
        env.insert(QStringLiteral("XDG_DATA_HOME"), home.path());
        Result r = gmailSync({QStringLiteral("tenant"), QStringLiteral("add"), QStringLiteral("solo"),
                              QStringLiteral("--email"), QStringLiteral("solo@example.com")},
                             env);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = gmailSync({QStringLiteral("tenant"), QStringLiteral("list"), QStringLiteral("--json")}, env);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonArray tenants = parseArray(r);
        QCOMPARE(tenants.size(), 1);
        QCOMPARE(tenants.at(0).toObject().value(QStringLiteral("tenantId")).toString(),
                 QStringLiteral("solo"));

        // gmail-sync started the cluster and stopped it again on exit.
        db::EmbeddedPostgres cluster(embeddedBase(home.path()));
        QVERIFY(!cluster.isRunning());
        QVERIFY2(QFileInfo::exists(cluster.clusterDirectory() + QStringLiteral("/data/PG_VERSION")),
                 qPrintable(cluster.clusterDirectory()));
        QDir(cluster.clusterDirectory()).removeRecursively();
    }

    void concurrentFirstRunsShareOneCluster() {
        // Several programs started at once on a machine with no cluster yet: one initialises and
        // starts it, the others wait for it and reuse it.
        QTemporaryDir home;
        QVERIFY(home.isValid());
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("GMAIL_SYNC_DATABASE_URL"));
        env.insert(QStringLiteral("XDG_DATA_HOME"), home.path());
        std::vector<std::unique_ptr<QProcess>> processes;
        for (int i = 0; i < 3; ++i) {
            auto p = std::make_unique<QProcess>();
            p->setProcessEnvironment(env);
            p->start(qEnvironmentVariable("GSA_BIN_DIR") + QStringLiteral("/gmail-sync"),
                     {QStringLiteral("tenant"), QStringLiteral("list"), QStringLiteral("--json")});
            processes.push_back(std::move(p));
        }
        for (auto &p : processes) {
            QVERIFY(p->waitForFinished(180000));
            QVERIFY2(p->exitCode() == 0, p->readAllStandardError().constData());
            QCOMPARE(QJsonDocument::fromJson(p->readAllStandardOutput()).array().size(), 0);
        }
        db::EmbeddedPostgres cluster(embeddedBase(home.path()));
        QVERIFY2(cluster.stopServer(), qPrintable(cluster.errorString())); // whoever left it running
        QVERIFY(!cluster.isRunning());
        QDir(cluster.clusterDirectory()).removeRecursively();
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "TestCli.moc"
