// Data-driven tests of gmail::MessageParser on hand-made real-world-style messages in
// tests/data/mail/ (made by make-samples.py there; each imitates one mail client or one defect).
#include "gmail/MessageParser.h"

#include <QFile>
#include <QFutureSynchronizer>
#include <QRandomGenerator>
#include <QTest>
#include <QtConcurrent/QtConcurrentRun>

using gmail::MessageParser;
using gmail::ParseContext;
using gmail::ParsedMessage;

namespace {

QByteArray sample(const QString &name) {
    QFile f(qEnvironmentVariable("GSA_SOURCE_DIR") + QStringLiteral("/tests/data/mail/") + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot open sample %s", qPrintable(f.fileName()));
    return f.readAll();
}

ParseContext defaultContext() {
    ParseContext c;
    c.internalDate = QDateTime(QDate(2023, 11, 14), QTime(8, 0), Qt::UTC);
    return c;
}

QString field(const ParsedMessage &m, const QString &name) {
    const QString nl = QStringLiteral("\n");
    if (name == u"subject")
        return m.subject;
    if (name == u"fromName")
        return m.fromName;
    if (name == u"fromAddress")
        return m.fromAddress;
    if (name == u"to")
        return m.to.join(nl);
    if (name == u"cc")
        return m.cc.join(nl);
    if (name == u"bcc")
        return m.bcc.join(nl);
    if (name == u"replyTo")
        return m.replyTo;
    if (name == u"messageId")
        return m.messageIdHeader;
    if (name == u"inReplyTo")
        return m.inReplyTo;
    if (name == u"references")
        return m.references;
    if (name == u"sentAt")
        return m.sentAt.toString(Qt::ISODate);
    if (name == u"bodyText")
        return m.bodyText;
    if (name == u"bodyHtml")
        return m.bodyHtml;
    if (name == u"priority")
        return gmail::priorityName(m.priority);
    if (name == u"warnings")
        return m.warnings.join(nl);
    if (name == u"attachments") {
        QStringList rows;
        for (const auto &a : m.attachments)
            rows.append(QStringLiteral("%1|%2|%3|%4|%5")
                            .arg(a.filename, a.mimeType, QString::number(a.size), a.attachmentId,
                                 a.inlinePart ? QStringLiteral("inline:") + a.contentId
                                              : QStringLiteral("attachment")));
        return rows.join(nl);
    }
    qFatal("unknown field %s", qPrintable(name));
}

QStringList allSamples() {
    return {QStringLiteral("8bit-headers.eml"),
            QStringLiteral("apple-mail.eml"),
            QStringLiteral("bad-base64.eml"),
            QStringLiteral("big5.eml"),
            QStringLiteral("calendar-invite.eml"),
            QStringLiteral("encoded-words.eml"),
            QStringLiteral("filename-encodings.eml"),
            QStringLiteral("folded-headers.eml"),
            QStringLiteral("garbage-date.eml"),
            QStringLiteral("gb2312.eml"),
            QStringLiteral("header-without-colon.eml"),
            QStringLiteral("html-only-lf.eml"),
            QStringLiteral("iso-2022-jp.eml"),
            QStringLiteral("iso-8859-1.eml"),
            QStringLiteral("iso-8859-15.eml"),
            QStringLiteral("iso-8859-2.eml"),
            QStringLiteral("koi8-r.eml"),
            QStringLiteral("message-rfc822.eml"),
            QStringLiteral("missing-boundary-end.eml"),
            QStringLiteral("no-body.eml"),
            QStringLiteral("no-date.eml"),
            QStringLiteral("nul-bytes.eml"),
            QStringLiteral("outlook-multipart.eml"),
            QStringLiteral("qp-soft-breaks.eml"),
            QStringLiteral("rfc2231-filename.eml"),
            QStringLiteral("shift_jis.eml"),
            QStringLiteral("unknown-charset.eml"),
            QStringLiteral("utf8-bom.eml"),
            QStringLiteral("windows-1251.eml"),
            QStringLiteral("windows-1252.eml")};
}

} // namespace

class TestMessageParser final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parse_data();
    void parse();
    void importantLabelMeansHighPriority();
    void attachmentIdsFromFormatFull();
    void sameResultsOnManyThreads();
    void truncatedAndGarbledInputNeverCrashes();
    void mimeDefaults_data();
    void mimeDefaults();
    void emptyOrOversizedMessageIsRefused();
    void headerBlockOverTheBoundIsRefused();
    void longSubjectIsCutOnACharacterBoundary();
};

