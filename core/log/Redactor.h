#pragma once

#include <QString>

namespace logging {

// Scrubs free text (error strings from HTTP/SQL layers) before it reaches a log line: every secret value
// the process holds (registered by the code that obtains it: tokens, client secrets, keys), bearer
// credentials, secret fields by name in every spelling the project meets (refresh_token, refreshToken,
// client_secret, clientSecret, …), URL passwords and long opaque runs are replaced, and the text is
// capped. Free text is the only way a secret could slip into a log, so every text field of a LogEvent
// passes through here. Thread-safe.
class Redactor final {
public:
    static constexpr int MaxLength = 400;
    static constexpr int MinSecretLength = 6; // shorter values would redact ordinary words
    static QString scrub(const QString &text);

    // A secret value this process holds; from now on it never appears in a scrubbed text, whatever its
    // length or shape. Registering the same value again is free; at most MaxSecrets are kept (newest).
    static void registerSecret(const QString &value);
    static constexpr int MaxSecrets = 4096;
};

} // namespace logging
