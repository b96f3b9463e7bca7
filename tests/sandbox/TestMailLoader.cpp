#include "MailLoader.h"
#include "MessageFormatter.h"

#include <QDateTime>
#include <QDir>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace sandbox;

class TestMailLoader : public QObject {
    Q_OBJECT

private:
    static QString dataDir() {
        return qEnvironmentVariable("GSA_SOURCE_DIR") + QStringLiteral("/tests/data/mail/loader");
    }

private Q_SLOTS:
    void loadsMboxAndEmlFromADirectory() {
        Mailbox box(QStringLiteral("me@example.com"));
        QString error;
        QVERIFY2(MailLoader::load(box, dataDir(), &error), qPrintable(error));
        QCOMPARE(box.messagesTotal(), 3); // README is skipped

        const QList<StoredMessage> all = box.messages(); // newest first
        QCOMPARE(all.size(), 3);
        const StoredMessage &eml = all[0];
        const StoredMessage &reply = all[1];
        const StoredMessage &first = all[2];

        // internalDate comes from the Date header (offsets, obsolete zones like EST, comments).
        QCOMPARE(first.internalDateMs,
                 QDateTime(QDate(2004, 1, 3), QTime(0, 5, 34), Qt::UTC).toMSecsSinceEpoch());
        QCOMPARE(reply.internalDateMs,
                 QDateTime(QDate(2004, 1, 4), QTime(10, 0), Qt::UTC).toMSecsSinceEpoch());
        QCOMPARE(eml.internalDateMs,
                 QDateTime(QDate(2004, 1, 5), QTime(13, 30), Qt::UTC).toMSecsSinceEpoch());

        for (const StoredMessage &m : all) {
            QCOMPARE(m.labelIds, (QStringList{QStringLiteral("INBOX"), QStringLiteral("UNREAD")}));
            QCOMPARE(m.raw.count('\n'), m.raw.count("\r\n")); // stored with CRLF
            QVERIFY(!m.raw.startsWith("From "));              // the From_ line is not part of the message
        }
        QVERIFY(first.raw.startsWith("From: Alice <alice@example.com>\r\n"));
        // mboxrd: one '>' is removed from ">From " lines, other quotes stay.
        QVERIFY(first.raw.contains("\r\nFrom the start, this line was quoted once.\r\n"));
        QVERIFY(first.raw.contains("\r\n>From here it was quoted twice.\r\n"));
        QVERIFY(first.raw.contains("\r\n> From this one is a reply quote"));
        // The separator line between messages is not part of the first one.
        QVERIFY(first.raw.endsWith("not From_ quoting.\r\n"));
        QCOMPARE(reply.threadId, first.id); // threaded by In-Reply-To
        QVERIFY(eml.raw.endsWith("with LF line endings.\r\n"));
    }

    void loadsASingleFile() {
        Mailbox box(QStringLiteral("me@example.com"));
        QString error;
        QVERIFY(MailLoader::load(box, dataDir() + QStringLiteral("/sample.mbox"), &error));
        QCOMPARE(box.messagesTotal(), 2);
    }

    void loadsTheSharedSampleMessages() {
        // The parser's sample set (tests/data/mail/*.eml): odd charsets, broken MIME, NUL bytes.
        const QString dir = qEnvironmentVariable("GSA_SOURCE_DIR") + QStringLiteral("/tests/data/mail");
        const qsizetype emlFiles = QDir(dir).entryList({QStringLiteral("*.eml")}, QDir::Files).size();
        QVERIFY(emlFiles > 0);
        Mailbox box(QStringLiteral("me@example.com"));
        QString error;
        QVERIFY2(MailLoader::load(box, dir, &error), qPrintable(error));
        QCOMPARE(box.messagesTotal(), int(emlFiles));
        for (const StoredMessage &m : box.messages()) {
            const QJsonObject json = MessageFormatter::toJson(m, MessageFormat::Full);
            QVERIFY(json[u"payload"][u"mimeType"].toString().contains(u'/'));
            QCOMPARE(json[u"sizeEstimate"].toInt(), m.raw.size());
        }
    }

    void reportsAMissingPath() {
        Mailbox box(QStringLiteral("me@example.com"));
        QString error;
        QVERIFY(!MailLoader::load(box, QStringLiteral("/nonexistent/mail"), &error));
        QVERIFY(error.contains(QStringLiteral("/nonexistent/mail")));
        QCOMPARE(box.messagesTotal(), 0);
    }

    void missingDateFallsBackToNow() {
        QTemporaryDir dir;
        QFile f(dir.filePath(QStringLiteral("nodate.eml")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("From: x@example.com\r\nSubject: no date\r\n\r\nbody\r\n");
        f.close();
        Mailbox box(QStringLiteral("me@example.com"));
        QString error;
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        QVERIFY(MailLoader::load(box, dir.path(), &error));
        QCOMPARE(box.messagesTotal(), 1);
        QVERIFY(box.messages().first().internalDateMs >= before);
    }
};

QTEST_GUILESS_MAIN(TestMailLoader)
#include "TestMailLoader.moc"
