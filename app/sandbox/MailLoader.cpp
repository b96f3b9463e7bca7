#include "MailLoader.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <gmime/gmime.h>

namespace sandbox {

namespace {

// The Date header as epoch ms (RFC 5322 §3.3), or `fallback` when missing or unreadable; Gmail uses
// the Date of imported mail as its internalDate.
qint64 dateOf(const QByteArray &raw, qint64 fallback) {
    qsizetype end = raw.indexOf("\r\n\r\n");
    const qsizetype lfEnd = raw.indexOf("\n\n");
    if (end < 0 || (lfEnd >= 0 && lfEnd < end))
        end = lfEnd;
    const QByteArray block = end < 0 ? raw : raw.left(end);
    qsizetype pos = 0;
    while (pos < block.size()) {
        qsizetype eol = block.indexOf('\n', pos);
        if (eol < 0)
            eol = block.size();
        const QByteArray line = block.mid(pos, eol - pos);
        if (line.size() > 5 && qstrnicmp(line.constData(), "Date:", 5) == 0) {
            QByteArray value = line.mid(5);
            qsizetype next = eol + 1;
            while (next < block.size() && (block.at(next) == ' ' || block.at(next) == '\t')) {
                qsizetype e = block.indexOf('\n', next);
                if (e < 0)
                    e = block.size();
                value += block.mid(next, e - next);
                next = e + 1;
            }
            // GMime reads what real mail carries: obsolete zones (GMT, EST), two-digit years, comments.
            GDateTime *date = g_mime_utils_header_decode_date(value.simplified().constData());
            if (!date)
                return fallback;
            const qint64 ms = g_date_time_to_unix(date) * 1000;
            g_date_time_unref(date);
            return ms;
        }
        pos = eol + 1;
    }
    return fallback;
}

bool isMbox(const QByteArray &data) {
    return data.startsWith("From ");
}

// mboxrd/mboxo (RFC 4155): messages start at lines beginning "From "; a body line that starts with
// ">From " (or ">>From " …) had one ">" added when it was written, which we take away again.
QList<QByteArray> splitMbox(const QByteArray &data) {
    QList<QByteArray> messages;
    QByteArray current;
    bool inMessage = false;
    qsizetype pos = 0;
    while (pos < data.size()) {
        qsizetype eol = data.indexOf('\n', pos);
        const qsizetype next = eol < 0 ? data.size() : eol + 1;
        QByteArrayView line = QByteArrayView(data).sliced(pos, next - pos);
        if (line.startsWith("From ")) {
            if (inMessage)
                messages.append(current);
            current.clear();
            inMessage = true;
        } else if (inMessage) {
            qsizetype quotes = 0;
            while (quotes < line.size() && line.at(quotes) == '>')
                ++quotes;
            if (quotes > 0 && line.sliced(quotes).startsWith("From "))
                line = line.sliced(1);
            current += line;
        }
        pos = next;
    }
    if (inMessage)
        messages.append(current);
    for (QByteArray &message : messages) {
        // The empty line that separates messages belongs to the mbox, not to the message.
        if (message.endsWith("\r\n\r\n"))
            message.chop(2);
        else if (message.endsWith("\n\n"))
            message.chop(1);
        // Stored messages use CRLF like the rest of the sandbox (RFC 5322 §2.1).
        if (!message.contains("\r\n"))
            message.replace("\n", "\r\n");
    }
    return messages;
}

} // namespace

bool MailLoader::load(Mailbox &mailbox, const QString &path, QString *error) {
    const QFileInfo info(path);
    QStringList files;
    if (info.isDir()) {
        const QDir dir(path);
        const QStringList names = dir.entryList(QDir::Files | QDir::Readable, QDir::Name);
        for (const QString &name : names)
            files.append(dir.filePath(name));
    } else if (info.isFile()) {
        files.append(path);
    } else {
        if (error)
            *error =
                QStringLiteral("Mail path %1 is neither a file nor a directory; pass a .eml/mbox file or a "
                               "directory of them.")
                    .arg(path);
        return false;
    }

    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    static const QStringList labels{QStringLiteral("INBOX"), QStringLiteral("UNREAD")};
    for (const QString &file : std::as_const(files)) {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly)) {
            if (error)
                *error = QStringLiteral("Cannot read %1: %2").arg(file, f.errorString());
            return false;
        }
        const QByteArray data = f.readAll();
        if (isMbox(data)) {
            for (const QByteArray &raw : splitMbox(data))
                mailbox.add(raw, labels, dateOf(raw, now));
        } else if (file.endsWith(u".eml", Qt::CaseInsensitive)) {
            QByteArray raw = data;
            if (!raw.contains("\r\n"))
                raw.replace("\n", "\r\n");
            mailbox.add(raw, labels, dateOf(raw, now));
        }
        // Other files in the directory (README, index files) are not mail: skipped.
    }
    return true;
}

} // namespace sandbox
