#pragma once

#include <QString>

namespace logging {

// Scrubs free text (error strings from HTTP/SQL layers) before it reaches a log line: bearer tokens,
// OAuth token fields, key material and long opaque runs are replaced, and the text is capped. Free text
// is the only way a secret could slip into a log, so every text field of a LogEvent passes through here.
class Redactor final {
public:
    static constexpr int MaxLength = 400;
    static QString scrub(const QString &text);
};

} // namespace logging
