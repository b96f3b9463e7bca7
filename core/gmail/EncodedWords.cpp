#include "gmail/EncodedWords.h"

#include <QList>
#include <QRegularExpression>

#include <cctype>

namespace gmail {

namespace {

struct Word {
    qsizetype start = 0;
    qsizetype end = 0;
    QByteArray charset; // as written, may carry an RFC 2231 language ("utf-8*en")
    QByteArray bytes;   // decoded payload
};

// RFC 2047 §4.2 "Q": "_" is a space, "=XX" a byte.
QByteArray decodeQ(const QByteArray &text) {
    QByteArray out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text.at(i);
        if (c == '_') {
            out.append(' ');
        } else if (c == '=' && i + 2 < text.size() &&
                   std::isxdigit(static_cast<unsigned char>(text.at(i + 1))) &&
                   std::isxdigit(static_cast<unsigned char>(text.at(i + 2)))) {
            out.append(QByteArray::fromHex(text.mid(i + 1, 2)));
            i += 2;
        } else {
            out.append(c);
        }
    }
    return out;
}

bool onlyWhitespace(const QByteArray &raw, qsizetype from, qsizetype to) {
    for (qsizetype i = from; i < to; ++i) {
        const char c = raw.at(i);
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            return false;
    }
    return true;
}

} // namespace

QByteArray EncodedWords::mergeAdjacent(const QByteArray &raw) {
    if (!raw.contains("=?"))
        return raw;
    static const QRegularExpression wordRe(QStringLiteral(R"(=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=)"));
    const QString text = QString::fromLatin1(raw); // byte-preserving: offsets equal byte offsets
    QList<Word> words;
    for (auto it = wordRe.globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        Word w;
        w.start = m.capturedStart();
        w.end = m.capturedEnd();
        w.charset = m.captured(1).toLatin1();
        const QByteArray payload = m.captured(3).toLatin1();
        w.bytes = m.captured(2).compare(QLatin1String("b"), Qt::CaseInsensitive) == 0
                      ? QByteArray::fromBase64(payload)
                      : decodeQ(payload);
        words.append(w);
    }
    QByteArray out;
    qsizetype copied = 0;
    bool merged = false;
    for (qsizetype i = 0; i < words.size();) {
        qsizetype j = i + 1;
        QByteArray bytes = words.at(i).bytes;
        while (j < words.size() &&
               words.at(j).charset.compare(words.at(i).charset, Qt::CaseInsensitive) == 0 &&
               onlyWhitespace(raw, words.at(j - 1).end, words.at(j).start)) {
            bytes += words.at(j).bytes;
            ++j;
        }
        if (j - i > 1) {
            out += raw.mid(copied, words.at(i).start - copied);
            out += "=?" + words.at(i).charset + "?B?" + bytes.toBase64() + "?=";
            copied = words.at(j - 1).end;
            merged = true;
        }
        i = j;
    }
    if (!merged)
        return raw;
    out += raw.mid(copied);
    return out;
}

} // namespace gmail