void TestMessageParser::parse_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("expected");
    const auto row = [](const char *file, const char *fieldName, const QString &expected) {
        QTest::addRow("%s %s", file, fieldName)
            << QString::fromLatin1(file) << QString::fromLatin1(fieldName) << expected;
    };
    const auto u = [](const char *utf8) { return QString::fromUtf8(utf8); };

    // Charsets: every body and encoded-word subject decoded to exactly the text that was encoded.
    row("iso-8859-1.eml", "subject", u("Grüße"));
    row("iso-8859-1.eml", "bodyText", u("Grüße aus München, café à la crème.\n"));
    row("iso-8859-1.eml", "warnings", {});
    row("iso-8859-2.eml", "subject", u("Zażółć gęślą jaźń"));
    row("iso-8859-2.eml", "bodyText", u("Zażółć gęślą jaźń.\n"));
    row("iso-8859-15.eml", "subject", u("Prix 100 €"));
    row("iso-8859-15.eml", "bodyText", u("Prix : 100 € pour l'œuvre de Ÿves.\n"));
    row("windows-1251.eml", "subject", u("Привет"));
    row("windows-1251.eml", "bodyText", u("Привет, мир! Это письмо в кодировке windows-1251.\n"));
    row("windows-1252.eml", "subject", u("“Quoted” – €5"));
    row("windows-1252.eml", "bodyText", u("“Smart quotes” – only €5 … really.\n"));
    row("koi8-r.eml", "subject", u("Съешь же ещё"));
    row("koi8-r.eml", "bodyText", u("Съешь же ещё этих мягких французских булок, да выпей чаю.\n"));
    row("iso-2022-jp.eml", "subject", u("日本語の件名"));
    row("iso-2022-jp.eml", "bodyText", u("こんにちは世界。日本語のメールです。\n"));
    row("shift_jis.eml", "subject", u("シフトJIS"));
    row("shift_jis.eml", "bodyText",
        u("シフトJISの本文です。①②③\n")); // cp932 extension under a Shift_JIS label
    row("shift_jis.eml", "warnings", {});
    row("gb2312.eml", "subject", u("你好"));
    row("gb2312.eml", "bodyText", u("你好，世界！王喆的邮件。\n")); // 喆 is GBK-only
    row("gb2312.eml", "warnings", {});
    row("big5.eml", "subject", u("繁體中文"));
    row("big5.eml", "bodyText", u("繁體中文測試郵件。\n"));
    row("utf8-bom.eml", "bodyText", u("Hello ✓ with a byte order mark.\n"));
    row("unknown-charset.eml", "bodyText", u("Déjà vu.\n"));
    row("unknown-charset.eml", "warnings", u("unknown charset \"x-no-such-charset\"; read as windows-1252"));

    // Note: RFC 2046 §5.1.1 — the CRLF before a boundary delimiter belongs to the delimiter, so a part
    // inside a multipart ends without it (the .ics text/calendar part is 229 bytes minus that CRLF).

    // Transfer encodings.
    row("qp-soft-breaks.eml", "bodyText",
        u("This line is long enough that a mail client had to break it with soft line breaks, and it also "
          "contains an equals sign = and a café.\nSecond line."));
    row("bad-base64.eml", "bodyText", u("Hello, this decodes fine. "));
    row("bad-base64.eml", "warnings", u("invalid base64 in part ; decoded what could be read"));

    // Headers: encoded words (split multibyte char, inside quotes, without spaces), folding, groups.
    row("encoded-words.eml", "subject", u("Ünïcödé ✓ test"));
    row("encoded-words.eml", "fromName", u("Jürgen Müller"));
    row("encoded-words.eml", "fromAddress", u("juergen@example.de"));
    row("encoded-words.eml", "to", u("Renée Dupont <renee@example.fr>\nplain@example.net"));
    row("encoded-words.eml", "cc", u("\"Doe, John\" <john@example.com>"));
    row("encoded-words.eml", "sentAt", u("2023-03-01T23:59:59-08:00"));
    row("encoded-words.eml", "messageId", u("<ew@example.de>"));
    row("folded-headers.eml", "subject",
        u("This subject is folded  over several lines\tby the sending client"));
    row("folded-headers.eml", "to", u("alice@example.com\nBob Smith <bob@example.com>\ncarol@example.com"));
    row("folded-headers.eml", "replyTo", u("Replies <replies@example.com>"));
    row("folded-headers.eml", "inReplyTo", u("<parent@example.com>"));
    row("folded-headers.eml", "references", u("<root@example.com> <parent@example.com>"));
    row("folded-headers.eml", "sentAt", u("2023-01-02T08:00:00Z"));
    row("folded-headers.eml", "priority", u("low"));
    row("8bit-headers.eml", "fromName", u("José García"));
    row("8bit-headers.eml", "to", u("Zoë <zoe@example.com>"));
    row("8bit-headers.eml", "subject", u("Raw UTF-8 subject: naïve café ✓"));
    row("8bit-headers.eml", "bodyText", u("Body ✓\n"));
    row("8bit-headers.eml", "warnings", {});
    row("8bit-headers-big5.eml", "fromName", u("王小明"));
    row("8bit-headers-big5.eml", "subject", u("會議通知"));
    row("8bit-headers-big5.eml", "bodyText", u("明天開會。\n"));
    row("outlook-multipart.eml", "warnings", {});
    row("apple-mail.eml", "warnings", {});
    row("calendar-invite.eml", "warnings", {});
    row("encoded-words.eml", "warnings", {});

    // Multiparts as real clients build them.
    row("rfc2231-filename.eml", "bodyText", u("See attachment."));
    row("rfc2231-filename.eml", "attachments", u("日本語の報告.pdf|application/pdf|1009|1|attachment"));
    row("filename-encodings.eml", "subject", u("Files café")); // unknown charset read as windows-1252
    row("filename-encodings.eml", "attachments",
        u("Übersicht "
          "2023.xlsx|application/vnd.openxmlformats-officedocument.spreadsheetml.sheet|100|1|attachment\n"
          "Präsentation.pptx|application/octet-stream|50|2|attachment"));
    row("outlook-multipart.eml", "fromName", u("Smith, Anna"));
    row("outlook-multipart.eml", "to", u("\"Jones, Bob\" <bob.jones@contoso.com>"));
    row("outlook-multipart.eml", "bodyText", u("Hi Bob,\n\nPlease find the Q3 report attached.\n\nAnna"));
    row("outlook-multipart.eml", "bodyHtml",
        u("<html><body><p>Hi Bob,</p><img src=\"cid:image001.png@01D9F2A1.5B3C2E10\"></body></html>"));
    row("outlook-multipart.eml", "attachments",
        u("image001.png|image/png|1024|0.1|inline:image001.png@01D9F2A1.5B3C2E10\n"
          "Q3 report.pdf|application/pdf|3000|1|attachment"));
    row("outlook-multipart.eml", "priority", u("high"));
    row("outlook-multipart.eml", "messageId",
        u("<DB9PR01MB1234ABCD@DB9PR01MB1234.eurprd01.prod.exchangelabs.com>"));
    row("apple-mail.eml", "bodyText", u("Here is the first photo:\n\n— and that’s all."));
    row("apple-mail.eml", "attachments", u("IMG_0001.jpeg|image/jpeg|500|1|inline:"));
    row("apple-mail.eml", "sentAt", u("2023-03-12T18:22:41+01:00"));
    row("message-rfc822.eml", "bodyText", u("Forwarding this."));
    row("message-rfc822.eml", "attachments",
        u("Original message.eml|message/rfc822|%1|1|attachment")
            .arg(QString::number(sample(QStringLiteral("message-rfc822.eml")).indexOf("\r\n--fwd--") -
                                 sample(QStringLiteral("message-rfc822.eml")).indexOf("From: Dave"))));
    row("calendar-invite.eml", "bodyText", u("You have been invited to Planning.\n"));
    row("calendar-invite.eml", "bodyHtml", u("<p>You have been invited to <b>Planning</b>.</p>"));
    row("calendar-invite.eml", "attachments",
        u("|text/calendar|227|0.2|inline:\ninvite.ics|application/ics|229|1|attachment"));
    row("html-only-lf.eml", "bodyHtml", u("<html><body>Only <i>HTML</i></body></html>\n"));
    row("html-only-lf.eml", "bodyText", {});
    row("html-only-lf.eml", "priority", u("low"));

    // Defects: what could be read plus a warning, never a crash.
    row("no-date.eml", "sentAt", u("2023-11-14T08:00:00Z"));
    row("no-date.eml", "warnings", u("no Date header; internalDate used"));
    row("garbage-date.eml", "sentAt", u("2023-11-14T08:00:00Z"));
    row("garbage-date.eml", "warnings", u("unreadable Date header; internalDate used"));
    row("header-without-colon.eml", "subject", u("Header without colon"));
    row("header-without-colon.eml", "warnings", u("invalid header line skipped"));
    row("header-without-colon.eml", "messageId", u("<nocolon@example.com>"));
    row("header-without-colon.eml", "bodyText", u("Body after a broken header.\n"));
    row("no-body.eml", "subject", u("No body"));
    row("no-body.eml", "bodyText", {});
    row("no-body.eml", "attachments", {});
    row("missing-boundary-end.eml", "bodyText", u("Plain part."));
    row("missing-boundary-end.eml", "bodyHtml", u("<p>HTML part, cut off"));
    row("missing-boundary-end.eml", "warnings", u("message is truncated (missing closing boundary)"));
    row("nul-bytes.eml", "subject", u("NUL in subject"));
    row("nul-bytes.eml", "bodyText", u("Beforeafter.\n"));
    row("nul-bytes.eml", "warnings", u("NUL bytes removed"));
}

