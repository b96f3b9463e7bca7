#pragma once

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace gmail {

// One attachment (or inline image, or attached message) of a parsed message.
struct ParsedAttachment {
    QString filename;     // decoded (RFC 2231 / RFC 2047), may be empty
    QString mimeType;     // lower case, e.g. "image/png"
    qint64 size = 0;      // decoded bytes (after base64/quoted-printable)
    QString attachmentId; // Gmail's attachmentId when known (format=full), else the Gmail-style partId
    QString contentId;    // Content-ID without angle brackets (inline images referenced by cid:)
    bool inlinePart = false;
};

enum class Priority { Normal, High, Low };

// What MessageParser read from one RFC 5322 message. All strings are UTF-8 decoded, NUL-free.
// Addresses: a mailbox with a display name is "Name <addr>" with the name quoted per RFC 5322 §3.4
// when it contains specials ("\"Doe, John\" <john@example.com>"); without a name it is the bare
// addr-spec. Message ids keep their angle brackets ("<id@host>"), references are space-separated.
struct ParsedMessage {
    QString subject;
    QString fromName;
    QString fromAddress;
    QStringList to;
    QStringList cc;
    QStringList bcc;
    QString replyTo;
    QString messageIdHeader;
    QString inReplyTo;
    QString references;
    QDateTime sentAt; // the Date header with its offset; internalDate when missing or unreadable
    QString bodyHtml;
    QString bodyText;
    QList<ParsedAttachment> attachments;
    Priority priority = Priority::Normal;
    QStringList warnings; // what could not be read (never contains message content)
    // Non-empty when the message cannot be stored as read: it is empty, or over one of the bounds in
    // MessageParser (MaxMessageBytes, MaxHeaderBlockBytes). Says why, without message content. The other
    // fields are then empty except sentAt (internalDate) and priority, and the text is also in warnings.
    // A caller should record a per-message failure instead of storing a row. Warnings alone never set it.
    QString fatalError;
};

QString priorityName(Priority p); // "high" | "normal" | "low" (the emails.priority column)

} // namespace gmail
