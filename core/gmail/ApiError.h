#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>

namespace gmail {

// Why a Gmail call failed. Built from Google's error body
// {"error":{"code","message","status","errors":[{"reason","domain","message"}]}}
// (cloud.google.com/apis/design/errors) or from the transport. Holds no token and no message content.
struct ApiError {
    enum class Kind {
        None,
        Http,          // an HTTP status from Gmail (see httpStatus/status/reason)
        Network,       // connection refused/reset, truncated or unreadable body
        Timeout,       // no complete answer within the request timeout
        Auth,          // no access token could be obtained (may work later)
        AuthPermanent, // the grant is gone (invalid_grant): the integration needs re-authorization
        Cancelled,
        TooLarge, // the answer exceeded its size cap (message: "message too large: N bytes"); not retried
    };
    Kind kind = Kind::None;
    int httpStatus = 0;
    QString status;    // "RESOURCE_EXHAUSTED", "NOT_FOUND", …
    QString reason;    // errors[0].reason: "rateLimitExceeded", "userRateLimitExceeded", "notFound", …
    QString domain;    // errors[0].domain: "usageLimits", "global", …
    QString message;   // Google's human-readable message, or the transport's
    QDateTime retryAt; // "User-rate limit exceeded.  Retry after <RFC 3339 time>" in a rate-limit message
    QString endpoint;  // "users.messages.list GET /gmail/v1/users/me/messages"
    int retries = 0;   // how many retries were made before giving up

    bool isError() const { return kind != Kind::None; }
    // One line for logs and users: what failed, how, and what to do.
    QString toString() const;

    // Reads Google's JSON error body; tolerates an empty or non-JSON body.
    static ApiError fromHttp(int httpStatus, const QByteArray &body, const QString &endpoint);
};

} // namespace gmail