void TestMessageParser::parse() {
    QFETCH(QString, file);
    QFETCH(QString, field);
    QFETCH(QString, expected);
    const ParsedMessage m = MessageParser().parse(sample(file), defaultContext());
    QCOMPARE(::field(m, field), expected);
}

void TestMessageParser::importantLabelMeansHighPriority() {
    ParseContext c = defaultContext();
    const QByteArray raw = sample(QStringLiteral("no-date.eml"));
    QCOMPARE(MessageParser().parse(raw, c).priority, gmail::Priority::Normal);
    c.labelIds = {QStringLiteral("INBOX"), QStringLiteral("IMPORTANT")};
    QCOMPARE(MessageParser().parse(raw, c).priority, gmail::Priority::High);
}

void TestMessageParser::attachmentIdsFromFormatFull() {
    ParseContext c = defaultContext();
    c.attachmentIds.insert(QStringLiteral("1"), QStringLiteral("ANGjdJ8xyz"));
    const ParsedMessage m = MessageParser().parse(sample(QStringLiteral("outlook-multipart.eml")), c);
    QCOMPARE(m.attachments.size(), 2);
    QCOMPARE(m.attachments.at(0).attachmentId, QStringLiteral("0.1")); // unknown to Gmail: the partId
    QCOMPARE(m.attachments.at(1).attachmentId, QStringLiteral("ANGjdJ8xyz"));
}

