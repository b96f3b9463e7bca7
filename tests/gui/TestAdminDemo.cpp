#include "TestDatabase.h"
#include "db/Database.h"
#include "db/EmailRepository.h"
#include "db/JobRepository.h"

#include <QProcess>
#include <QtTest>

#include <memory>

// `gmail-sync-admin --demo` as a user starts it (offscreen, into a real PostgreSQL given by --database): the
// sandbox and the demo tenant come up off the GUI thread, the in-process engine runs the initial sync into
// the database, and SIGTERM ends everything cleanly (exit code 0).
class TestAdminDemo final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void syncsTheDemoMailboxAndStopsCleanly() {
        testsupport::TestDatabase testDb;
        QVERIFY2(testDb.isValid(), qPrintable(testDb.errorString()));
        QString error;
        const auto settings = db::ConnectionSettings::fromUrl(testDb.url(), &error);
        QVERIFY2(settings, qPrintable(error));
        db::Database::setDefaultSettings(*settings);
        QVERIFY2(db::Database::open(&error), qPrintable(error));

        QProcess app;
        app.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("GMAIL_SYNC_MASTER_KEY"),
                   QStringLiteral("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="));
        app.setProcessEnvironment(env);
        app.start(qEnvironmentVariable("GSA_BIN_DIR") + QStringLiteral("/gmail-sync-admin"),
                  {QStringLiteral("--demo"), QStringLiteral("--database"), testDb.url()});
        QVERIFY2(app.waitForStarted(), qPrintable(app.errorString()));

        // The first job of a fresh database is the demo's initial sync.
        auto status = [] {
            db::JobRepository jobs(db::Database::connection());
            const auto job = jobs.find(1);
            return job ? job->status : QString();
        };
        QTRY_COMPARE_WITH_TIMEOUT(status(), QStringLiteral("succeeded"), 180000);
        db::EmailRepository emails(db::Database::connection());
        QVERIFY(emails.count(QStringLiteral("demo")).value_or(0) > 100);

        app.terminate(); // SIGTERM: the app stops the engine and the sandbox, then exits
        QVERIFY(app.waitForFinished(30000));
        QCOMPARE(app.exitStatus(), QProcess::NormalExit);
        QCOMPARE(app.exitCode(), 0);
        db::Database::closeThreadConnection();
    }
};

QTEST_MAIN(TestAdminDemo)
#include "TestAdminDemo.moc"
