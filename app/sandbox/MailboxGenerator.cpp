#include "MailboxGenerator.h"

#include <QDateTime>
#include <QStringEncoder>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <unordered_map>

namespace sandbox {

namespace {

// splitmix64: tiny, fast and good enough to pick words; seeded per message so generateOne(seed, i)
// does not depend on the messages before it.
class Rng {
public:
    explicit Rng(quint64 seed)
        : m_state(seed) {}
    quint64 next() {
        quint64 z = (m_state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    int below(int n) { return n <= 0 ? 0 : int(next() % quint64(n)); }
    bool chance(double p) { return double(next() >> 11) * 0x1.0p-53 < p; }
    template<typename T, std::size_t N>
    const T &pick(const std::array<T, N> &items) {
        return items[std::size_t(below(int(N)))];
    }

private:
    quint64 m_state;
};

quint64 messageSeed(quint32 seed, int index) {
    Rng mix((quint64(seed) << 32) ^ quint64(quint32(index)) ^ 0x5DEECE66DULL);
    return mix.next();
}

struct Language {
    const char *charset;
    std::array<const char *, 4> subjects; // UTF-8
    std::array<const char *, 6> phrases;  // UTF-8, all representable in `charset`
    std::array<const char *, 3> names;
};

// Texts chosen so every character exists in the charset they are sent in.
const std::array<Language, 8> languages{{
    {"utf-8",
     {"Quarterly numbers ✓", "Lunch on Friday? 🍕", "Résumé update", "Build #4512 passed"},
     {"Thanks for the update, the numbers look good.", "Can we move the meeting to Thursday afternoon?",
      "The deployment went out at 10:42 without incident ✅.", "Attached is the draft — comments welcome.",
      "中文 and Ünïcödé text.", "Let me know if anything is unclear 🙂."},
     {"Zoë Müller", "张伟", "Ana Sousa"}},
    {"iso-8859-1",
     {"Réunion de l'équipe", "Grüße aus Köln", "Facture n° 2023-117", "Café après la réunion"},
     {"Merci pour votre réponse rapide.", "Die Übersicht liegt im Anhang bei.",
      "Nous avons reçu votre commande à 14h.", "Schöne Grüße und bis bald.",
      "La façade sera rénovée en août.", "¿Nos vemos mañana?"},
     {"François Lévy", "Jürgen Weiß", "Inés Peña"}},
    {"windows-1252",
     {"“Smart” quotes – again", "Budget: €12,500", "Don’t forget", "Notes…"},
     {"That’s the “final” version — promise.", "Total due: €1.234,56 – payable in 30 days.",
      "Bullet one • bullet two.", "Here’s what we agreed on…", "See you at 9 o’clock.",
      "Prices ™ and ® marks apply."},
     {"Seán O’Brien", "Chloë Smith", "Renée Dupont"}},
    {"iso-8859-2",
     {"Zamówienie nr 4411", "Příloha ke smlouvě", "Spotkanie w środę", "Žádost o schválení"},
     {"Zażółć gęślą jaźń.", "Příliš žluťoučký kůň úpěl ďábelské ódy.", "Dziękuję za szybką odpowiedź.",
      "V příloze najdete fakturu.", "Pozdrawiam serdecznie.", "S pozdravem a díky."},
     {"Łukasz Wiśniewski", "Jiří Černý", "Agnieszka Król"}},
    {"koi8-r",
     {"Отчёт за ноябрь", "Встреча в пятницу", "Счёт 17", "Привет!"},
     {"Съешь же ещё этих мягких булок.", "Спасибо за ответ.", "Документы во вложении.",
      "Давайте обсудим завтра.", "С уважением.", "Всё готово."},
     {"Иван Петров", "Ольга Смирнова", "Анна"}},
    {"iso-2022-jp",
     {"会議のお知らせ", "見積書の件", "お疲れ様です", "来週の予定"},
     {"いつもお世話になっております。", "資料を添付します。", "よろしくお願いいたします。",
      "日本語のメールです。", "明日の会議は十時からです。", "ご確認ください。"},
     {"山田 太郎", "佐藤 花子", "鈴木 一郎"}},
    {"shift_jis",
     {"請求書送付のご案内", "打ち合わせ", "レポート提出", "お知らせ"},
     {"お待ちしております。", "承知しました。", "添付ファイルをご確認ください。", "ソフトウェアの更新です。",
      "先日はありがとうございました。", "以上、よろしくお願いします。"},
     {"高橋 健", "伊藤 美咲", "渡辺 優"}},
    {"gb2312",
     {"会议通知", "周报", "项目进度", "发票已开"},
     {"你好，这是一封测试邮件。", "请查收附件。", "谢谢你的回复。", "明天下午三点开会。", "项目进展顺利。",
      "祝好！"},
     {"王芳", "李强", "刘洋"}},
}};

const std::array<const char *, 8> englishSubjects{
    "Project update", "Invoice 2024-0117", "Meeting notes",     "Your order has shipped",
    "Weekly digest",  "Quick question",    "Contract draft v3", "Team offsite"};
const std::array<const char *, 10> englishPhrases{"Hi there,",
                                                  "Please find the latest figures below.",
                                                  "Let me know what you think.",
                                                  "We should finalize this before the end of the week.",
                                                  "I've attached the document we discussed.",
                                                  "The team agreed on the new timeline.",
                                                  "Thanks again for your help!",
                                                  "Best regards,",
                                                  "Don't hesitate to reach out if you have questions.",
                                                  "Here's the summary: revenue up 4% & costs flat."};
const std::array<const char *, 8> senders{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"};
const std::array<const char *, 6> domains{"example.com",      "example.org",  "corp.example",
                                          "mail.example.net", "shop.example", "news.example"};
const std::array<const char *, 4> attachmentTypes{
    "application/pdf", "image/png", "text/csv",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"};
const std::array<const char *, 4> attachmentExtensions{".pdf", ".png", ".csv", ".docx"};
const std::array<const char *, 5> attachmentBases{"report", "résumé", "見積書", "Rechnung März",
                                                  "photo 2024"};
const std::array<int, 8> zoneMinutes{0, 60, 120, -300, -480, 330, 540, -180};

// One encoder per charset and thread; ICU converters are costly to open.
QByteArray encodeText(const char *charset, const QString &text) {
    thread_local std::unordered_map<std::string, QStringEncoder> encoders;
    auto it = encoders.find(charset);
    if (it == encoders.end())
        it = encoders.emplace(charset, QStringEncoder(charset)).first;
    it->second.resetState();
    return it->second.encode(text);
}

// RFC 2047 §4.1 "B" encoded-words, each under 76 characters and each a complete run in a stateful
// charset such as ISO-2022-JP (§5: every encoded-word must stand alone).
QByteArray encodedWords(const char *charset, const QString &text, bool qEncoding = false) {
    QByteArray out;
    const qsizetype chunk = qEncoding ? 12 : 8;
    for (qsizetype pos = 0; pos < text.size(); pos += chunk) {
        qsizetype len = std::min(chunk, text.size() - pos);
        if (pos + len < text.size() && text.at(pos + len - 1).isHighSurrogate())
            ++len;
        const QByteArray bytes = encodeText(charset, text.mid(pos, len));
        if (!out.isEmpty())
            out += "\r\n ";
        out += "=?" + QByteArray(charset) + (qEncoding ? "?Q?" : "?B?");
        if (qEncoding) {
            // RFC 2047 §5(3): in a phrase only letters, digits and !*+-/ may stand for themselves.
            static const char hex[] = "0123456789ABCDEF";
            for (const char c : bytes) {
                const auto u = uchar(c);
                if (u == ' ')
                    out += '_';
                else if (std::isalnum(u) || u == '!' || u == '*' || u == '+' || u == '-' || u == '/')
                    out += char(u);
                else
                    out += '=' + QByteArray(1, hex[u >> 4]) + hex[u & 15];
            }
        } else {
            out += bytes.toBase64();
        }
        out += "?=";
        pos += len - chunk;
    }
    return out;
}

bool isAscii(const QString &s) {
    for (const QChar c : s) {
        if (c.unicode() > 126)
            return false;
    }
    return true;
}

// RFC 2045 §6.7 quoted-printable with CRLF line breaks and 76-character lines.
QByteArray quotedPrintable(const QByteArray &bytes) {
    static const char hex[] = "0123456789ABCDEF";
    QByteArray out;
    out.reserve(bytes.size() * 3 / 2);
    int column = 0;
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const auto c = uchar(bytes.at(i));
        if (c == '\n') {
            out += "\r\n";
            column = 0;
            continue;
        }
        const bool lineEnd = i + 1 == bytes.size() || bytes.at(i + 1) == '\n';
        const bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !lineEnd);
        const int width = literal ? 1 : 3;
        if (column + width > 75) {
            out += "=\r\n";
            column = 0;
        }
        if (literal) {
            out += char(c);
        } else {
            out += '=';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
        column += width;
    }
    return out;
}

QByteArray base64Lines(const QByteArray &bytes) {
    const QByteArray b64 = bytes.toBase64();
    QByteArray out;
    out.reserve(b64.size() + b64.size() / 38 + 4);
    for (qsizetype pos = 0; pos < b64.size(); pos += 76) {
        out += QByteArrayView(b64).sliced(pos, std::min<qsizetype>(76, b64.size() - pos));
        out += "\r\n";
    }
    return out;
}

QString htmlEscape(const QString &text) {
    QString out = text;
    out.replace(u'&', QStringLiteral("&amp;"))
        .replace(u'<', QStringLiteral("&lt;"))
        .replace(u'>', QStringLiteral("&gt;"));
    return out;
}

// RFC 5322 §3.3 date-time with the day of week, e.g. "Sat, 1 Jun 2024 13:58:41 +0200".
QByteArray rfc2822Date(qint64 ms, int offsetMinutes) {
    static const char *const days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const QDateTime local = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).addSecs(qint64(offsetMinutes) * 60);
    const QDate d = local.date();
    const QTime t = local.time();
    const int offset = std::abs(offsetMinutes);
    char buffer[64];
    const int n =
        std::snprintf(buffer, sizeof buffer, "%s, %d %s %04d %02d:%02d:%02d %c%02d%02d",
                      days[d.dayOfWeek() - 1], d.day(), months[d.month() - 1], d.year(), t.hour(), t.minute(),
                      t.second(), offsetMinutes < 0 ? '-' : '+', offset / 60, offset % 60);
    return QByteArray(buffer, n);
}

enum class Defect {
    None,
    MissingBoundary,
    HeaderWithoutColon,
    BadBase64,
    NoDate,
    UnknownCharset,
    EightBitHeader
};

struct Parent {
    QByteArray messageId;
    QByteArray references;
    QString subject;
    QByteArray fromAddress;
};

struct Generated {
    QByteArray raw;
    QByteArray messageId;
    QByteArray references;
    QString subject;
    QByteArray fromAddress;
    bool sent = false;
};

QByteArray address(Rng &rng, const QString &displayName, const QByteArray &email, const char *charset) {
    if (displayName.isEmpty() || rng.chance(0.15))
        return email;
    if (isAscii(displayName))
        return '"' + displayName.toLatin1() + "\" <" + email + '>';
    return encodedWords(rng.chance(0.5) ? "utf-8" : charset, displayName, rng.chance(0.3)) + " <" + email +
           '>';
}

struct TextBody {
    QString plain;
    QString html;
};

TextBody makeText(Rng &rng, const Language &language, bool remoteContent) {
    TextBody body;
    const int paragraphs = 2 + rng.below(4);
    QString html = QStringLiteral("<html><head><meta charset=\"") + QString::fromLatin1(language.charset) +
                   QStringLiteral("\"></head><body>");
    for (int p = 0; p < paragraphs; ++p) {
        QString paragraph;
        const int sentences = 1 + rng.below(4);
        for (int s = 0; s < sentences; ++s) {
            if (!paragraph.isEmpty())
                paragraph += u' ';
            paragraph +=
                QString::fromUtf8(rng.chance(0.6) ? rng.pick(language.phrases) : rng.pick(englishPhrases));
        }
        body.plain += paragraph + QStringLiteral("\n\n");
        // One paragraph a line: 8bit bodies must keep lines under 998 octets (RFC 5322 §2.1.1).
        html += QStringLiteral("<p>") + htmlEscape(paragraph) + QStringLiteral("</p>\n");
    }
    if (remoteContent) {
        // The admin GUI must sanitize these before showing the HTML.
        html += QStringLiteral("<img src=\"http://tracker.example/open.gif?u=") +
                QString::number(rng.next() % 100000) +
                QStringLiteral("\" width=\"1\" height=\"1\"><script>document.location='http://evil.example/'"
                               "</script>");
    }
    html += QStringLiteral("</body></html>\n");
    body.html = html;
    return body;
}

// A leaf text part: its headers and body, with a transfer encoding that suits the charset.
QByteArray textPart(Rng &rng, const char *charset, const QString &mimeType, const QString &text,
                    Defect defect) {
    const bool iso2022 = qstrcmp(charset, "iso-2022-jp") == 0;
    const QByteArray bytes = encodeText(charset, text);
    const QByteArray declared =
        defect == Defect::UnknownCharset ? QByteArray("x-unknown-zz") : QByteArray(charset);
    QByteArray part = "Content-Type: " + mimeType.toLatin1() + "; charset=\"" + declared + "\"\r\n";
    const int choice = rng.below(3);
    if (defect == Defect::BadBase64 || (!iso2022 && choice == 0)) {
        QByteArray encoded = base64Lines(bytes);
        if (defect == Defect::BadBase64)
            encoded.insert(encoded.size() / 2, "!!*bad*base64*~~\r\n");
        part += "Content-Transfer-Encoding: base64\r\n\r\n" + encoded;
    } else if (iso2022) {
        QByteArray crlf = bytes;
        crlf.replace("\n", "\r\n");
        part += "Content-Transfer-Encoding: 7bit\r\n\r\n" + crlf;
    } else if (choice == 1) {
        part += "Content-Transfer-Encoding: quoted-printable\r\n\r\n" + quotedPrintable(bytes);
    } else {
        QByteArray crlf = bytes;
        crlf.replace("\n", "\r\n");
        part += "Content-Transfer-Encoding: 8bit\r\n\r\n" + crlf;
    }
    if (!part.endsWith("\r\n"))
        part += "\r\n";
    return part;
}

QByteArray attachmentPart(Rng &rng, int index) {
    const int type = rng.below(int(attachmentTypes.size()));
    const QString name = QString::fromUtf8(rng.pick(attachmentBases)) + QString::number(index % 100) +
                         QString::fromLatin1(attachmentExtensions[std::size_t(type)]);
    QByteArray content(300 + rng.below(2500), Qt::Uninitialized);
    for (qsizetype i = 0; i < content.size(); i += 8) {
        const quint64 r = rng.next();
        std::memcpy(content.data() + i, &r, size_t(std::min<qsizetype>(8, content.size() - i)));
    }
    if (type == 0)
        content.replace(0, 8, "%PDF-1.4");
    QByteArray part = "Content-Type: " + QByteArray(attachmentTypes[std::size_t(type)]);
    if (isAscii(name)) {
        part += "; name=\"" + name.toLatin1() + "\"\r\nContent-Disposition: attachment; filename=\"" +
                name.toLatin1() + "\"\r\n";
    } else if (rng.chance(0.5)) {
        // RFC 2231 §4: charset'language'percent-encoded value.
        part += "\r\nContent-Disposition: attachment;\r\n filename*=utf-8''" +
                name.toUtf8().toPercentEncoding() + "\r\n";
    } else {
        // What many mailers send instead (not allowed by RFC 2047 §5, read by everyone anyway).
        const QByteArray words = encodedWords("utf-8", name);
        part += ";\r\n name=\"" + words + "\"\r\nContent-Disposition: attachment;\r\n filename=\"" + words +
                "\"\r\n";
    }
    part += "Content-Transfer-Encoding: base64\r\n\r\n" + base64Lines(content);
    return part;
}

QByteArray boundaryFor(Rng &rng) {
    return "000000000000" + QByteArray::number(rng.next() & 0xFFFFFFFFFFULL, 16).rightJustified(10, '0');
}

QByteArray multipart(const QByteArray &subtype, const QByteArray &boundary, const QList<QByteArray> &parts,
                     bool closeBoundary) {
    QByteArray out = "Content-Type: multipart/" + subtype + "; boundary=\"" + boundary + "\"\r\n\r\n";
    for (const QByteArray &part : parts)
        out += "--" + boundary + "\r\n" + part;
    if (closeBoundary)
        out += "--" + boundary + "--\r\n";
    return out;
}

Generated build(quint32 seed, int index, qint64 dateMs, const QByteArray &ownAddress, const Parent *parent,
                Defect defect, bool sent, bool bulk) {
    Rng rng(messageSeed(seed, index));
    Generated g;
    g.sent = sent;
    const Language &language = languages[std::size_t(rng.below(int(languages.size())))];
    const char *charset = language.charset;

    const QByteArray person = QByteArray(rng.pick(senders)) + '.' + QByteArray::number(rng.below(40));
    const QByteArray otherAddress =
        parent && !sent ? parent->fromAddress : person + '@' + QByteArray(rng.pick(domains));
    const QString otherName = QString::fromUtf8(rng.pick(language.names));
    g.fromAddress = sent ? ownAddress : otherAddress;
    const QByteArray from = sent ? ownAddress : address(rng, otherName, otherAddress, charset);
    const QByteArray to = sent ? address(rng, otherName, otherAddress, charset) : ownAddress;

    if (parent) {
        g.subject =
            parent->subject.startsWith(u"Re: ") ? parent->subject : QStringLiteral("Re: ") + parent->subject;
    } else {
        g.subject =
            QString::fromUtf8(rng.chance(0.5) ? rng.pick(language.subjects) : rng.pick(englishSubjects));
    }
    g.messageId = '<' + QByteArray::number(seed, 16) + '.' + QByteArray::number(index) + '.' +
                  QByteArray::number(rng.next() % 1000000) + "@mail.sandbox.example>";

    const int zone = rng.pick(zoneMinutes);
    QByteArray headers;
    headers.reserve(1024);
    if (!sent) {
        headers += "Delivered-To: " + ownAddress + "\r\n";
        headers += "Received: from mx.sandbox.example (mx.sandbox.example [192.0.2." +
                   QByteArray::number(1 + rng.below(250)) +
                   "])\r\n        by mail.sandbox.example with ESMTPS id " +
                   QByteArray::number(rng.next(), 36) + "\r\n        for <" + ownAddress + ">; " +
                   rfc2822Date(dateMs, 0) + "\r\n";
        headers += "Return-Path: <" + otherAddress + ">\r\n";
    }
    headers += "From: " + from + "\r\n";
    headers += "To: " + to + "\r\n";
    if (rng.chance(0.15))
        headers += "Cc: " + QByteArray(rng.pick(senders)) + "@" + QByteArray(rng.pick(domains)) + "\r\n";
    if (defect == Defect::EightBitHeader) {
        headers += "Subject: " +
                   encodeText(rng.chance(0.5) ? "utf-8" : "iso-8859-1",
                              g.subject + QStringLiteral(" \u00e9t\u00e9")) +
                   "\r\n";
    } else if (isAscii(g.subject)) {
        headers += "Subject: " + g.subject.toLatin1() + "\r\n";
    } else {
        headers +=
            "Subject: " + encodedWords(rng.chance(0.7) ? charset : "utf-8", g.subject, rng.chance(0.3)) +
            "\r\n";
    }
    if (defect != Defect::NoDate)
        headers += "Date: " + rfc2822Date(dateMs - 1000 * (1 + rng.below(120)), zone) + "\r\n";
    headers += "Message-ID: " + g.messageId + "\r\n";
    if (parent) {
        g.references =
            parent->references.isEmpty() ? parent->messageId : parent->references + ' ' + parent->messageId;
        headers += "In-Reply-To: " + parent->messageId + "\r\n";
        headers += "References: " + g.references + "\r\n";
    }
    if (bulk) {
        const QByteArray token = QByteArray::number(rng.next() % 1000000000, 36);
        const QByteArray domain = otherAddress.mid(otherAddress.indexOf('@') + 1);
        headers += "List-Unsubscribe: <mailto:unsubscribe-" + token + '@' + domain + ">,\r\n <https://" +
                   domain + "/unsubscribe/" + token + ">\r\n";
        headers += "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n";
        headers += "Precedence: bulk\r\n";
    }
    if (rng.chance(0.08)) {
        headers += rng.chance(0.5) ? QByteArray("X-Priority: 1 (Highest)\r\nImportance: High\r\n")
                                   : QByteArray("X-Priority: 5\r\nImportance: low\r\n");
    }
    if (defect == Defect::HeaderWithoutColon)
        headers += "This header line has no colon\r\n";
    headers += "MIME-Version: 1.0\r\n";

    const bool remote = rng.chance(0.1);
    const TextBody text = makeText(rng, language, remote);
    const int shape = rng.below(10); // 0-2 plain, 3-6 alternative, 7-8 mixed+alternative, 9 mixed+plain
    const bool closing = defect != Defect::MissingBoundary;
    QByteArray body;
    const Defect partDefect =
        (defect == Defect::BadBase64 || defect == Defect::UnknownCharset) ? defect : Defect::None;
    if (shape <= 2 && defect != Defect::MissingBoundary) {
        body = textPart(rng, charset, QStringLiteral("text/plain"), text.plain, partDefect);
    } else {
        const QByteArray alternative =
            multipart("alternative", boundaryFor(rng),
                      {textPart(rng, charset, QStringLiteral("text/plain"), text.plain, partDefect),
                       textPart(rng, charset, QStringLiteral("text/html"), text.html, Defect::None)},
                      closing || shape >= 7);
        if (shape <= 6) {
            body = alternative;
        } else {
            QList<QByteArray> parts{
                shape == 9 ? textPart(rng, charset, QStringLiteral("text/plain"), text.plain, partDefect)
                           : alternative};
            const int attachments = 1 + rng.below(2);
            for (int a = 0; a < attachments; ++a)
                parts.append(attachmentPart(rng, index + a));
            body = multipart("mixed", boundaryFor(rng), parts, closing);
        }
    }
    g.raw = headers + body;
    return g;
}

} // namespace

QByteArray MailboxGenerator::generateOne(quint32 seed, int index, qint64 dateMs) {
    return build(seed, index, dateMs, "me@sandbox.example", nullptr, Defect::None, false, false).raw;
}

void MailboxGenerator::generate(Mailbox &mailbox, const Options &options) {
    if (options.count <= 0)
        return;
    Rng rng(messageSeed(options.seed, -1));
    const QByteArray own = mailbox.email().toUtf8();
    const qint64 endMs = options.end.toMSecsSinceEpoch();
    const qint64 spanMs = qint64(std::max(1, options.days)) * 24 * 3600 * 1000;
    const qint64 startMs = endMs - spanMs;
    const double slot = double(spanMs) / options.count;
    std::deque<Parent> recent; // candidates a new message may answer

    static const QString inbox = QStringLiteral("INBOX"), sentLabel = QStringLiteral("SENT"),
                         unread = QStringLiteral("UNREAD"), starred = QStringLiteral("STARRED"),
                         important = QStringLiteral("IMPORTANT"), spam = QStringLiteral("SPAM"),
                         trash = QStringLiteral("TRASH");
    static const std::array<QString, 3> categories{QStringLiteral("CATEGORY_PERSONAL"),
                                                   QStringLiteral("CATEGORY_UPDATES"),
                                                   QStringLiteral("CATEGORY_PROMOTIONS")};
    static const std::array<QString, 3> userLabels{QStringLiteral("Label_1"), QStringLiteral("Label_2"),
                                                   QStringLiteral("Label_3")};
    static const std::array<Defect, 6> defects{Defect::MissingBoundary, Defect::HeaderWithoutColon,
                                               Defect::BadBase64,       Defect::NoDate,
                                               Defect::UnknownCharset,  Defect::EightBitHeader};

    for (int i = 0; i < options.count; ++i) {
        // Evenly spread over the window, jittered within each slot, oldest first so replies follow.
        const qint64 dateMs = startMs + qint64(slot * i + double(rng.next() % 1000) / 1000.0 * slot * 0.9);
        const bool reply = !recent.empty() && rng.chance(0.3);
        const Parent *parent = reply ? &recent[std::size_t(rng.below(int(recent.size())))] : nullptr;
        const bool sent = rng.chance(reply ? 0.35 : 0.1);
        const Defect defect = rng.chance(options.malformedRate) ? rng.pick(defects) : Defect::None;
        QStringList labels;
        if (sent) {
            labels << sentLabel;
        } else if (rng.chance(0.02)) {
            labels << spam << unread;
        } else {
            labels << inbox << categories[std::size_t(rng.below(3))];
            if (rng.chance(0.3))
                labels << unread;
            if (rng.chance(0.2))
                labels << important;
        }
        if (rng.chance(0.05))
            labels << starred;
        if (rng.chance(0.1))
            labels << userLabels[std::size_t(rng.below(3))];
        if (rng.chance(0.02)) {
            labels.removeAll(inbox);
            labels << trash;
        }
        // Newsletters and notifications carry list headers (RFC 2369, RFC 8058 one-click unsubscribe).
        const bool bulk = !sent && (labels.contains(categories[1]) || labels.contains(categories[2]));
        const Generated g = build(options.seed, i, dateMs, own, parent, defect, sent, bulk);

        mailbox.add(g.raw, labels, dateMs);

        recent.push_back({g.messageId, g.references, g.subject,
                          g.sent ? parent ? parent->fromAddress : own : g.fromAddress});
        if (recent.size() > 64)
            recent.pop_front();
    }
}

} // namespace sandbox
