#pragma once

#include "ApiMessages.h"

#include <functional>
#include <optional>

namespace sandbox {

// Google's batch endpoint (developers.google.com/gmail/api/guides/batch): a multipart/mixed request whose
// parts (Content-Type: application/http, optional Content-ID) each hold one HTTP request with a path
// only. Outer headers apply to every part except Content-*, unless the part sets its own; outer query
// parameters likewise. At most 100 calls. The answer is multipart/mixed with one application/http part
// per call, in request order, each with Content-ID "response-" + the request's id.
class BatchHandler final {
public:
    static constexpr int kMaxCalls = 100;

    struct Part {
        QByteArray contentId; // as sent, e.g. "<item1>"; empty when absent
        ApiRequest request;
    };

    // The calls of a batch request, or nullopt with the reason in `error`.
    static std::optional<QList<Part>> parse(const ApiRequest &outer, QString *error);

    // Parses `outer`, runs `call` on every part in order and assembles the multipart answer. A
    // request that cannot be parsed, or has more than 100 calls, is answered 400 as a whole.
    static ApiResponse handle(const ApiRequest &outer,
                              const std::function<ApiResponse(const ApiRequest &)> &call);

    // "multipart/mixed; boundary=x" or boundary="x" → x.
    static QByteArray boundaryOf(const QByteArray &contentType);
};

} // namespace sandbox
