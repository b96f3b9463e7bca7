#include "MailboxGenerator.h"
#include "MessageFormatter.h"

#include <QElapsedTimer>
#include <QSet>
#include <QTest>

#include <gmime/gmime.h>

#include <ctime>

using namespace sandbox;

namespace {

// Parses with GMime and reports whether the parser raised any warning (a malformed message).
class CleanParser {
public:
    CleanParser() {
        g_mime_init();
        m_options = g_mime_parser_options_new();
        g_mime_parser_options_set_warning_callback(m_options, &CleanParser::warn, this);
    }
    ~CleanParser() { g_mime_parser_options_free(m_options); }
    Q_DISABLE_COPY_MOVE(CleanParser)

    bool parsesCleanly(const QByteArray &raw) {
        m_warnings.clear();
        GMimeStream *stream = g_mime_stream_mem_new_with_buffer(raw.constData(), size_t(raw.size()));
        GMimeParser *parser = g_mime_parser_new_with_stream(stream);
        GMimeMessage *message = g_mime_parser_construct_message(parser, m_options);
        const bool ok = message != nullptr && m_warnings.isEmpty();
        if (message)
            g_object_unref(message);
        g_object_unref(parser);
        g_object_unref(stream);
        return ok;
    }
    QList<int> warnings() const { return m_warnings; }

private:
    static void warn(gint64, GMimeParserWarning code, const gchar *, gpointer self) {
        static_cast<CleanParser *>(self)->m_warnings.append(int(code));
    }
    GMimeParserOptions *m_options;
    QList<int> m_warnings;
};

const QDateTime fixedEnd = QDateTime(QDate(2024, 6, 1), QTime(12, 0), Qt::UTC);

} // namespace

