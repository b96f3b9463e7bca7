#include "FakeGmailServer.h"

#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

FakeGmailServer::FakeGmailServer() {
    const auto route = [this](const char *path, const QString &key) {
        m_server.route(QString::fromLatin1(path),
                       [this, key](const QHttpServerRequest &request) { return answer(key, request); });
    };
    route("/gmail/v1/users/me/profile", QStringLiteral("profile"));
    route("/gmail/v1/users/me/messages", QStringLiteral("messages"));
    route("/gmail/v1/users/me/history", QStringLiteral("history"));
    route("/gmail/v1/users/me/watch", QStringLiteral("watch"));
    route("/gmail/v1/users/me/stop", QStringLiteral("stop"));
    m_server.route(QStringLiteral("/gmail/v1/users/me/messages/<arg>"),
                   [this](const QString &id, const QHttpServerRequest &request) {
                       return answer(QStringLiteral("message:") + id, request);
                   });
    m_server.route(QStringLiteral("/batch/gmail/v1"),
                   [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                       if (m_hangBatches > 0) {
                           --m_hangBatches;
                           m_seen.append({QStringLiteral("batch-hung"), request.url(),
                                          request.value("Authorization"), request.body(), 0});
                           m_hung.push_back(std::make_unique<QHttpServerResponder>(std::move(responder)));
                           return;
                       }
                       batch(request).write(std::move(responder));
                   });
    m_port = m_server.listen(QHostAddress::LocalHost, 0);
}

FakeGmailServer::~FakeGmailServer() = default;

QUrl FakeGmailServer::baseUrl() const {
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port));
}

void FakeGmailServer::script(const QString &key, const QList<Answer> &answers) {
    m_script[key] += answers;
}

int FakeGmailServer::count(const QString &key) const {
    return static_cast<int>(
        std::count_if(m_seen.begin(), m_seen.end(), [&](const Seen &s) { return s.key == key; }));
}

QList<int> FakeGmailServer::batchSizes() const {
    QList<int> sizes;
    for (const Seen &s : m_seen) {
        if (s.key == u"batch")
            sizes.append(s.batchParts);
    }
    return sizes;
}

QByteArray FakeGmailServer::rawMessageFor(const QString &id) {
    QByteArray raw = "From: a@example.com\r\nSubject: message " + id.toLatin1() + "\r\n\r\nBody of " +
                     id.toLatin1() + "\r\n";
    if (id.startsWith(u"std")) // 8-bit bytes whose base64 holds '+' and '/' (0xFB 0xEF 0xBE -> "++++")
        raw += "\xfb\xef\xbe\xff\xff\xff\r\n";
    return raw;
}

FakeGmailServer::Answer FakeGmailServer::next(const QString &key) {
    auto it = m_script.find(key);
    if (it == m_script.end() || it->isEmpty())
        return {};
    return it->takeFirst();
}

QByteArray FakeGmailServer::errorBody(int status, const QString &reason) {
    // Google's error shape (cloud.google.com/apis/design/errors).
    const QString statusName = status == 429   ? QStringLiteral("RESOURCE_EXHAUSTED")
                               : status == 404 ? QStringLiteral("NOT_FOUND")
                               : status == 401 ? QStringLiteral("UNAUTHENTICATED")
                               : status == 403 ? QStringLiteral("PERMISSION_DENIED")
                                               : QStringLiteral("UNAVAILABLE");
    QJsonObject error{{QStringLiteral("code"), status},
                      {QStringLiteral("message"), QStringLiteral("scripted failure")},
                      {QStringLiteral("status"), statusName}};
    if (!reason.isEmpty())
        error.insert(
            QStringLiteral("errors"),
            QJsonArray{QJsonObject{{QStringLiteral("reason"), reason},
                                   {QStringLiteral("domain"), QStringLiteral("usageLimits")},
                                   {QStringLiteral("message"), QStringLiteral("scripted failure")}}});
    return QJsonDocument(QJsonObject{{QStringLiteral("error"), error}}).toJson(QJsonDocument::Compact);
}

