#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <optional>

namespace gmail {

// The wire format of Google's batch endpoint (developers.google.com/gmail/api/guides/batch):
// a multipart/mixed body whose parts are `application/http` requests ("GET /path", no host) with a
// Content-ID; the answer is multipart/mixed too, one HTTP response per part, Content-ID
// "response-<id>", in request order.
class BatchCodec final {
public:
    struct Request {
        QByteArray contentId; // without angle brackets
        QByteArray method;    // "GET"
        QByteArray path;      // "/gmail/v1/users/me/messages/ID?format=raw" (encoded)
    };
    struct Response {
        QByteArray contentId; // with "response-" removed, without angle brackets
        int status = 0;
        QHash<QByteArray, QByteArray> headers; // names lower case
        QByteArray body;
    };

    // The request body; *contentType receives "multipart/mixed; boundary=…".
    static QByteArray encode(const QList<Request> &requests, QByteArray *contentType);

    // The parts of a batch answer (parsed with GMime). nullopt when it is not a readable
    // multipart/mixed body; *error then says why (never with content).
    static std::optional<QList<Response>> decode(const QByteArray &contentType, const QByteArray &body,
                                                 QString *error);

private:
    BatchCodec() = delete;
};

} // namespace gmail
