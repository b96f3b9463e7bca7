#pragma once

#include <QString>

#include <optional>

namespace common {

// Where a Google API client (gmail::GmailClient, push::PubSubPuller) gets its bearer token. It lives
// in the lowest layer so that the clients need not link the credentials layer that implements it:
// auth::TokenManager per tenant (refresh when < 5 min remain, one refresh in flight per tenant),
// auth::StaticTokenProvider in tests and the sandbox shortcut.
// Implementations must be thread-safe: several worker threads of one tenant may ask at once.
class AccessTokenProvider {
public:
    virtual ~AccessTokenProvider() = default;

    // A token valid for at least a few minutes. forceRefresh after a 401: the cached one was refused.
    // On failure returns nullopt and sets *error (never containing a secret). *permanent is set when
    // retrying cannot help (invalid_grant: the integration needs re-authorization).
    virtual std::optional<QString> accessToken(bool forceRefresh, QString *error, bool *permanent) = 0;
};

} // namespace common
