#include "MessageFormatter.h"

#include <QJsonArray>
#include <QSet>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace sandbox;

namespace {

QByteArray fromB64Url(const QJsonValue &v) {
    return QByteArray::fromBase64(v.toString().toLatin1(), QByteArray::Base64UrlEncoding);
}

StoredMessage stored(const QByteArray &raw) {
    StoredMessage m;
    m.id = QStringLiteral("18bcfe5680000001");
    m.threadId = QStringLiteral("18bcfe5680000000");
    m.raw = raw;
    m.labelIds = {QStringLiteral("INBOX"), QStringLiteral("UNREAD")};
    m.internalDateMs = 1700000000000;
    m.historyId = 4242;
    return m;
}

// A quoted-printable ISO-8859-1 text with a folded, encoded-word subject (RFC 2047 §8 example style).
const QByteArray latin1Mail = "From: =?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>\r\n"
                              "To: bob@example.com\r\n"
                              "Subject: =?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=\r\n"
                              " =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?=\r\n"
                              "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
                              "Message-ID: <latin1@example.com>\r\n"
                              "MIME-Version: 1.0\r\n"
                              "Content-Type: text/plain; charset=ISO-8859-1\r\n"
                              "Content-Transfer-Encoding: quoted-printable\r\n"
                              "\r\n"
                              "Caf=E9 <b>&</b> \"cr=E8me\", it's\r\n"
                              "here.=\r\n"
                              "\r\n";

// multipart/mixed holding multipart/alternative (text + HTML with a script) and a base64 PDF whose
// name uses RFC 2231 parameter encoding.
const QByteArray nestedMail = "From: Alice <alice@example.com>\r\n"
                              "To: Bob <bob@example.com>\r\n"
                              "Subject: Report\r\n"
                              "MIME-Version: 1.0\r\n"
                              "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
                              "\r\n"
                              "preamble\r\n"
                              "--outer\r\n"
                              "Content-Type: multipart/alternative; boundary=\"inner\"\r\n"
                              "\r\n"
                              "--inner\r\n"
                              "Content-Type: text/plain; charset=utf-8\r\n"
                              "Content-Transfer-Encoding: base64\r\n"
                              "\r\n"
                              "SMOpbGxvIHfDtnJsZAo=\r\n"
                              "--inner\r\n"
                              "Content-Type: text/html; charset=utf-8\r\n"
                              "\r\n"
                              "<html><script>alert(1)</script><p>H\xc3\xa9llo</p></html>\r\n"
                              "--inner--\r\n"
                              "--outer\r\n"
                              "Content-Type: application/pdf\r\n"
                              "Content-Disposition: attachment; filename*=utf-8''r%C3%A9sum%C3%A9.pdf\r\n"
                              "Content-Transfer-Encoding: base64\r\n"
                              "\r\n"
                              "JVBERi0xLjQKJcOkw7zDtsOfCg==\r\n"
                              "--outer--\r\n";

const QByteArray htmlOnlyMail =
    "From: news@example.com\r\n"
    "Subject: News\r\n"
    "Content-Type: text/html; charset=windows-1252\r\n"
    "\r\n"
    "<html><head><style>p{}</style></head><body><script>var x = 1;</script>"
    "<p>Don&#39;t miss &amp; \x93save\x94</p><img src=\"http://t.example/p.gif\"></body></html>\r\n";

} // namespace