class TestMailboxGenerator : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void generateOneIsDeterministic() {
        const QByteArray a = MailboxGenerator::generateOne(7, 3, 1700000000000);
        QCOMPARE(MailboxGenerator::generateOne(7, 3, 1700000000000), a);
        QVERIFY(MailboxGenerator::generateOne(8, 3, 1700000000000) != a);
        QVERIFY(MailboxGenerator::generateOne(7, 4, 1700000000000) != a);
        QVERIFY(a.contains("Message-ID: <"));
        QVERIFY(a.contains("\r\n\r\n"));
    }

    void generateIsDeterministicForASeed() {
        MailboxGenerator::Options options;
        options.count = 300;
        options.seed = 42;
        options.end = fixedEnd;
        Mailbox first(QStringLiteral("me@example.com"));
        Mailbox second(QStringLiteral("me@example.com"));
        MailboxGenerator::generate(first, options);
        MailboxGenerator::generate(second, options);
        const QList<StoredMessage> a = first.messages();
        const QList<StoredMessage> b = second.messages();
        QCOMPARE(a.size(), 300);
        QCOMPARE(b.size(), 300);
        for (qsizetype i = 0; i < a.size(); ++i) {
            QCOMPARE(a[i].id, b[i].id);
            QCOMPARE(a[i].threadId, b[i].threadId);
            QCOMPARE(a[i].raw, b[i].raw);
            QCOMPARE(a[i].labelIds, b[i].labelIds);
            QCOMPARE(a[i].internalDateMs, b[i].internalDateMs);
        }
        Mailbox other(QStringLiteral("me@example.com"));
        options.seed = 43;
        MailboxGenerator::generate(other, options);
        QVERIFY(other.messages().first().raw != a.first().raw);
    }

    void datesAreSpreadEvenlyOverTheWindow() {
        MailboxGenerator::Options options;
        options.count = 1000;
        options.end = fixedEnd;
        options.days = 100;
        Mailbox box(QStringLiteral("me@example.com"));
        MailboxGenerator::generate(box, options);
        const qint64 end = fixedEnd.toMSecsSinceEpoch();
        const qint64 start = end - qint64(100) * 86400 * 1000;
        QList<int> buckets(10, 0);
        for (const StoredMessage &m : box.messages()) {
            QVERIFY(m.internalDateMs >= start);
            QVERIFY(m.internalDateMs <= end);
            ++buckets[int((m.internalDateMs - start) * 10 / (end - start))];
        }
        for (int count : std::as_const(buckets))
            QVERIFY2(count >= 90 && count <= 110, qPrintable(QString::number(count)));
    }

    void mailboxLooksLikeARealOne() {
        MailboxGenerator::Options options;
        options.count = 2000;
        options.end = fixedEnd;
        Mailbox box(QStringLiteral("me@example.com"));
        MailboxGenerator::generate(box, options);
        QCOMPARE(box.messagesTotal(), 2000);
        // Replies join their parents' threads.
        QVERIFY(box.threadsTotal() < 1700);
        QVERIFY(box.threadsTotal() > 1000);

        QSet<QString> labels;
        QByteArray all;
        int replies = 0;
        int bareLf = 0;
        for (const StoredMessage &m : box.messages()) {
            for (const QString &l : m.labelIds)
                labels.insert(l);
            if (m.raw.count('\n') != m.raw.count("\r\n"))
                ++bareLf;
            for (const QByteArray &line : m.raw.split('\n'))
                QVERIFY2(line.size() <= 999, line.left(80).constData()); // RFC 5322 §2.1.1, plus the CR
            const qsizetype date = m.raw.indexOf("\r\nDate: ");
            if (date >= 0) {
                const QByteArray value = m.raw.mid(date + 8, m.raw.indexOf('\r', date + 8) - date - 8);
                const QDateTime parsed = QDateTime::fromString(QString::fromLatin1(value), Qt::RFC2822Date);
                QVERIFY2(parsed.isValid(), value.constData());
                // Sent a little before it arrived (internalDate).
                const qint64 lead = m.internalDateMs - parsed.toMSecsSinceEpoch();
                QVERIFY2(lead >= 0 && lead <= 121000, value.constData());
                QVERIFY2(QByteArrayView(value).first(5).endsWith(", "), value.constData()); // "Sat, 1 Jun …"
            }
            if (m.raw.contains("\r\nIn-Reply-To: ")) {
                ++replies;
                QVERIFY(m.raw.contains("\r\nReferences: "));
            }
            all += m.raw.left(4000);
        }
        QCOMPARE(bareLf, 0); // RFC 5322 §2.1: CRLF line endings only
        QVERIFY(replies > 300);
        for (const char *label :
             {"INBOX", "SENT", "UNREAD", "STARRED", "IMPORTANT", "CATEGORY_PERSONAL", "CATEGORY_UPDATES",
              "CATEGORY_PROMOTIONS", "Label_1", "Label_2", "Label_3", "SPAM", "TRASH"})
            QVERIFY2(labels.contains(QString::fromLatin1(label)), label);
        for (const char *needle : {"charset=\"iso-8859-1\"",
                                   "charset=\"windows-1252\"",
                                   "charset=\"iso-8859-2\"",
                                   "charset=\"koi8-r\"",
                                   "charset=\"iso-2022-jp\"",
                                   "charset=\"shift_jis\"",
                                   "charset=\"gb2312\"",
                                   "charset=\"utf-8\"",
                                   "Content-Transfer-Encoding: quoted-printable",
                                   "Content-Transfer-Encoding: base64",
                                   "multipart/alternative",
                                   "multipart/mixed",
                                   "filename*=utf-8''",
                                   "name=\"=?utf-8?B?",
                                   "Subject: =?",
                                   "?Q?",
                                   "X-Priority: ",
                                   "List-Unsubscribe: <mailto:",
                                   "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
                                   "Importance: ",
                                   "<script>",
                                   "<img src=\"http://",
                                   "Subject: Re: "})
            QVERIFY2(all.contains(needle), needle);
    }

    void gmimeParsesAtLeast98PercentCleanly() {
        MailboxGenerator::Options options;
        options.count = 2000;
        options.end = fixedEnd;
        Mailbox box(QStringLiteral("me@example.com"));
        MailboxGenerator::generate(box, options);
        CleanParser parser;
        int clean = 0;
        QMap<int, int> warningKinds;
        for (const StoredMessage &m : box.messages()) {
            if (parser.parsesCleanly(m.raw))
                ++clean;
            for (int w : parser.warnings())
                ++warningKinds[w];
        }
        qInfo() << "clean:" << clean << "of" << box.messagesTotal() << "warnings by kind:" << warningKinds;
        QVERIFY2(clean >= 1960, qPrintable(QString::number(clean)));
        QVERIFY(clean < 2000); // the malformed share is really there

        // With every message malformed, GMime notices many of them.
        Mailbox broken(QStringLiteral("me@example.com"));
        options.count = 300;
        options.malformedRate = 1.0;
        MailboxGenerator::generate(broken, options);
        int flagged = 0;
        for (const StoredMessage &m : broken.messages())
            flagged += parser.parsesCleanly(m.raw) ? 0 : 1;
        QVERIFY2(flagged >= 100, qPrintable(QString::number(flagged)));
    }

    void textSurvivesItsCharset() {
        // Every charset round-trips: no replacement characters in the decoded snippets.
        MailboxGenerator::Options options;
        options.count = 400;
        options.end = fixedEnd;
        options.malformedRate = 0;
        Mailbox box(QStringLiteral("me@example.com"));
        MailboxGenerator::generate(box, options);
        for (const StoredMessage &m : box.messages()) {
            const QString snippet = MessageFormatter::snippet(m);
            QVERIFY(!snippet.isEmpty());
            QVERIFY2(!snippet.contains(QChar(0xFFFD)) && !snippet.contains(QChar(0x1A)), qPrintable(snippet));
        }
    }

    void generatesQuickly() {
        MailboxGenerator::Options options;
        options.count = 20000;
        options.end = fixedEnd;
        Mailbox box(QStringLiteral("me@example.com"));
        QElapsedTimer timer;
        timer.start();
        const std::clock_t cpuStart = std::clock();
        MailboxGenerator::generate(box, options);
        const qint64 ms = std::max<qint64>(1, timer.elapsed());
        // The test machine is shared; CPU time says more about the code than wall time.
        const double cpuSeconds = std::max(1e-3, double(std::clock() - cpuStart) / CLOCKS_PER_SEC);
        qint64 bytes = 0;
        for (const StoredMessage &m : box.messages())
            bytes += m.raw.size();
        const double rate = 20000.0 * 1000.0 / double(ms);
        qInfo("generated 20000 messages in %lld ms wall (%.0f messages/s), %.2f s CPU (%.0f messages/s), "
              "%.1f MB raw",
              ms, rate, cpuSeconds, 20000 / cpuSeconds, double(bytes) / 1e6);
        QCOMPARE(box.messagesTotal(), 20000);
        // Release builds reach ~35k/s CPU; this bound holds for debug and sanitizer builds too and still
        // catches anything quadratic.
        QVERIFY2(20000 / cpuSeconds > 1000, "generation slower than 1000 messages per CPU second");
    }
};

QTEST_GUILESS_MAIN(TestMailboxGenerator)
#include "TestMailboxGenerator.moc"
