#pragma once

#include "log/Redactor.h"

#include <QString>

#include <optional>

namespace auth {

// Where gmail::GmailClient gets its bearer token. The credentials layer implements it per tenant
// (refresh when < 5 min remain, one refresh in flight per tenant); tests use StaticTokenProvider.
// Implementations must be thread-safe: several worker threads of one tenant may ask at once.
class AccessTokenProvider {
public:
    virtual ~AccessTokenProvider() = default;

    // A token valid for at least a few minutes. forceRefresh after a 401: the cached one was refused.
    // On failure returns nullopt and sets *error (never containing a secret). *permanent is set when
    // retrying cannot help (invalid_grant: the integration needs re-authorization).
    virtual std::optional<QString> accessToken(bool forceRefresh, QString *error, bool *permanent) = 0;
};

// A fixed token (tests, the sandbox's /_sandbox/tokens shortcut).
class StaticTokenProvider final : public AccessTokenProvider {
public:
    explicit StaticTokenProvider(QString token)
        : m_token(std::move(token)) {
        logging::Redactor::registerSecret(m_token);
    }
    std::optional<QString> accessToken(bool, QString *, bool *) override { return m_token; }

private:
    QString m_token;
};

} // namespace auth
