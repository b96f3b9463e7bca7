#include "db/Database.h"
#include "db/EmbeddedPostgres.h"

#include <QDir>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

#include <unistd.h>

using namespace db;

// Starts real clusters with the distribution's initdb/pg_ctl in a throwaway XDG_DATA_HOME.
class TestEmbeddedPostgres final : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_home;
    QStringList m_clusterDirs;

    // Connects as the programs would and returns `SELECT <expression>`, or the error text.
    static QString query(const ConnectionSettings &s, const QString &expression) {
        static int counter = 0;
        const QString name = QStringLiteral("embedded-test-%1").arg(++counter);
        QString result;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
            db.setHostName(s.host);
            db.setPort(s.port);
            db.setUserName(s.user);
            db.setDatabaseName(s.database);
            if (!db.open()) {
                result = QStringLiteral("error: ") + db.lastError().text();
            } else {
                QSqlQuery q(db);
                result = q.exec(QStringLiteral("SELECT ") + expression) && q.next()
                             ? q.value(0).toString()
                             : QStringLiteral("error: ") + q.lastError().text();
            }
        }
        QSqlDatabase::removeDatabase(name);
        return result;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_home.isValid());
        qputenv("XDG_DATA_HOME", QFile::encodeName(m_home.path()));
    }

    void cleanupTestCase() {
        // As root the cluster lives outside XDG_DATA_HOME (/var/lib/gmail-sync/...).
        for (const QString &dir : std::as_const(m_clusterDirs))
            QDir(dir).removeRecursively();
    }

    void defaultDirectoryFollowsXdgDataHome() {
        QVERIFY2(EmbeddedPostgres::defaultBaseDirectory().startsWith(m_home.path()),
                 qPrintable(EmbeddedPostgres::defaultBaseDirectory()));
        QVERIFY(EmbeddedPostgres::defaultBaseDirectory().endsWith(QStringLiteral("/postgres")));
    }

    void startConnectReuseStop() {
        EmbeddedPostgres first;
        QVERIFY2(first.start(), qPrintable(first.errorString()));
        m_clusterDirs.append(first.clusterDirectory());
        QVERIFY(first.startedByUs());
        QVERIFY(first.isRunning());

        const ConnectionSettings s = first.settings();
        QVERIFY(s.isUnixSocket());
        QCOMPARE(s.database, QStringLiteral("gmail_sync"));
        QCOMPARE(query(s, QStringLiteral("current_database()")), QStringLiteral("gmail_sync"));
        // No TCP listener at all.
        QCOMPARE(query(s, QStringLiteral("current_setting('listen_addresses')")), QString());
        QCOMPARE(query(s, QStringLiteral("inet_server_addr() IS NULL")), QStringLiteral("true"));

        // Through the product's own connection path, too.
        Database::setDefaultSettings(s);
        QString error;
        QVERIFY2(Database::open(&error), qPrintable(error));
        Database::closeThreadConnection();

        {
            EmbeddedPostgres second;
            QVERIFY2(second.start(), qPrintable(second.errorString()));
            QVERIFY(!second.startedByUs()); // reused the running server
            QCOMPARE(second.settings(), s);
        } // does not stop what it did not start
        QVERIFY(first.isRunning());
        QCOMPARE(query(s, QStringLiteral("1")), QStringLiteral("1"));

        QVERIFY2(first.stop(), qPrintable(first.errorString()));
        QVERIFY(!first.isRunning());
        QVERIFY(query(s, QStringLiteral("1")).startsWith(QStringLiteral("error:")));
    }

    void orphanedRootClustersAreRemoved() {
        if (::geteuid() != 0)
            QSKIP("root only: other users keep the cluster inside their own folder, which goes with it");
        // A run killed with its temporary folder gone: never stopped, never destroyed.
        static EmbeddedPostgres *abandoned = nullptr;
        QString orphanDir;
        {
            QTemporaryDir base;
            abandoned = new EmbeddedPostgres(base.path() + QStringLiteral("/pg"));
            QVERIFY2(abandoned->start(), qPrintable(abandoned->errorString()));
            orphanDir = abandoned->clusterDirectory();
            QVERIFY(orphanDir.startsWith(QStringLiteral("/var/lib/gmail-sync/")));
        }
        const QString postmasterPid = orphanDir + QStringLiteral("/data/postmaster.pid");
        QVERIFY(QFileInfo::exists(postmasterPid)); // its server still runs
        EmbeddedPostgres next(m_home.path() + QStringLiteral("/next"));
        QVERIFY2(next.start(), qPrintable(next.errorString()));
        m_clusterDirs.append(next.clusterDirectory());
        QVERIFY2(!QFileInfo::exists(orphanDir), qPrintable(orphanDir)); // stopped and removed
        QVERIFY(QFileInfo::exists(next.clusterDirectory() + QStringLiteral("/origin")));
        QVERIFY(next.stop());
    }

    void restartsExistingCluster() {
        // The cluster from the previous test is kept; the database too.
        EmbeddedPostgres pg;
        QVERIFY2(pg.start(), qPrintable(pg.errorString()));
        QVERIFY(pg.startedByUs());
        QCOMPARE(
            query(pg.settings(), QStringLiteral("count(*) FROM pg_database WHERE datname = 'gmail_sync'")),
            QStringLiteral("1"));
        QVERIFY(pg.stop());
    }

    void staysUpWhileOthersUseIt() {
        EmbeddedPostgres pg;
        QVERIFY2(pg.start(), qPrintable(pg.errorString()));
        QVERIFY(pg.startedByUs());
        {
            QSqlDatabase other =
                QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("other-program"));
            other.setHostName(pg.settings().host);
            other.setUserName(pg.settings().user);
            other.setDatabaseName(pg.settings().database);
            QVERIFY(other.open());
            QVERIFY(pg.stop());
            QVERIFY(pg.isRunning());
            QVERIFY2(pg.errorString().contains(QStringLiteral("1 other connection")),
                     qPrintable(pg.errorString()));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("other-program"));
        // Now nobody uses it (the other backend exits asynchronously after the disconnect).
        QTRY_VERIFY_WITH_TIMEOUT(pg.stop() && !pg.isRunning(), 10000);
    }

    void missingServerBinaries() {
        EmbeddedPostgres pg(m_home.path() + QStringLiteral("/other"));
        pg.setServerBinDirectory(m_home.path() + QStringLiteral("/no-such-bin"));
        QVERIFY(!pg.start());
        QVERIFY2(pg.errorString().contains(QStringLiteral("install postgresql")),
                 qPrintable(pg.errorString()));
        QVERIFY(!pg.startedByUs());
    }

    void findsServerBinaries() {
        const QString bin = EmbeddedPostgres::findServerBinDirectory();
        QVERIFY2(QFileInfo(bin + QStringLiteral("/pg_ctl")).isExecutable(), qPrintable(bin));
    }
};

QTEST_GUILESS_MAIN(TestEmbeddedPostgres)
#include "TestEmbeddedPostgres.moc"