QByteArray FakeGmailServer::successBody(const QString &key) const {
    QJsonObject o;
    if (key == u"profile") {
        o = {{QStringLiteral("emailAddress"), QStringLiteral("a@example.com")},
             {QStringLiteral("messagesTotal"), 100},
             {QStringLiteral("threadsTotal"), 90},
             {QStringLiteral("historyId"), QStringLiteral("123456")}};
    } else if (key == u"messages") {
        return R"({"messages":[{"id":"m1","threadId":"t1"},{"id":"m2","threadId":"t1"}],)"
               R"("nextPageToken":"page-2","resultSizeEstimate":2})";
    } else if (key == u"watch") {
        o = {{QStringLiteral("historyId"), QStringLiteral("777")},
             {QStringLiteral("expiration"), QStringLiteral("1700000000000")}};
    } else if (key == u"stop") {
        return {};
    } else if (key.startsWith(u"message:")) {
        const QString id = key.mid(8);
        o = {{QStringLiteral("id"), id},
             {QStringLiteral("threadId"), QString(QStringLiteral("t-") + id)},
             {QStringLiteral("labelIds"), QJsonArray{QStringLiteral("INBOX"), QStringLiteral("UNREAD")}},
             {QStringLiteral("snippet"), QString(QStringLiteral("Body of ") + id)},
             {QStringLiteral("historyId"), QStringLiteral("1001")},
             {QStringLiteral("internalDate"), QStringLiteral("1699950000000")},
             {QStringLiteral("sizeEstimate"), 64},
             // "std…" ids: the standard alphabet with padding, as some non-Google servers send it.
             {QStringLiteral("raw"),
              QString::fromLatin1(id.startsWith(u"std")
                                      ? rawMessageFor(id).toBase64()
                                      : rawMessageFor(id).toBase64(QByteArray::Base64UrlEncoding |
                                                                   QByteArray::OmitTrailingEquals))}};
    }
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QHttpServerResponse FakeGmailServer::answer(const QString &key, const QHttpServerRequest &request) {
    m_seen.append({key, request.url(), request.value("Authorization"), request.body(), 0});
    Answer a = next(key);
    if (a.status == 200 && key.startsWith(u"message:")) {
        static const QRegularExpression known(QStringLiteral("^(m|std)\\d\\d?$"));
        if (!known.match(key.mid(8)).hasMatch())
            a.status = 404;
    }
    QByteArray body = a.body;
    if (body.isEmpty())
        body = a.status == 200 ? successBody(key) : errorBody(a.status, a.reason);
    QHttpServerResponse response("application/json; charset=UTF-8", body,
                                 static_cast<QHttpServerResponse::StatusCode>(a.status));
    for (const auto &[name, value] : a.headers)
        response.addHeader(name, value);
    return response;
}

QHttpServerResponse FakeGmailServer::batch(const QHttpServerRequest &request) {
    // Parts as the client sent them: Content-ID and "GET /gmail/v1/users/me/messages/ID?format=raw".
    static const QRegularExpression partRe(QStringLiteral(
        R"(Content-ID: <([^>]+)>\r?\n\r?\nGET /gmail/v1/users/me/messages/([^?\s]+)\?format=raw)"));
    QList<QPair<QString, QString>> parts;
    for (auto it = partRe.globalMatch(QString::fromLatin1(request.body())); it.hasNext();) {
        const auto m = it.next();
        parts.append({m.captured(1), m.captured(2)});
    }
    m_seen.append({QStringLiteral("batch"), request.url(), request.value("Authorization"), request.body(),
                   static_cast<int>(parts.size())});
    const Answer outer = next(QStringLiteral("batch"));
    if (outer.status != 200) {
        QHttpServerResponse response("application/json; charset=UTF-8",
                                     outer.body.isEmpty() ? errorBody(outer.status, outer.reason)
                                                          : outer.body,
                                     static_cast<QHttpServerResponse::StatusCode>(outer.status));
        for (const auto &[name, value] : outer.headers)
            response.addHeader(name, value);
        return response;
    }
    const QByteArray boundary = "batch_fake_boundary";
    QByteArray body;
    for (const auto &[contentId, id] : parts) {
        const QString key = QStringLiteral("message:") + id;
        m_seen.append({key, request.url(), request.value("Authorization"), {}, 0});
        Answer a = next(key);
        static const QRegularExpression known(QStringLiteral("^(m|std)\\d\\d?$"));
        if (a.status == 200 && !known.match(id).hasMatch())
            a.status = 404;
        QByteArray inner = a.body;
        if (inner.isEmpty())
            inner = a.status == 200 ? successBody(key) : errorBody(a.status, a.reason);
        body += "--" + boundary + "\r\nContent-Type: application/http\r\nContent-ID: <response-" +
                contentId.toLatin1() + ">\r\n\r\nHTTP/1.1 " + QByteArray::number(a.status) +
                " X\r\nContent-Type: application/json; charset=UTF-8\r\n";
        for (const auto &[name, value] : a.headers)
            body += name + ": " + value + "\r\n";
        body += "\r\n" + inner + "\r\n";
    }
    body += "--" + boundary + "--\r\n";
    return QHttpServerResponse("multipart/mixed; boundary=" + boundary, body);
}
