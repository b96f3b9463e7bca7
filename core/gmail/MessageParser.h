#pragma once

#include "gmail/ParsedMessage.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QStringList>

namespace gmail {

// What Gmail knows about a message besides its bytes.
struct ParseContext {
    QDateTime internalDate;                // fallback when the Date header is missing or unreadable
    QStringList labelIds;                  // IMPORTANT ⇒ high priority
    QHash<QString, QString> attachmentIds; // Gmail partId → attachmentId (from format=full)
};

// Parses format=raw bytes (RFC 5322 / MIME) with GMime 3. Stateless and thread-safe: one instance
// may be shared by all worker threads. Never throws; a malformed message yields what could be read
// plus warnings.
//
// Bodies: every inline (non-attachment) text/plain part outside attached messages is appended to
// bodyText, every inline text/html part to bodyHtml (Apple Mail splits one body around inline
// images); both are kept when both exist. Everything else — parts with a filename or
// "attachment" disposition, non-text leaves, text/calendar, message/rfc822 — is an attachment.
class MessageParser final {
public:
    MessageParser();

    ParsedMessage parse(const QByteArray &raw, const ParseContext &context = {}) const;
};

} // namespace gmail