void TestMessageParser::sameResultsOnManyThreads() {
    const MessageParser parser;
    const QStringList files = allSamples();
    QStringList expected;
    for (const QString &f : files) {
        const ParsedMessage m = parser.parse(sample(f), defaultContext());
        expected.append(m.bodyText + m.subject);
    }
    QList<QByteArray> raws;
    for (const QString &f : files)
        raws.append(sample(f));

    QFutureSynchronizer<bool> sync;
    for (int t = 0; t < 4; ++t) {
        sync.addFuture(QtConcurrent::run([&parser, &raws, &expected] {
            for (int round = 0; round < 25; ++round) {
                for (qsizetype i = 0; i < raws.size(); ++i) {
                    const ParsedMessage m = parser.parse(raws.at(i), defaultContext());
                    if (m.bodyText + m.subject != expected.at(i))
                        return false;
                }
            }
            return true;
        }));
    }
    sync.waitForFinished();
    for (const auto &f : sync.futures())
        QVERIFY(f.result());
}

void TestMessageParser::truncatedAndGarbledInputNeverCrashes() {
    const MessageParser parser;
    QRandomGenerator rng(20231114); // fixed seed: reproducible
    int parsed = 0;
    for (const QString &f : allSamples()) {
        const QByteArray raw = sample(f);
        for (int cut = 0; cut < raw.size(); cut += qMax<qsizetype>(1, raw.size() / 37)) {
            const ParsedMessage m = parser.parse(raw.left(cut), defaultContext());
            QVERIFY(!m.subject.contains(QChar(0)));
            ++parsed;
        }
        for (int round = 0; round < 20; ++round) {
            QByteArray garbled = raw;
            for (int k = 0; k < 8; ++k)
                garbled[rng.bounded(garbled.size())] = static_cast<char>(rng.bounded(256));
            const ParsedMessage m = parser.parse(garbled, defaultContext());
            QVERIFY(!m.bodyText.contains(QChar(0)) && !m.bodyHtml.contains(QChar(0)));
            ++parsed;
        }
    }
    QVERIFY(parsed > 1000);
    // Not a message at all.
    const ParsedMessage empty = parser.parse(QByteArray(), defaultContext());
    QCOMPARE(empty.sentAt, defaultContext().internalDate);
}

