#pragma once

#include "ApiMessages.h"

#include <QString>

namespace sandbox {

// Google's JSON error bodies, as the Gmail API sends them
// (developers.google.com/gmail/api/guides/handle-errors; the "status" member is the google.rpc.Code
// name that every Google API adds, https://cloud.google.com/apis/design/errors#http_mapping):
//   {"error":{"code":404,"message":"…","status":"NOT_FOUND",
//             "errors":[{"message":"…","domain":"global","reason":"notFound"}]}}
class GoogleError final {
public:
    static ApiResponse make(int code, const QString &message, const QString &reason,
                            const QString &domain = QStringLiteral("global"), const QString &location = {},
                            const QString &locationType = {});

    static ApiResponse notFound();
    static ApiResponse invalidArgument(const QString &message);
    static ApiResponse badRequest(const QString &message);
    // Missing credentials vs. unknown/expired token differ in message and reason, both 401.
    static ApiResponse unauthenticated(bool credentialsMissing);
    static ApiResponse delegationDenied(const QString &email);
    static ApiResponse quotaExceeded(qint64 retryAfterMs); // per-user quota: 429 rateLimitExceeded
    static ApiResponse rateLimitExceeded();                // injected 429
    static ApiResponse tooManyConcurrentRequests();        // 429 over maxConcurrentPerUser
    static ApiResponse userRateLimitExceeded();            // injected 403
    static ApiResponse backendError();                     // injected 500
    static ApiResponse serviceUnavailable();               // injected 503
    static ApiResponse methodNotAllowed();

    // google.rpc.Code name for an HTTP status (https://cloud.google.com/apis/design/errors#http_mapping).
    static QString statusName(int httpStatus);
};

} // namespace sandbox
