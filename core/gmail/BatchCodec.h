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
        bool tooLarge = false; // the part is over maxPartBytes: status 0, body not copied
        qint64 size = 0;       // tooLarge: the part's size
    };

    // The request body; *contentType receives "multipart/mixed; boundary=…".
    static QByteArray encode(const QList<Request> &requests, QByteArray *contentType);

    // The parts of a batch answer (parsed with GMime). nullopt when it is not a readable
    // multipart/mixed body; *error then says why (never with content). A part larger than
    // maxPartBytes (0: no cap) is not copied: tooLarge, with its size. An embedded HTTP head longer
    // than MaxHeadBytes makes its part unreadable (status 0) instead of being copied.
    static std::optional<QList<Response>> decode(const QByteArray &contentType, const QByteArray &body,
                                                 QString *error, qint64 maxPartBytes = 0);
    static constexpr qsizetype MaxHeadBytes = 64 * 1024;

private:
    BatchCodec() = delete;
};

} // namespace gmail
