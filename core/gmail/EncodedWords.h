#pragma once

#include <QByteArray>

namespace gmail {

// RFC 2047 §6.2 says each encoded word must hold whole characters, yet many senders split a
// multibyte character across two adjacent words (Outlook, PHP mailers). This joins runs of adjacent
// encoded words of the same charset into one B-encoded word, so the charset decoder sees whole
// characters; GMime then decodes the result.
class EncodedWords final {
public:
    // Returns raw unchanged when nothing needed joining.
    static QByteArray mergeAdjacent(const QByteArray &raw);

private:
    EncodedWords() = delete;
};

} // namespace gmail
