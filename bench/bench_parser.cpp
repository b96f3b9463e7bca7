// Throughput of gmail::MessageParser on a synthetic set of 10,000 messages in the shapes the parser
// meets in real mailboxes: plain QP text, multipart/alternative HTML mail, mail with base64
// attachments and inline images, legacy 8-bit charsets, iso-2022-jp. Prints messages/s and MB/s for
// 1 thread and for every core. Usage: bench_parser [count]
#include "gmail/MessageParser.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QList>
#include <QRandomGenerator>
#include <QStringConverter>

#include <atomic>
#include <cstdio>
#include <ctime>
#include <thread>
#include <vector>

namespace {

QByteArray words(QRandomGenerator &rng, int bytes) {
    static const char *vocabulary[] = {"meeting", "report",   "invoice",  "schedule", "the",
                                       "and",     "please",   "review",   "attached", "quarterly",
                                       "numbers", "thanks",   "regards",  "tomorrow", "project",
                                       "update",  "deadline", "customer", "café",     "naïve"};
    QByteArray out;
    out.reserve(bytes + 16);
    int column = 0;
    while (out.size() < bytes) {
        const QByteArray w = vocabulary[rng.bounded(20)];
        out += w;
        column += static_cast<int>(w.size()) + 1;
        if (column > 70) {
            out += "\r\n";
            column = 0;
        } else {
            out += ' ';
        }
    }
    return out;
}

QByteArray qp(const QByteArray &utf8) {
    QByteArray out;
    int column = 0;
    for (const char c : utf8) {
        const auto b = static_cast<unsigned char>(c);
        if (c == '\r' || c == '\n') {
            out += c;
            column = 0;
            continue;
        }
        QByteArray piece =
            (b >= 0x80 || c == '=') ? "=" + QByteArray::number(b, 16).toUpper() : QByteArray(1, c);
        if (column + piece.size() > 75) {
            out += "=\r\n";
            column = 0;
        }
        out += piece;
        column += static_cast<int>(piece.size());
    }
    return out;
}

QByteArray base64Lines(const QByteArray &data) {
    const QByteArray b = data.toBase64();
    QByteArray out;
    for (qsizetype i = 0; i < b.size(); i += 76)
        out += b.mid(i, 76) + "\r\n";
    return out;
}

QByteArray headers(int i, const QByteArray &subject, const QByteArray &contentType) {
    return "Received: from mx.example.com (mx.example.com [192.0.2.1]) by mx.google.com with ESMTPS id x" +
           QByteArray::number(i) + "\r\nFrom: \"Sender " + QByteArray::number(i % 97) + "\" <sender" +
           QByteArray::number(i % 97) +
           "@example.com>\r\nTo: Recipient <rcpt@example.org>, \"Doe, Jane\" <jane@example.org>\r\n"
           "Subject: " +
           subject + "\r\nDate: Tue, 14 Nov 2023 09:15:00 +0100\r\nMessage-ID: <bench" +
           QByteArray::number(i) + "@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: " + contentType +
           "\r\n";
}

QByteArray makeMessage(int i, QRandomGenerator &rng) {
    const QByteArray text = words(rng, 1000 + rng.bounded(8000));
    switch (i % 5) {
    case 0: // plain UTF-8, quoted-printable
        return headers(i, "=?UTF-8?Q?Caf=C3=A9_report_" + QByteArray::number(i) + "?=",
                       "text/plain; charset=UTF-8") +
               "Content-Transfer-Encoding: quoted-printable\r\n\r\n" + qp(text);
    case 1: { // multipart/alternative, the shape of most HTML mail
        const QByteArray html = "<html><body><p>" + text + "</p></body></html>";
        return headers(i, "Weekly update " + QByteArray::number(i),
                       "multipart/alternative; boundary=\"alt\"") +
               "\r\n--alt\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: "
               "quoted-printable\r\n\r\n" +
               qp(text) +
               "\r\n--alt\r\nContent-Type: text/html; charset=UTF-8\r\n"
               "Content-Transfer-Encoding: quoted-printable\r\n\r\n" +
               qp(html) + "\r\n--alt--\r\n";
    }
    case 2: { // mixed with an attachment and an inline image
        QByteArray blob(10000 + rng.bounded(60000), Qt::Uninitialized);
        for (auto &b : blob)
            b = static_cast<char>(rng.bounded(256));
        return headers(i, "=?UTF-8?B?" + QByteArray("Rechnung für Kunde").toBase64() + "?=",
                       "multipart/mixed; boundary=\"mix\"") +
               "\r\n--mix\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" + text +
               "\r\n--mix\r\nContent-Type: image/png; name=\"logo.png\"\r\nContent-Disposition: inline; "
               "filename=\"logo.png\"\r\n"
               "Content-ID: <logo@x>\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
               base64Lines(blob.left(4000)) +
               "--mix\r\nContent-Type: application/pdf; name=\"invoice.pdf\"\r\n"
               "Content-Disposition: attachment; filename*=UTF-8''Rechnung%20f%C3%BCr%20Kunde.pdf\r\n"
               "Content-Transfer-Encoding: base64\r\n\r\n" +
               base64Lines(blob) + "--mix--\r\n";
    }
    case 3: { // legacy 8-bit latin1
        auto encoder = QStringEncoder(QStringEncoder::Latin1);
        const QByteArray latin1 = encoder.encode(QString::fromUtf8(text));
        return headers(i, "=?iso-8859-1?Q?Gr=FC=DFe?=", "text/plain; charset=iso-8859-1") +
               "Content-Transfer-Encoding: 8bit\r\n\r\n" + latin1;
    }
    default: { // iso-2022-jp: a stateful charset through iconv ("こんにちは" + ASCII text)
        QByteArray ascii = text.left(3000);
        ascii.removeIf([](char c) { return (c & 0x80) != 0; });
        return headers(i, "=?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?=", "text/plain; charset=ISO-2022-JP") +
               "Content-Transfer-Encoding: 7bit\r\n\r\n\x1b$B$3$s$K$A$O\x1b(B\r\n" + ascii;
    }
    }
}

void run(const QList<QByteArray> &messages, int threads, double megabytes) {
    const gmail::MessageParser parser;
    std::atomic<qsizetype> next{0};
    std::atomic<qint64> checksum{0};
    QElapsedTimer timer;
    timer.start();
    const std::clock_t cpuStart = std::clock(); // process CPU time: a fair figure on a busy machine
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&] {
            qint64 local = 0;
            for (qsizetype i; (i = next++) < messages.size();) {
                const gmail::ParsedMessage m = parser.parse(messages.at(i));
                local += m.bodyText.size() + m.bodyHtml.size() + m.attachments.size();
            }
            checksum += local;
        });
    }
    for (auto &t : pool)
        t.join();
    const double seconds = timer.nsecsElapsed() / 1e9;
    const double cpuSeconds = static_cast<double>(std::clock() - cpuStart) / CLOCKS_PER_SEC;
    std::printf("{\"bench\":\"parser\",\"threads\":%d,\"messages\":%lld,\"megabytes\":%.1f,\"seconds\":%.3f,"
                "\"messagesPerSecond\":%.0f,\"megabytesPerSecond\":%.1f,\"cpuSeconds\":%.3f,"
                "\"messagesPerCpuSecond\":%.0f,\"checksum\":%lld}\n",
                threads, static_cast<long long>(messages.size()), megabytes, seconds,
                messages.size() / seconds, megabytes / seconds, cpuSeconds, messages.size() / cpuSeconds,
                static_cast<long long>(checksum.load()));
}

} // namespace

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    const int count = argc > 1 ? std::atoi(argv[1]) : 10000;
    QRandomGenerator rng(42); // the same set every run
    QList<QByteArray> messages;
    qint64 bytes = 0;
    for (int i = 0; i < count; ++i) {
        messages.append(makeMessage(i, rng));
        bytes += messages.last().size();
    }
    const double megabytes = bytes / 1e6;
    run(messages, 1, megabytes);
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    if (cores > 1)
        run(messages, cores, megabytes);
    return 0;
}