// One message per row, written out as it travels (RFC 5322 with CRLF line ends): what becomes body
// text and what an attachment, per the MIME defaults of RFC 2045 §5.2 and RFC 2183 as Gmail reads them.
void TestMessageParser::mimeDefaults_data() {
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<QString>("bodyText");
    QTest::addColumn<QString>("bodyHtml");
    QTest::addColumn<QString>("attachments");
    QTest::addColumn<QString>("warnings");
    const QString invalidType = QStringLiteral("invalid Content-Type; read as text/plain");
    const QByteArray head = "From: a@example.com\r\nTo: b@example.com\r\nSubject: t\r\n"
                            "Date: Tue, 14 Nov 2023 08:00:00 +0000\r\nMIME-Version: 1.0\r\n";

    // RFC 2183 §2.3: a filename is only a suggested name for storing; without an "attachment"
    // disposition a named text/plain part is message text (Gmail shows it, its snippet has the words).
    QTest::newRow("RFC 2183 §2.3 named text/plain, no disposition")
        << head + "Content-Type: text/plain; charset=utf-8; name=\"notes.txt\"\r\n\r\nMeeting notes\r\n"
        << QStringLiteral("Meeting notes\n") << QString() << QString() << QString();
    QTest::newRow("RFC 2183 §2.3 named text/html, no disposition")
        << head + "Content-Type: text/html; name=\"page.html\"\r\n\r\n<p>Hi</p>\r\n"
        << QString() << QStringLiteral("<p>Hi</p>\n") << QString() << QString();
    QTest::newRow("RFC 2183 §2.1 inline text/plain with filename in multipart/mixed")
        << head + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
                  "--b\r\nContent-Type: text/plain\r\n\r\nHello\r\n"
                  "--b\r\nContent-Type: text/plain; name=\"log.txt\"\r\n"
                  "Content-Disposition: inline; filename=\"log.txt\"\r\n\r\nline 1\r\nline 2\r\n"
                  "--b--\r\n"
        << QStringLiteral("Hello\n\nline 1\nline 2") << QString() << QString() << QString();
    // RFC 2183 §2: the disposition type is case-insensitive.
    QTest::newRow("RFC 2183 §2 INLINE in capitals")
        << head +
               "Content-Type: text/plain; name=x.txt\r\nContent-Disposition: INLINE; filename=x.txt\r\n\r\n"
               "shown\r\n"
        << QStringLiteral("shown\n") << QString() << QString() << QString();
    // RFC 2183 §2.2: "attachment" keeps a text part out of the body, with its metadata.
    QTest::newRow("RFC 2183 §2.2 text/plain attachment")
        << head + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
                  "--b\r\nContent-Type: text/plain\r\n\r\nSee the log.\r\n"
                  "--b\r\nContent-Type: text/plain; name=\"log.txt\"\r\n"
                  "Content-Disposition: attachment; filename=\"log.txt\"\r\n\r\n12345\r\n"
                  "--b--\r\n"
        << QStringLiteral("See the log.") << QString() << QStringLiteral("log.txt|text/plain|5|1|attachment")
        << QString();
    // RFC 2183 §2.8: an unrecognised disposition type is treated as "attachment".
    QTest::newRow("RFC 2183 §2.8 unknown disposition")
        << head + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
                  "--b\r\nContent-Type: text/plain\r\n\r\nBody.\r\n"
                  "--b\r\nContent-Type: text/plain\r\nContent-Disposition: x-stash\r\n\r\nkept aside\r\n"
                  "--b--\r\n"
        << QStringLiteral("Body.") << QString() << QStringLiteral("|text/plain|10|1|attachment") << QString();

    // RFC 2045 §5.2: no Content-Type at all is text/plain; charset=us-ascii (the message, or a body
    // part, RFC 2046 §5.1); so is a syntactically invalid one, "text" without a subtype above all.
    QTest::newRow("RFC 2045 §5.2 no MIME headers at all")
        << QByteArray("From: a@example.com\r\nSubject: t\r\nDate: Tue, 14 Nov 2023 08:00:00 +0000\r\n\r\n"
                      "Plain old mail.\r\n")
        << QStringLiteral("Plain old mail.\n") << QString() << QString() << QString();
    QTest::newRow("RFC 2045 §5.2 Content-Type: text")
        << head + "Content-Type: text\r\n\r\nNo subtype.\r\n"
        << QStringLiteral("No subtype.\n") << QString() << QString() << invalidType;
    QTest::newRow("RFC 2045 §5.2 Content-Type: garbage")
        << head + "Content-Type: garbage\r\n\r\nStill text.\r\n"
        << QStringLiteral("Still text.\n") << QString() << QString() << invalidType;
    QTest::newRow("RFC 2045 §5.2 Content-Type: /plain (empty type)")
        << head + "Content-Type: /plain\r\n\r\nEmpty type.\r\n"
        << QStringLiteral("Empty type.\n") << QString() << QString() << invalidType;
    // us-ascii that carries 8-bit bytes reads as UTF-8 when valid (CharsetDecoder's rule).
    QTest::newRow("RFC 2045 §5.2 Content-Type: text with UTF-8 bytes")
        << head + "Content-Type: text\r\n\r\nCaf\xc3\xa9\r\n"
        << QStringLiteral("Caf\u00e9\n") << QString() << QString() << invalidType;
    // A charset parameter still readable in the broken value is kept.
    QTest::newRow("RFC 2045 §5.2 Content-Type: text; charset=iso-8859-1")
        << head + "Content-Type: text; charset=iso-8859-1\r\n\r\nCaf\xe9\r\n"
        << QStringLiteral("Caf\u00e9\n") << QString() << QString() << invalidType;
    QTest::newRow("RFC 2046 §5.1 part without Content-Type, part with broken one")
        << head + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
                  "--b\r\n\r\nFirst.\r\n"
                  "--b\r\nContent-Type: text\r\n\r\nSecond.\r\n"
                  "--b--\r\n"
        << QStringLiteral("First.\n\nSecond.") << QString() << QString() << invalidType;

    // Several inline text parts of a multipart/mixed are shown one after the other: joined in order,
    // a blank line between (only what is missing is added: RFC 2046 §5.1.1 gives a part's last CRLF
    // to the boundary, so "Two" followed by an empty line ends in one line break).
    QTest::newRow("multipart/mixed inline text/plain parts joined")
        << head + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
                  "--b\r\nContent-Type: text/plain\r\n\r\nOne\r\n"
                  "--b\r\nContent-Type: text/plain\r\n\r\nTwo\r\n\r\n"
                  "--b\r\nContent-Type: text/plain\r\n\r\nThree\r\n"
                  "--b--\r\n"
        << QStringLiteral("One\n\nTwo\n\nThree") << QString() << QString() << QString();
    QTest::newRow("multipart/mixed inline text/html parts joined")
        << head + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
                  "--b\r\nContent-Type: text/html\r\n\r\n<p>One</p>\r\n"
                  "--b\r\nContent-Type: image/png\r\nContent-ID: <img1@x>\r\nContent-Transfer-Encoding: "
                  "base64\r\n"
                  "\r\niVBORw0KGgo=\r\n"
                  "--b\r\nContent-Type: text/html\r\n\r\n<p>Two</p>\r\n"
                  "--b--\r\n"
        << QString() << QStringLiteral("<p>One</p>\n\n<p>Two</p>")
        << QStringLiteral("|image/png|8|1|inline:img1@x") << QString();

    // RFC 2046 §5.1.4: multipart/alternative still gives one text and one HTML body; attachments keep
    // their file name, type, decoded size, part id and Content-ID; a named inline text part after the
    // alternative (a mailing-list footer) is body text after the plain alternative.
    QTest::newRow("RFC 2046 §5.1.4 alternative, attachments and a named inline footer")
        << head + "Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n"
                  "--outer\r\nContent-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n"
                  "--alt\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nPlain version\r\n"
                  "--alt\r\nContent-Type: text/html; charset=us-ascii\r\n\r\n<b>HTML version</b>\r\n"
                  "--alt--\r\n"
                  "--outer\r\nContent-Type: image/png; name=\"photo.png\"\r\n"
                  "Content-Disposition: inline; filename=\"photo.png\"\r\nContent-ID: <photo@x>\r\n"
                  "Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n"
                  "--outer\r\nContent-Type: application/pdf; name=\"a.pdf\"\r\n"
                  "Content-Disposition: attachment; filename=\"a.pdf\"\r\n"
                  "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n"
                  "--outer\r\nContent-Type: text/plain; name=\"footer.txt\"\r\n\r\n-- \r\nList footer\r\n"
                  "--outer--\r\n"
        << QStringLiteral("Plain version\n\n-- \nList footer") << QStringLiteral("<b>HTML version</b>")
        << QStringLiteral("photo.png|image/png|8|1|inline:photo@x\na.pdf|application/pdf|9|2|attachment")
        << QString();
    // Other text types and non-text leaves stay attachments even without a disposition.
    QTest::newRow("text/calendar and image without disposition stay attachments")
        << head + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
                  "--b\r\nContent-Type: text/plain\r\n\r\nInvite.\r\n"
                  "--b\r\nContent-Type: text/calendar; method=REQUEST\r\n\r\nBEGIN:VCALENDAR\r\n"
                  "--b\r\nContent-Type: image/gif\r\n\r\nGIF89a\r\n"
                  "--b--\r\n"
        << QStringLiteral("Invite.") << QString()
        << QStringLiteral("|text/calendar|15|1|inline:\n|image/gif|6|2|inline:") << QString();
}

