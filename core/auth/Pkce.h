#pragma once

#include <QByteArray>

namespace auth {

// Proof Key for Code Exchange (RFC 7636), as Google requires for installed apps
// (developers.google.com/identity/protocols/oauth2/native-app, step 1).
class Pkce final {
public:
    static constexpr int MinVerifierLength = 43;  // RFC 7636 §4.1
    static constexpr int MaxVerifierLength = 128; // RFC 7636 §4.1

    // A fresh code_verifier of `length` unreserved characters drawn from a CSPRNG (RFC 7636 §4.1, §7.1).
    // length is clamped to [43, 128].
    static QByteArray generateVerifier(int length = 64);
    // RFC 7636 §4.1: 43–128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~".
    static bool isValidVerifier(const QByteArray &verifier);
    // RFC 7636 §4.2: code_challenge = BASE64URL-ENCODE(SHA256(ASCII(code_verifier))).
    static QByteArray challengeS256(const QByteArray &verifier);
    // RFC 7636 §4.6, server side: constant-time comparison of S256(verifier) with the challenge.
    static bool verifyS256(const QByteArray &verifier, const QByteArray &challenge);
};

} // namespace auth
