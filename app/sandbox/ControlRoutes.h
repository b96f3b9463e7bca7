#pragma once

#include "ApiMessages.h"

#include <optional>

namespace sandbox {

class SandboxServer;

// The sandbox's own control API under /_sandbox/ (no auth; SandboxServer admits loopback peers only):
// users and their messages, history expiry, mailbox state for comparisons, test tokens, faults and
// stats. Documented in app/sandbox/README.md.
class ControlRoutes final {
public:
    explicit ControlRoutes(SandboxServer &server);

    // nullopt when the path is no control route of this class (another service may own it).
    std::optional<ApiResponse> handle(const ApiRequest &request);

private:
    ApiResponse listUsers();
    ApiResponse createUser(const ApiRequest &request);
    ApiResponse addMessage(const QString &email, const ApiRequest &request);
    ApiResponse deleteMessage(const QString &email, const QString &id);
    ApiResponse modifyMessage(const QString &email, const QString &id, const ApiRequest &request);
    ApiResponse expireHistory(const QString &email);
    ApiResponse defineLabel(const QString &email, const QString &id, const ApiRequest &request);
    ApiResponse state(const QString &email);
    ApiResponse issueToken(const ApiRequest &request);
    ApiResponse setFaults(const ApiRequest &request);
    ApiResponse faults();

    SandboxServer &m_server;
};

} // namespace sandbox
