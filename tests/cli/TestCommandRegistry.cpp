#include "Command.h"
#include "Runner.h"

#include <QRegularExpression>
#include <QSet>
#include <QtTest>

// The command registry and dispatcher in-process (every command linked into cli_lib registers itself).
class TestCommandRegistry final : public QObject {
    Q_OBJECT

private:
    struct Result {
        int exitCode = -1;
        QString out;
        QString err;
    };

    static Result run(const QStringList &args) {
        Result r;
        QTextStream out(&r.out);
        QTextStream err(&r.err);
        r.exitCode = cli::Runner::run(QStringList{QStringLiteral("gmail-sync")} + args, out, err);
        out.flush();
        err.flush();
        return r;
    }

private Q_SLOTS:
    void namesAreUniqueAndWellFormed() {
        const auto commands = cli::CommandRegistry::createAll();
        QVERIFY(commands.size() >= 3);
        QSet<QString> names;
        static const QRegularExpression wellFormed(QStringLiteral("^[a-z][a-z-]*( [a-z][a-z-]*)*$"));
        for (const auto &c : commands) {
            QVERIFY2(wellFormed.match(c->name()).hasMatch(), qPrintable(c->name()));
            QVERIFY2(!names.contains(c->name()),
                     qPrintable(QStringLiteral("registered twice: ") + c->name()));
            names.insert(c->name());
            QVERIFY2(!c->summary().isEmpty(), qPrintable(c->name()));
            QVERIFY(c->usage().startsWith(QStringLiteral("usage: gmail-sync [global options] ") + c->name()));
        }
        for (const char *required : {"migrate", "tenant add", "tenant list"})
            QVERIFY2(names.contains(QLatin1String(required)), required);
    }

    void helpListsEveryCommand() {
        const Result r = run({QStringLiteral("help")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.err.isEmpty());
        for (const auto &c : cli::CommandRegistry::createAll())
            QVERIFY2(r.out.contains(QStringLiteral("  ") + c->name() + QLatin1Char(' ')),
                     qPrintable(c->name()));
    }

    void longestNameWins() {
        // "tenant list --help" must reach `tenant list`, not a shorter match.
        const Result r = run({QStringLiteral("tenant"), QStringLiteral("list"), QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.startsWith(QStringLiteral("usage: gmail-sync [global options] tenant list")),
                 qPrintable(r.out));
        QVERIFY(r.out.contains(QStringLiteral("--json")));
    }

    void versionPrints() {
        const Result r = run({QStringLiteral("--version")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.startsWith(QStringLiteral("gmail-sync ")), qPrintable(r.out));
    }

    void usageErrorIsExitTwo() {
        const Result r = run({QStringLiteral("no-such-command")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.out.isEmpty());
        QVERIFY(r.err.startsWith(QStringLiteral("gmail-sync: unknown command \"no-such-command\"\n")));
    }
};

QTEST_GUILESS_MAIN(TestCommandRegistry)
#include "TestCommandRegistry.moc"