class TestMessageFormatter : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void minimalHasExactlyGmailsFields() {
        const QJsonObject json = MessageFormatter::toJson(stored(latin1Mail), MessageFormat::Minimal);
        const QStringList keys = json.keys();
        QCOMPARE(QSet<QString>(keys.begin(), keys.end()),
                 (QSet<QString>{QStringLiteral("id"), QStringLiteral("threadId"), QStringLiteral("labelIds"),
                                QStringLiteral("snippet"), QStringLiteral("historyId"),
                                QStringLiteral("internalDate"), QStringLiteral("sizeEstimate")}));
        QCOMPARE(json[u"id"].toString(), QStringLiteral("18bcfe5680000001"));
        QVERIFY(json[u"historyId"].isString());
        QCOMPARE(json[u"historyId"].toString(), QStringLiteral("4242"));
        QVERIFY(json[u"internalDate"].isString());
        QCOMPARE(json[u"internalDate"].toString(), QStringLiteral("1700000000000"));
        QVERIFY(json[u"sizeEstimate"].isDouble());
        QCOMPARE(json[u"sizeEstimate"].toInt(), latin1Mail.size());
        QCOMPARE(json[u"labelIds"].toArray(),
                 QJsonArray({QStringLiteral("INBOX"), QStringLiteral("UNREAD")}));
    }

    void emptyLabelsAreOmitted() {
        StoredMessage m = stored(latin1Mail);
        m.labelIds.clear();
        QVERIFY(!MessageFormatter::toJson(m, MessageFormat::Minimal).contains(u"labelIds"));
    }

    void snippetDecodesCharsetAndEscapesLikeGmail() {
        // QP soft line break joins "here."; the charset is converted; quotes and & are escaped.
        QCOMPARE(MessageFormatter::snippet(stored(latin1Mail)),
                 QStringLiteral("Café &lt;b&gt;&amp;&lt;/b&gt; &quot;crème&quot;, it&#39;s here."));
        // HTML only: script/style dropped, entities decoded then re-escaped, cp1252 quotes converted.
        QCOMPARE(MessageFormatter::snippet(stored(htmlOnlyMail)),
                 QStringLiteral("Don&#39;t miss &amp; \u201csave\u201d"));
        // text/plain wins over text/html in an alternative.
        QCOMPARE(MessageFormatter::snippet(stored(nestedMail)), QStringLiteral("Héllo wörld"));
    }

    // Gmail's snippet has the words of every inline text part, as MessageParser's bodies do: a file name
    // without an "attachment" disposition does not make a text part an attachment (RFC 2183 §2.3), a
    // broken Content-Type reads as text/plain (RFC 2045 §5.2), and several inline parts follow one
    // another.
    void snippetHasTheTextOfInlineTextParts_data() {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<QString>("snippet");
        const QByteArray head = "From: a@example.com\r\nSubject: t\r\nMIME-Version: 1.0\r\n";
        QTest::newRow("RFC 2183 §2.3 named text/plain, no disposition")
            << head + "Content-Type: text/plain; name=\"notes.txt\"\r\n\r\nMeeting notes\r\n"
            << QStringLiteral("Meeting notes");
        QTest::newRow("RFC 2183 §2.1 inline with filename")
            << head +
                   "Content-Type: text/plain\r\nContent-Disposition: inline; filename=\"a.txt\"\r\n\r\nHi\r\n"
            << QStringLiteral("Hi");
        QTest::newRow("RFC 2045 §5.2 Content-Type: text") << head + "Content-Type: text\r\n\r\nNo subtype\r\n"
                                                          << QStringLiteral("No subtype");
        QTest::newRow("RFC 2045 §5.2 Content-Type: text; charset=iso-8859-1")
            << head + "Content-Type: text; charset=iso-8859-1\r\n\r\nCaf\xe9\r\n"
            << QStringLiteral("Caf\u00e9");
        QTest::newRow("multipart/mixed inline parts in order, attachment left out")
            << head + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
                      "--b\r\nContent-Type: text/plain\r\n\r\nOne\r\n"
                      "--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment\r\n\r\nhidden\r\n"
                      "--b\r\nContent-Type: text/plain; name=\"two.txt\"\r\n\r\nTwo\r\n"
                      "--b--\r\n"
            << QStringLiteral("One Two");
    }

    void snippetHasTheTextOfInlineTextParts() {
        QFETCH(QByteArray, raw);
        QFETCH(QString, snippet);
        QCOMPARE(MessageFormatter::snippet(stored(raw)), snippet);
    }

    void snippetIsCutNear200Characters() {
        const QByteArray body = QByteArray("word ").repeated(100);
        const QString s = MessageFormatter::snippet(stored("Subject: x\r\n\r\n" + body));
        QVERIFY(s.size() <= 200);
        QVERIFY(s.size() >= 195);
        QVERIFY(s.startsWith(u"word word"));
    }

    void rawIsPaddedBase64UrlOfTheWholeMessage() {
        const QJsonObject json = MessageFormatter::toJson(stored(nestedMail), MessageFormat::Raw);
        const QString raw = json[u"raw"].toString();
        QVERIFY(!raw.contains(u'+'));
        QVERIFY(!raw.contains(u'/'));
        QCOMPARE(raw.size() % 4, 0); // padded
        QCOMPARE(fromB64Url(raw), nestedMail);
        QVERIFY(!json.contains(u"payload"));
    }

    void metadataFiltersHeadersCaseInsensitively() {
        const QJsonObject json = MessageFormatter::toJson(
            stored(latin1Mail), MessageFormat::Metadata, {QStringLiteral("subject"), QStringLiteral("FROM")});
        const QJsonObject payload = json[u"payload"].toObject();
        QVERIFY(!payload.contains(u"parts"));
        QVERIFY(!payload.contains(u"body"));
        const QJsonArray headers = payload[u"headers"].toArray();
        QCOMPARE(headers.size(), 2);
        QCOMPARE(headers[0][u"name"].toString(), QStringLiteral("From"));
        QCOMPARE(headers[0][u"value"].toString(),
                 QStringLiteral("=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>"));
        QCOMPARE(headers[1][u"name"].toString(), QStringLiteral("Subject"));
        // Unfolded (the CRLF removed), encoded-words kept raw.
        QCOMPARE(headers[1][u"value"].toString(),
                 QStringLiteral("=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?= "
                                "=?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?="));

        const QJsonObject all = MessageFormatter::toJson(stored(latin1Mail), MessageFormat::Metadata);
        QCOMPARE(all[u"payload"][u"headers"].toArray().size(), 8);
    }

    void fullSinglePartBodyIsDecodedBytesInItsCharset() {
        const QJsonObject payload =
            MessageFormatter::toJson(stored(latin1Mail), MessageFormat::Full)[u"payload"].toObject();
        QCOMPARE(payload[u"partId"].toString(), QString());
        QCOMPARE(payload[u"mimeType"].toString(), QStringLiteral("text/plain"));
        QCOMPARE(payload[u"filename"].toString(), QString());
        QCOMPARE(payload[u"headers"].toArray().size(), 8);
        QCOMPARE(payload[u"headers"][6][u"name"].toString(), QStringLiteral("Content-Type"));
        QCOMPARE(payload[u"headers"][6][u"value"].toString(),
                 QStringLiteral("text/plain; charset=ISO-8859-1"));
        const QByteArray expected = "Caf\xe9 <b>&</b> \"cr\xe8me\", it's\r\nhere.\r\n";
        QCOMPARE(fromB64Url(payload[u"body"][u"data"]), expected);
        QCOMPARE(payload[u"body"][u"size"].toInt(), expected.size());
        QVERIFY(!payload.contains(u"parts"));
    }

    void fullNestedMultipartGetsPartIdsAndAttachmentIds() {
        const StoredMessage m = stored(nestedMail);
        const QJsonObject payload = MessageFormatter::toJson(m, MessageFormat::Full)[u"payload"].toObject();
        QCOMPARE(payload[u"partId"].toString(), QString());
        QCOMPARE(payload[u"mimeType"].toString(), QStringLiteral("multipart/mixed"));
        QCOMPARE(payload[u"body"].toObject(), (QJsonObject{{QStringLiteral("size"), 0}}));
        const QJsonArray parts = payload[u"parts"].toArray();
        QCOMPARE(parts.size(), 2);

        const QJsonObject alternative = parts[0].toObject();
        QCOMPARE(alternative[u"partId"].toString(), QStringLiteral("0"));
        QCOMPARE(alternative[u"mimeType"].toString(), QStringLiteral("multipart/alternative"));
        const QJsonArray inner = alternative[u"parts"].toArray();
        QCOMPARE(inner.size(), 2);
        QCOMPARE(inner[0][u"partId"].toString(), QStringLiteral("0.0"));
        QCOMPARE(inner[0][u"mimeType"].toString(), QStringLiteral("text/plain"));
        QCOMPARE(fromB64Url(inner[0][u"body"][u"data"]), QByteArray("H\xc3\xa9llo w\xc3\xb6rld\n"));
        QCOMPARE(inner[0][u"body"][u"size"].toInt(), 14); // UTF-8 bytes, not characters
        QCOMPARE(inner[0][u"headers"][1][u"value"].toString(), QStringLiteral("base64"));
        QCOMPARE(inner[1][u"partId"].toString(), QStringLiteral("0.1"));
        QCOMPARE(fromB64Url(inner[1][u"body"][u"data"]),
                 QByteArray("<html><script>alert(1)</script><p>H\xc3\xa9llo</p></html>"));

        const QJsonObject pdf = parts[1].toObject();
        QCOMPARE(pdf[u"partId"].toString(), QStringLiteral("1"));
        QCOMPARE(pdf[u"mimeType"].toString(), QStringLiteral("application/pdf"));
        QCOMPARE(pdf[u"filename"].toString(), QStringLiteral("résumé.pdf"));
        const QJsonObject body = pdf[u"body"].toObject();
        QVERIFY(!body.contains(u"data"));
        const QString attachmentId = body[u"attachmentId"].toString();
        QVERIFY(!attachmentId.isEmpty());
        const QByteArray pdfBytes = QByteArray::fromBase64("JVBERi0xLjQKJcOkw7zDtsOfCg==");
        QCOMPARE(body[u"size"].toInt(), pdfBytes.size());
        QCOMPARE(MessageFormatter::attachmentData(m, attachmentId), pdfBytes);

        // An id for another message, or made up, finds nothing.
        StoredMessage other = m;
        other.id = QStringLiteral("18bcfe5680000002");
        QVERIFY(MessageFormatter::attachmentData(other, attachmentId).isNull());
        QVERIFY(MessageFormatter::attachmentData(m, QStringLiteral("nonsense")).isNull());
    }

    void unnamedNonTextPartsAreAttachmentsToo() {
        // An inline image without a name and an attached message: both served by attachment id.
        const QByteArray raw = "From: a@example.com\r\n"
                               "Subject: inline\r\n"
                               "Content-Type: multipart/related; boundary=r\r\n"
                               "\r\n"
                               "--r\r\n"
                               "Content-Type: text/html; charset=us-ascii\r\n"
                               "\r\n"
                               "<img src=\"cid:logo\">\r\n"
                               "--r\r\n"
                               "Content-Type: image/gif\r\n"
                               "Content-ID: <logo>\r\n"
                               "Content-Transfer-Encoding: base64\r\n"
                               "\r\n"
                               "R0lGODlhAQABAAAAACw=\r\n"
                               "--r\r\n"
                               "Content-Type: message/rfc822\r\n"
                               "\r\n"
                               "From: b@example.com\r\n"
                               "Subject: inner\r\n"
                               "\r\n"
                               "inner body\r\n"
                               "--r--\r\n";
        const StoredMessage m = stored(raw);
        const QJsonArray parts =
            MessageFormatter::toJson(m, MessageFormat::Full)[u"payload"][u"parts"].toArray();
        QCOMPARE(parts.size(), 3);
        QVERIFY(parts[0][u"body"].toObject().contains(u"data"));
        const QString gifId = parts[1][u"body"][u"attachmentId"].toString();
        QVERIFY(!gifId.isEmpty());
        QCOMPARE(MessageFormatter::attachmentData(m, gifId), QByteArray::fromBase64("R0lGODlhAQABAAAAACw="));
        QCOMPARE(parts[2][u"mimeType"].toString(), QStringLiteral("message/rfc822"));
        const QByteArray inner =
            MessageFormatter::attachmentData(m, parts[2][u"body"][u"attachmentId"].toString());
        QVERIFY(inner.contains("Subject: inner"));
        QVERIFY(inner.contains("inner body"));
        QCOMPARE(parts[2][u"body"][u"size"].toInt(), inner.size());
    }

    void filenameSplitOverSeveralEncodedWords() {
        const QByteArray raw =
            "From: a@example.com\r\n"
            "Content-Type: multipart/mixed; boundary=m\r\n"
            "\r\n"
            "--m\r\n"
            "Content-Type: text/plain\r\n"
            "\r\n"
            "see attachment\r\n"
            "--m\r\n"
            "Content-Type: application/pdf;\r\n"
            " name=\"=?utf-8?B?UmVjaG51bmc=?=\r\n =?utf-8?B?IE3DpHJ6OTku?=\r\n =?utf-8?B?cGRm?=\"\r\n"
            "Content-Disposition: attachment;\r\n"
            " filename=\"=?utf-8?B?UmVjaG51bmc=?=\r\n =?utf-8?B?IE3DpHJ6OTku?=\r\n =?utf-8?B?cGRm?=\"\r\n"
            "Content-Transfer-Encoding: base64\r\n"
            "\r\n"
            "JVBERg==\r\n"
            "--m--\r\n";
        const QJsonObject payload =
            MessageFormatter::toJson(stored(raw), MessageFormat::Full)[u"payload"].toObject();
        QCOMPARE(payload[u"parts"][1][u"filename"].toString(), QStringLiteral("Rechnung März99.pdf"));

        // A character split over two words (C3 | A9 = "é"): bytes are joined before conversion.
        QByteArray split = raw;
        split.replace(
            "filename=\"=?utf-8?B?UmVjaG51bmc=?=\r\n =?utf-8?B?IE3DpHJ6OTku?=\r\n =?utf-8?B?cGRm?=\"",
            "filename=\"=?utf-8?B?Q2Fmww==?= =?utf-8?B?qS5wZGY=?=\"");
        QCOMPARE(
            MessageFormatter::toJson(stored(split), MessageFormat::Full)[u"payload"][u"parts"][1][u"filename"]
                .toString(),
            QStringLiteral("Café.pdf"));
    }

    void malformedMessagesStillFormat() {
        // Missing closing boundary and a header line without a colon.
        const QByteArray broken = "From: a@example.com\r\n"
                                  "this line has no colon\r\n"
                                  "Subject: broken\r\n"
                                  "Content-Type: multipart/alternative; boundary=b\r\n"
                                  "\r\n"
                                  "--b\r\n"
                                  "Content-Type: text/plain\r\n"
                                  "\r\n"
                                  "still readable\r\n";
        const QJsonObject json = MessageFormatter::toJson(stored(broken), MessageFormat::Full);
        QCOMPARE(json[u"snippet"].toString(), QStringLiteral("still readable"));
        QVERIFY(json[u"payload"].toObject().contains(u"mimeType"));
    }

    void concurrentFormattingMatchesSerial() {
        // The server may format from several threads; GMime and the charset converters must cope.
        const QList<QByteArray> raws{latin1Mail, nestedMail, htmlOnlyMail};
        QList<QJsonObject> expected;
        for (const QByteArray &raw : raws)
            expected.append(MessageFormatter::toJson(stored(raw), MessageFormat::Full));
        std::atomic<int> mismatches{0};
        QList<QThread *> threads;
        for (int t = 0; t < 4; ++t) {
            threads.append(QThread::create([&] {
                for (int i = 0; i < 300; ++i) {
                    const qsizetype k = i % raws.size();
                    if (MessageFormatter::toJson(stored(raws[k]), MessageFormat::Full) != expected[k])
                        ++mismatches;
                }
            }));
            threads.last()->start();
        }
        for (QThread *thread : threads) {
            QVERIFY(thread->wait(60000));
            delete thread;
        }
        QCOMPARE(mismatches.load(), 0);
    }

    void parseFormat() {
        QCOMPARE(MessageFormatter::parseFormat(QStringLiteral("MINIMAL")), MessageFormat::Minimal);
        QCOMPARE(MessageFormatter::parseFormat(QString()), MessageFormat::Full);
        QCOMPARE(MessageFormatter::parseFormat(QStringLiteral("raw")), MessageFormat::Raw);
        QVERIFY(!MessageFormatter::parseFormat(QStringLiteral("html")));
    }
};

QTEST_GUILESS_MAIN(TestMessageFormatter)
#include "TestMessageFormatter.moc"
