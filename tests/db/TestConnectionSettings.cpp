#include "db/ConnectionSettings.h"

#include <QtTest>

using namespace db;

// URI forms from the libpq manual, §34.1.1.2 "Connection URIs"
// (https://www.postgresql.org/docs/15/libpq-connect.html#LIBPQ-CONNSTRING).
class TestConnectionSettings final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parses_data() {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("password");
        QTest::addColumn<QString>("database");
        QTest::addColumn<QString>("options");

        QTest::newRow("full") << "postgresql://alice:s3cret@db.example.com:6543/mail"
                              << "db.example.com" << 6543 << "alice"
                              << "s3cret"
                              << "mail"
                              << "";
        QTest::newRow("postgres scheme") << "postgres://bob@localhost/gmail_sync"
                                         << "localhost" << 5432 << "bob"
                                         << ""
                                         << "gmail_sync"
                                         << "";
        QTest::newRow("scheme case") << "PostgreSQL://h/d"
                                     << "h" << 5432 << ""
                                     << ""
                                     << "d"
                                     << "";
        QTest::newRow("no database") << "postgresql://localhost"
                                     << "localhost" << 5432 << ""
                                     << ""
                                     << ""
                                     << "";
        QTest::newRow("empty") << "postgresql://"
                               << "" << 5432 << ""
                               << ""
                               << ""
                               << "";
        QTest::newRow("socket query") << "postgresql:///gmail_sync?host=/run/postgresql"
                                      << "/run/postgresql" << 5432 << ""
                                      << ""
                                      << "gmail_sync"
                                      << "";
        QTest::newRow("socket encoded host") << "postgresql://postgres@%2Frun%2Fpg/db"
                                             << "/run/pg" << 5432 << "postgres"
                                             << ""
                                             << "db"
                                             << "";
        QTest::newRow("socket with port") << "postgresql://u@/db?host=/tmp/s&port=5433"
                                          << "/tmp/s" << 5433 << "u"
                                          << ""
                                          << "db"
                                          << "";
        QTest::newRow("ipv6") << "postgresql://[::1]:5433/db"
                              << "::1" << 5433 << ""
                              << ""
                              << "db"
                              << "";
        QTest::newRow("ipv6 no port") << "postgresql://[2001:db8::7]/db"
                                      << "2001:db8::7" << 5432 << ""
                                      << ""
                                      << "db"
                                      << "";
        QTest::newRow("encoded password") << "postgresql://u:p%40ss%3Aw%2Fd@h/db"
                                          << "h" << 5432 << "u"
                                          << "p@ss:w/d"
                                          << "db"
                                          << "";
        QTest::newRow("password with @") << "postgresql://u:a@b@h/db"
                                         << "h" << 5432 << "u"
                                         << "a@b"
                                         << "db"
                                         << "";
        QTest::newRow("sslmode") << "postgresql://h/db?sslmode=require&connect_timeout=5"
                                 << "h" << 5432 << ""
                                 << ""
                                 << "db"
                                 << "sslmode=require;connect_timeout=5";
        QTest::newRow("query overrides") << "postgresql://h/db?user=other&password=pw&dbname=x&port=7000"
                                         << "h" << 7000 << "other"
                                         << "pw"
                                         << "x"
                                         << "";
        QTest::newRow("quoted option") << "postgresql://h/db?application_name=gmail%20sync"
                                       << "h" << 5432 << ""
                                       << ""
                                       << "db"
                                       << "application_name='gmail sync'";
        QTest::newRow("spaces trimmed") << "  postgresql://h/db \n"
                                        << "h" << 5432 << ""
                                        << ""
                                        << "db"
                                        << "";
    }

    void parses() {
        QFETCH(QString, url);
        QString error;
        const std::optional<ConnectionSettings> s = ConnectionSettings::fromUrl(url, &error);
        QVERIFY2(s.has_value(), qPrintable(error));
        QTEST(s->host, "host");
        QTEST(s->port, "port");
        QTEST(s->user, "user");
        QTEST(s->password, "password");
        QTEST(s->database, "database");
        QTEST(s->options, "options");
    }

    // The product's libpq defaults (libpq-connect §34.1.2) fill in what the URL leaves out; the URL wins.
    void connectOptions_data() {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("expected");
        const QString tcp = QStringLiteral("keepalives=1;keepalives_idle=10;keepalives_interval=5;keepalives_"
                                           "count=3;tcp_user_timeout=30000");
        QTest::newRow("defaults") << "postgresql://h/db" << QStringLiteral("connect_timeout=5;") + tcp;
        QTest::newRow("operator's connect_timeout wins")
            << "postgresql://h/db?connect_timeout=20&sslmode=require"
            << QStringLiteral("connect_timeout=20;sslmode=require;") + tcp;
        QTest::newRow("operator turns keepalives off")
            << "postgresql://h/db?keepalives=0"
            << "keepalives=0;connect_timeout=5;keepalives_idle=10;keepalives_interval=5;keepalives_count=3;"
               "tcp_user_timeout=30000";
    }

    void connectOptions() {
        QFETCH(QString, url);
        QFETCH(QString, expected);
        QString error;
        const auto s = ConnectionSettings::fromUrl(url, &error);
        QVERIFY2(s, qPrintable(error));
        QCOMPARE(s->connectOptions(), expected);
    }

    void statementTimeoutFromOptions() {
        QString error;
        const auto plain = ConnectionSettings::fromUrl(QStringLiteral("postgresql://h/db"), &error);
        QVERIFY(plain);
        QVERIFY(!plain->hasOption(QStringLiteral("statement_timeout")));
        // libpq's options keyword: -c sets a server setting at connection start (the operator's wins).
        const auto set = ConnectionSettings::fromUrl(
            QStringLiteral("postgresql://h/db?options=-c%20statement_timeout%3D60000"), &error);
        QVERIFY2(set, qPrintable(error));
        QVERIFY(set->hasOption(QStringLiteral("statement_timeout")));
        QVERIFY(set->connectOptions().startsWith(QStringLiteral("options='-c statement_timeout=60000';")));
    }

    void rejects_data() {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("errorPart");

        QTest::newRow("empty string") << ""
                                      << "must start with postgresql://";
        QTest::newRow("mysql") << "mysql://u@h/db"
                               << "must start with postgresql://";
        QTest::newRow("no scheme") << "localhost:5432/db"
                                   << "must start with postgresql://";
        QTest::newRow("port zero") << "postgresql://h:0/db"
                                   << "invalid port \"0\"";
        QTest::newRow("port too big") << "postgresql://h:70000/db"
                                      << "invalid port \"70000\"";
        QTest::newRow("port not a number") << "postgresql://h:abc/db"
                                           << "invalid port \"abc\"";
        QTest::newRow("query port") << "postgresql://h/db?port=x"
                                    << "invalid port \"x\"";
        QTest::newRow("ipv6 unterminated") << "postgresql://[::1/db"
                                           << "unterminated IPv6";
        QTest::newRow("ipv6 junk") << "postgresql://[::1]x/db"
                                   << "after the IPv6 address";
        QTest::newRow("several hosts") << "postgresql://h1,h2/db"
                                       << "several hosts";
        QTest::newRow("query without value") << "postgresql://h/db?sslmode"
                                             << "expected key=value";
        QTest::newRow("bad key") << "postgresql://h/db?SSL-Mode=x"
                                 << "invalid query parameter";
        QTest::newRow("semicolon") << "postgresql://h/db?application_name=a%3Bb"
                                   << "must not contain ';'";
        QTest::newRow("slash in db") << "postgresql://h/a/b"
                                     << "invalid database name";
    }

    void rejects() {
        QFETCH(QString, url);
        QFETCH(QString, errorPart);
        QString error;
        QVERIFY(!ConnectionSettings::fromUrl(url, &error).has_value());
        QVERIFY2(error.contains(errorPart), qPrintable(error));
        QVERIFY(!error.contains(QLatin1Char('\n')));
    }

    void redacts_data() {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("redacted");

        QTest::newRow("password") << "postgresql://alice:s3cret@db:6543/mail"
                                  << "postgresql://alice:***@db:6543/mail";
        QTest::newRow("no password") << "postgres://bob@localhost/gmail_sync"
                                     << "postgresql://bob@localhost/gmail_sync";
        QTest::newRow("socket") << "postgresql://postgres@%2Frun%2Fpg/db"
                                << "postgresql://postgres@/db?host=%2Frun%2Fpg";
        QTest::newRow("query password") << "postgresql://h/db?password=s3cret&sslmode=require"
                                        << "postgresql://:***@h/db?sslmode=require";
        QTest::newRow("ssl password option") << "postgresql://h/db?sslpassword=s3cret"
                                             << "postgresql://h/db?sslpassword=***";
        QTest::newRow("ipv6") << "postgresql://[::1]:5433/db"
                              << "postgresql://[::1]:5433/db";
    }

    void redacts() {
        QFETCH(QString, url);
        QFETCH(QString, redacted);
        QString error;
        const auto s = ConnectionSettings::fromUrl(url, &error);
        QVERIFY2(s, qPrintable(error));
        QCOMPARE(s->redactedUrl(), redacted);
        QVERIFY(!s->redactedUrl().contains(QStringLiteral("s3cret")));
        // The redacted form parses back to the same place.
        const auto again = ConnectionSettings::fromUrl(s->redactedUrl(), &error);
        QVERIFY2(again, qPrintable(error));
        QCOMPARE(again->host, s->host);
        QCOMPARE(again->port, s->port);
        QCOMPARE(again->database, s->database);
    }
};

QTEST_GUILESS_MAIN(TestConnectionSettings)
#include "TestConnectionSettings.moc"