void TestMessageParser::mimeDefaults() {
    QFETCH(QByteArray, raw);
    QFETCH(QString, bodyText);
    QFETCH(QString, bodyHtml);
    QFETCH(QString, attachments);
    QFETCH(QString, warnings);
    const ParsedMessage m = MessageParser().parse(raw, defaultContext());
    QCOMPARE(m.bodyText, bodyText);
    QCOMPARE(m.bodyHtml, bodyHtml);
    QCOMPARE(field(m, QStringLiteral("attachments")), attachments);
    QCOMPARE(field(m, QStringLiteral("warnings")), warnings);
    QVERIFY(m.fatalError.isEmpty());
}

void TestMessageParser::emptyOrOversizedMessageIsRefused() {
    ParseContext c = defaultContext();
    c.labelIds = {QStringLiteral("IMPORTANT")};
    const ParsedMessage empty = MessageParser().parse(QByteArray(), c);
    QCOMPARE(empty.fatalError, QStringLiteral("message is empty (0 bytes): nothing to store"));
    QVERIFY(empty.warnings.contains(empty.fatalError));
    QCOMPARE(empty.sentAt, c.internalDate);
    QCOMPARE(empty.priority, gmail::Priority::High);

    // One byte over the bound: refused before anything is copied or parsed.
    QByteArray huge = "Subject: big\r\n\r\n";
    huge.resize(MessageParser::MaxMessageBytes + 1, 'a');
    const ParsedMessage big = MessageParser().parse(huge, c);
    QCOMPARE(big.fatalError, QStringLiteral("message is 160 MiB, over the parser's limit of 160 MiB"));
    QVERIFY(big.subject.isEmpty());
    QVERIFY(big.bodyText.isEmpty());
    QCOMPARE(big.sentAt, c.internalDate);
}

