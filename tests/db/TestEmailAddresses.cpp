#include "TestDatabase.h"

#include "db/Database.h"
#include "db/EmailRepository.h"
#include "db/MailAddress.h"
#include "db/Migrator.h"
#include "db/SqlValues.h"
#include "db/ThreadRepository.h"

#include <QElapsedTimer>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

#include <memory>

using namespace db;

// Recipients stored as addresses (migration 0009): the rewrite of rows written before it, lookups by
// address through ANY() and the GIN indexes, and the "Name <addr>" form the GUI and CLI still show.
class TestEmailAddresses final : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<testsupport::TestDatabase> m_testDb;

    static QVariant scalar(const QString &sql) {
        QSqlQuery q(Database::connection());
        if (!q.exec(sql) || !q.next()) {
            qWarning("%s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
            return {};
        }
        return q.value(0);
    }

    static QStringList array(const QString &sql) { return sql::stringArray(scalar(sql)); }

    static bool exec(const QString &sql) {
        QSqlQuery q(Database::connection());
        if (q.exec(sql))
            return true;
        qWarning("%s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
        return false;
    }

    static EmailRecord record(int i, const QStringList &to, const QStringList &cc = {}) {
        EmailRecord r;
        r.gmailMessageId = QStringLiteral("m%1").arg(i, 6, 10, QLatin1Char('0'));
        r.threadId = QStringLiteral("t%1").arg(i);
        r.historyId = 100;
        r.subject = QStringLiteral("Subject %1").arg(i);
        r.fromName = QStringLiteral("Sender %1").arg(i % 50);
        r.fromAddress = QStringLiteral("sender%1@example.com").arg(i % 50);
        r.to = to;
        r.cc = cc;
        r.internalDate = QDateTime::fromMSecsSinceEpoch(1700000000000LL + i * 60000LL, Qt::UTC);
        return r;
    }

    // This test's database as the default connection, with only the migrations before `version`.
    bool openBefore(int version, QString *error) const {
        const auto settings = ConnectionSettings::fromUrl(m_testDb->url(), error);
        if (!settings)
            return false;
        Database::setDefaultSettings(*settings);
        if (!Database::open(error))
            return false;
        Migrator before(Database::connection(), migrationsBefore(version));
        *error = before.migrate() ? QString() : before.errorString();
        return error->isEmpty() && before.currentVersion() == version - 1;
    }

    static QList<Migrator::Migration> migrationsBefore(int version) {
        QList<Migrator::Migration> out;
        for (const Migrator::Migration &m : Migrator::migrations()) {
            if (m.version < version)
                out.append(m);
        }
        return out;
    }

private Q_SLOTS:
    void init() {
        m_testDb = std::make_unique<testsupport::TestDatabase>();
        QVERIFY2(m_testDb->isValid(), qPrintable(m_testDb->errorString()));
    }

    void cleanup() {
        Database::closeThreadConnection();
        m_testDb.reset();
    }

    void parsesWhatTheParserWrites_data() {
        QTest::addColumn<QString>("formatted");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("address");
        QTest::addColumn<QString>("display");
        QTest::newRow("bare") << "Bob@Example.COM"
                              << ""
                              << "bob@example.com"
                              << "bob@example.com";
        QTest::newRow("named") << "Ann Lee <Ann@Example.com>"
                               << "Ann Lee"
                               << "ann@example.com"
                               << "Ann Lee <ann@example.com>";
        // RFC 5322 §3.2.4 quoted-string: specials stay inside the quotes.
        QTest::newRow("comma") << "\"Doe, John\" <john@example.com>"
                               << "Doe, John"
                               << "john@example.com"
                               << "\"Doe, John\" <john@example.com>";
        QTest::newRow("angles in name") << "\"A <b@c>\" <real@example.com>"
                                        << "A <b@c>"
                                        << "real@example.com"
                                        << "\"A <b@c>\" <real@example.com>";
        QTest::newRow("escaped quote") << "\"Zoë \\\"Q\\\" S\" <z@example.com>"
                                       << "Zoë \"Q\" S"
                                       << "z@example.com"
                                       << "\"Zoë \\\"Q\\\" S\" <z@example.com>";
        QTest::newRow("backslash addr") << "a\\b@example.com"
                                        << ""
                                        << "a\\b@example.com"
                                        << "a\\b@example.com";
    }

    void parsesWhatTheParserWrites() {
        QFETCH(QString, formatted);
        QFETCH(QString, name);
        QFETCH(QString, address);
        QFETCH(QString, display);
        const MailAddress a = MailAddress::parse(formatted);
        QCOMPARE(a.name, name);
        QCOMPARE(a.address, address);
        QCOMPARE(a.display(), display);
    }

    // Rows written before 0009 held "Name <addr>" strings; the migration splits them exactly as
    // MailAddress::parse does.
    void migrationRewritesOldRows() {
        QString error;
        QVERIFY2(openBefore(9, &error), qPrintable(error));
        QVERIFY(
            exec(QStringLiteral("INSERT INTO tenants (id, gmail_address) VALUES ('acme', 'a@example.com')")));
        QVERIFY(exec(QStringLiteral(
            "INSERT INTO emails (tenant_id, gmail_message_id, gmail_thread_id, internal_date, to_addresses,"
            " cc_addresses, bcc_addresses) VALUES"
            " ('acme', 'm1', 't1', now(),"
            "  ARRAY['\"Doe, John\" <John@Example.com>', 'bare@Example.com', '\"A <b@c>\" "
            "<real@example.com>'],"
            "  ARRAY['Ann Lee <ann@example.com>', '\"Zoë \\\"Q\\\" S\" <z@example.com>'], ARRAY['  x@y.z  "
            "']),"
            " ('acme', 'm2', 't1', now(), '{}', '{}', '{}')")));
        const QStringList oldTo = array(QStringLiteral("SELECT array_to_json(to_addresses)::text FROM emails "
                                                       "WHERE gmail_message_id = 'm1'"));
        const QStringList oldCc = array(QStringLiteral("SELECT array_to_json(cc_addresses)::text FROM emails "
                                                       "WHERE gmail_message_id = 'm1'"));
        QCOMPARE(oldTo.size(), 3);

        Migrator all(Database::connection());
        QVERIFY2(all.migrate(), qPrintable(all.errorString()));
        QCOMPARE(all.currentVersion(), Migrator::latestVersion());

        const auto column = [](const char *name) {
            return array(
                QStringLiteral("SELECT array_to_json(%1)::text FROM emails WHERE gmail_message_id = 'm1'")
                    .arg(QLatin1String(name)));
        };
        QCOMPARE(column("to_addresses"),
                 (QStringList{QStringLiteral("john@example.com"), QStringLiteral("bare@example.com"),
                              QStringLiteral("real@example.com")}));
        QCOMPARE(column("to_names"),
                 (QStringList{QStringLiteral("Doe, John"), QString(), QStringLiteral("A <b@c>")}));
        QCOMPARE(column("cc_addresses"),
                 (QStringList{QStringLiteral("ann@example.com"), QStringLiteral("z@example.com")}));
        QCOMPARE(column("cc_names"), (QStringList{QStringLiteral("Ann Lee"), QStringLiteral("Zoë \"Q\" S")}));
        QCOMPARE(column("bcc_addresses"), QStringList{QStringLiteral("x@y.z")});
        QCOMPARE(column("bcc_names"), QStringList{QString()});
        // The SQL rewrite and the C++ reader agree element for element.
        for (qsizetype i = 0; i < oldTo.size(); ++i)
            QCOMPARE(MailAddress::parse(oldTo.at(i)).address, column("to_addresses").at(i));
        for (qsizetype i = 0; i < oldCc.size(); ++i)
            QCOMPARE(MailAddress::parse(oldCc.at(i)).name, column("cc_names").at(i));
        QCOMPARE(
            scalar(QStringLiteral("SELECT cardinality(to_names) FROM emails WHERE gmail_message_id = 'm2'"))
                .toInt(),
            0);
        // The helper functions of the rewrite are gone.
        QCOMPARE(
            scalar(QStringLiteral("SELECT count(*) FROM pg_proc WHERE proname LIKE 'gsa_0009%'")).toInt(), 0);

        // What the thread view shows is the display form again.
        ThreadRepository threads(Database::connection());
        const auto messages = threads.messages(QStringLiteral("acme"), QStringLiteral("t1"));
        QVERIFY2(messages, qPrintable(threads.errorString()));
        QCOMPARE(messages->size(), 2);
        QCOMPARE(messages->at(0).to.first(), QStringLiteral("\"Doe, John\" <john@example.com>"));
    }

    void findsMailByAddress() {
        QString error;
        QVERIFY2(m_testDb->openMigrated(&error), qPrintable(error));
        QVERIFY(
            exec(QStringLiteral("INSERT INTO tenants (id, gmail_address) VALUES ('acme', 'a@example.com')")));
        EmailRepository repo(Database::connection());
        const QList<EmailRecord> rows{
            record(1, {QStringLiteral("\"Doe, John\" <John@Example.com>")}),
            record(2, {QStringLiteral("other@example.com")}, {QStringLiteral("Jane <JOHN@example.com>")}),
            record(3, {QStringLiteral("nobody@example.com")})};
        QVERIFY2(repo.upsert(QStringLiteral("acme"), rows), qPrintable(repo.errorString()));

        // The bug of issue 13: this found nothing while the column held "Name <addr>".
        QCOMPARE(
            scalar(QStringLiteral("SELECT count(*) FROM emails WHERE 'john@example.com' = ANY(to_addresses)"))
                .toInt(),
            1);
        QCOMPARE(
            scalar(QStringLiteral("SELECT count(*) FROM emails WHERE 'john@example.com' = ANY(to_addresses)"
                                  " OR 'john@example.com' = ANY(cc_addresses)"))
                .toInt(),
            2);

        const auto found = repo.listByAddress(QStringLiteral("acme"), QStringLiteral("John@example.COM"), 10);
        QVERIFY2(found, qPrintable(repo.errorString()));
        QCOMPARE(found->size(), 2);
        QCOMPARE(found->at(0).gmailMessageId, QStringLiteral("m000002")); // newest first
        QCOMPARE(found->at(0).cc, QStringList{QStringLiteral("Jane <john@example.com>")});
        QCOMPARE(found->at(1).to, QStringList{QStringLiteral("\"Doe, John\" <john@example.com>")});

        const auto fromSender =
            repo.listByAddress(QStringLiteral("acme"), QStringLiteral("Sender3@example.com"), 10);
        QVERIFY2(fromSender, qPrintable(repo.errorString()));
        QCOMPARE(fromSender->size(), 1);
        QCOMPARE(fromSender->first().gmailMessageId, QStringLiteral("m000003"));
    }

    // Enough rows that a sequential scan loses: the planner must pick the GIN indexes.
    void lookupUsesTheGinIndexes() {
        QString error;
        QVERIFY2(m_testDb->openMigrated(&error), qPrintable(error));
        QVERIFY(
            exec(QStringLiteral("INSERT INTO tenants (id, gmail_address) VALUES ('acme', 'a@example.com')")));
        EmailRepository repo(Database::connection());
        constexpr int Rows = 20000;
        QList<EmailRecord> rows;
        rows.reserve(Rows);
        for (int i = 0; i < Rows; ++i)
            rows << record(i, {QStringLiteral("Person %1 <p%1@example.com>").arg(i % 2000)},
                           {QStringLiteral("cc%1@example.com").arg(i % 3000)});
        QVERIFY2(repo.upsert(QStringLiteral("acme"), rows), qPrintable(repo.errorString()));
        QVERIFY(exec(QStringLiteral("ANALYZE emails")));

        QSqlQuery q(Database::connection());
        QVERIFY(q.exec(QStringLiteral(
            "EXPLAIN SELECT id FROM emails WHERE tenant_id = 'acme' AND (to_addresses @> "
            "ARRAY['p7@example.com']"
            " OR cc_addresses @> ARRAY['p7@example.com'] OR bcc_addresses @> ARRAY['p7@example.com']"
            " OR lower(from_address) = 'p7@example.com')")));
        QString plan;
        while (q.next())
            plan += q.value(0).toString() + QLatin1Char('\n');
        qInfo("%s", qPrintable(plan));
        QVERIFY2(plan.contains(QLatin1String("emails_to_addresses_idx")), qPrintable(plan));
        QVERIFY2(plan.contains(QLatin1String("emails_cc_addresses_idx")), qPrintable(plan));
        QVERIFY2(!plan.contains(QLatin1String("Seq Scan")), qPrintable(plan));

        QElapsedTimer timer;
        timer.start();
        const auto found = repo.listByAddress(QStringLiteral("acme"), QStringLiteral("p7@example.com"), 100);
        const qint64 micros = timer.nsecsElapsed() / 1000;
        QVERIFY2(found, qPrintable(repo.errorString()));
        QCOMPARE(found->size(), Rows / 2000);
        // For comparison: the same rows through `= ANY`, which no index serves (a sequential scan).
        timer.restart();
        QVERIFY(q.exec(
            QStringLiteral("SELECT count(*) FROM emails WHERE tenant_id = 'acme' AND ("
                           "'p7@example.com' = ANY(to_addresses) OR 'p7@example.com' = ANY(cc_addresses)"
                           " OR 'p7@example.com' = ANY(bcc_addresses)"
                           " OR lower(from_address) = 'p7@example.com')")));
        QVERIFY(q.next());
        const qint64 anyMicros = timer.nsecsElapsed() / 1000;
        QCOMPARE(q.value(0).toInt(), Rows / 2000);
        qInfo("over %d rows: listByAddress (GIN) %lld µs, = ANY (seq scan) %lld µs, %lld rows", Rows, micros,
              anyMicros, qint64(found->size()));
    }
};

QTEST_GUILESS_MAIN(TestEmailAddresses)
#include "TestEmailAddresses.moc"
