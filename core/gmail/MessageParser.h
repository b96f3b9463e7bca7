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
// plus warnings. Only a message over the bounds below (or empty) is refused: ParsedMessage::fatalError.
//
// Bodies: every text/plain or text/html leaf outside attached messages whose Content-Disposition is
// absent or "inline" is body text, whatever its name/filename parameter (RFC 2183 §2.3; Gmail shows
// such parts as message text). Each text/plain one is appended to bodyText, each text/html one to
// bodyHtml, in order and separated by a blank line (Apple Mail splits one body around inline images;
// several inline text parts of a multipart/mixed are shown one after the other); both are kept when
// both exist (multipart/alternative). A missing or syntactically invalid Content-Type (e.g. "text"
// without a subtype) reads as text/plain; charset=us-ascii (RFC 2045 §5.2). Everything else is an
// attachment: "attachment" or any unrecognised disposition (RFC 2183 §2.8), non-text leaves, other
// text types (text/calendar), message/rfc822.
class MessageParser final {
public:
    // Bounds on what a sender controls, checked before bytes are copied into Qt strings. Gmail holds
    // no message over 150 MB (the users.messages.import/insert upload limit; 25 MB sent, 50 MB
    // received), so a larger one is a broken answer, not mail.
    static constexpr qsizetype MaxMessageBytes = 160 * 1024 * 1024;
    // The top-level header block (RFC 5322 §2.1, up to the empty line). Real mail has a few KiB; even
    // long Received chains and large visible recipient lists stay well under this. A block over it
    // (or a message with no end of its headers within it) is refused, not read in part.
    static constexpr qsizetype MaxHeaderBlockBytes = 256 * 1024;
    // The decoded Subject (UTF-8), cut on a character boundary with a warning.
    static constexpr qsizetype MaxSubjectBytes = 16 * 1024;
    // A part's decoded file name or Content-ID, cut likewise (file systems stop at 255 bytes).
    static constexpr qsizetype MaxPartNameBytes = 1024;

    MessageParser();

    ParsedMessage parse(const QByteArray &raw, const ParseContext &context = {}) const;
};

} // namespace gmail