void TestMessageParser::headerBlockOverTheBoundIsRefused() {
    const QByteArray line = "X-Filler: " + QByteArray(90, 'x') + "\r\n"; // 102 bytes
    const auto message = [&line](qsizetype headerBytes) -> QByteArray {
        QByteArray raw = "Subject: many headers\r\n";
        while (raw.size() + line.size() <= headerBytes)
            raw += line;
        return raw + "\r\nBody.\r\n";
    };
    // Just under the bound: read as usual.
    const ParsedMessage under =
        MessageParser().parse(message(MessageParser::MaxHeaderBlockBytes - 200), defaultContext());
    QVERIFY(under.fatalError.isEmpty());
    QCOMPARE(under.subject, QStringLiteral("many headers"));
    QCOMPARE(under.bodyText, QStringLiteral("Body.\n"));
    // Over it: refused with a clear reason.
    const ParsedMessage over =
        MessageParser().parse(message(MessageParser::MaxHeaderBlockBytes + 200), defaultContext());
    QCOMPARE(over.fatalError, QStringLiteral("message header block is over the parser's limit of 256 KiB"));
    QVERIFY(over.subject.isEmpty());
    // No end of headers at all in a large message: the same.
    const ParsedMessage endless =
        MessageParser().parse("Subject: x\r\n" + line.repeated(3000), defaultContext());
    QCOMPARE(endless.fatalError, over.fatalError);
    // An empty header block followed by a large body is fine (RFC 5322 §2.1: the header may be empty).
    const ParsedMessage bodyOnly =
        MessageParser().parse("\r\n" + QByteArray("word ").repeated(60000), defaultContext());
    QVERIFY(bodyOnly.fatalError.isEmpty());
    QCOMPARE(bodyOnly.bodyText.size(), 300000);
}

void TestMessageParser::longSubjectIsCutOnACharacterBoundary() {
    // 1 + 2 × 10000 bytes of UTF-8: byte MaxSubjectBytes (16384, even) is the middle of an "é", so the
    // cut backs off to 16383 bytes = "x" + 8191 × "é".
    const QByteArray raw = "Subject: x" + QByteArray("\xc3\xa9").repeated(10000) + "\r\n\r\nBody\r\n";
    const ParsedMessage m = MessageParser().parse(raw, defaultContext());
    QVERIFY(m.fatalError.isEmpty());
    QCOMPARE(m.subject, QStringLiteral("x") + QString(8191, QChar(0xE9)));
    QVERIFY(m.warnings.contains(QStringLiteral("subject longer than 16384 bytes; cut")));
    QCOMPARE(m.bodyText, QStringLiteral("Body\n"));
}

QTEST_GUILESS_MAIN(TestMessageParser)
#include "TestMessageParser.moc"
