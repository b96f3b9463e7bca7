#include "ControlRoutes.h"

#include "FaultInjector.h"
#include "GoogleError.h"
#include "MailLoader.h"
#include "Mailbox.h"
#include "MailboxGenerator.h"
#include "MailboxStore.h"
#include "QuotaLimiter.h"

#include "SandboxServer.h"
#include "TokenStore.h"
#include <optional>

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

#include <thread>

namespace sandbox {

namespace {

std::optional<QJsonObject> jsonBody(const ApiRequest &request, ApiResponse *error) {
    if (request.body.trimmed().isEmpty())
        return QJsonObject();
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &parseError);
    if (!doc.isObject()) {
        *error = GoogleError::badRequest(QStringLiteral("Invalid JSON payload received: ") +
                                         parseError.errorString());
        return std::nullopt;
    }
    return doc.object();
}

QStringList stringList(const QJsonValue &value) {
    QStringList out;
    for (const QJsonValue &v : value.toArray())
        out.append(v.toString());
    return out;
}

// Numbers may come as JSON numbers or as strings of digits (Gmail writes int64 values as strings).
qint64 int64Of(const QJsonValue &value, qint64 fallback) {
    if (value.isDouble())
        return qint64(value.toDouble());
    if (value.isString()) {
        bool ok = false;
        const qint64 v = value.toString().toLongLong(&ok);
        return ok ? v : fallback;
    }
    return fallback;
}

QJsonObject messageSummary(const StoredMessage &m) {
    return QJsonObject{{QStringLiteral("id"), m.id},
                       {QStringLiteral("threadId"), m.threadId},
                       {QStringLiteral("labelIds"), QJsonArray::fromStringList(m.labelIds)},
                       // As Gmail writes it: epoch milliseconds as a decimal string.
                       {QStringLiteral("internalDate"), QString::number(m.internalDateMs)}};
}

} // namespace

ControlRoutes::ControlRoutes(SandboxServer &server)
    : m_server(server) {}

std::optional<ApiResponse> ControlRoutes::handle(const ApiRequest &request) {
    const QStringList p = request.path.split(QLatin1Char('/'), Qt::SkipEmptyParts); // "_sandbox", …
    const QByteArray &m = request.method;
    const qsizetype n = p.size();
    if (n < 2 || p[0] != QStringLiteral("_sandbox"))
        return std::nullopt;
    const QString &what = p[1];
    if (what == QStringLiteral("users")) {
        if (n == 2 && m == "GET")
            return listUsers();
        if (n == 2 && m == "POST")
            return createUser(request);
        if (n < 4)
            return std::nullopt;
        const QString &email = p[2];
        if (n == 4 && p[3] == QStringLiteral("messages") && m == "POST")
            return addMessage(email, request);
        if (n == 5 && p[3] == QStringLiteral("messages") && m == "DELETE")
            return deleteMessage(email, p[4]);
        if (n == 6 && p[3] == QStringLiteral("messages") && p[5] == QStringLiteral("modify") && m == "POST")
            return modifyMessage(email, p[4], request);
        if (n == 4 && p[3] == QStringLiteral("expire-history") && m == "POST")
            return expireHistory(email);
        if (n == 4 && p[3] == QStringLiteral("state") && m == "GET")
            return state(email);
        if (n == 5 && p[3] == QStringLiteral("labels") && m == "PUT")
            return defineLabel(email, p[4], request);
        return std::nullopt;
    }
    if (what == QStringLiteral("tokens") && n == 2 && m == "POST")
        return issueToken(request);
    if (what == QStringLiteral("faults") && n == 2) {
        if (m == "PUT" || m == "POST")
            return setFaults(request);
        if (m == "GET")
            return faults();
        if (m == "DELETE") {
            m_server.faults().reset();
            m_server.restoreDefaultQuota();
            return faults();
        }
    }
    if (what == QStringLiteral("stats")) {
        if (n == 2 && m == "GET")
            return ApiResponse::json(m_server.statsJson());
        if (n == 3 && p[2] == QStringLiteral("reset") && m == "POST") {
            m_server.resetStats();
            return ApiResponse::json(m_server.statsJson());
        }
    }
    if (what == QStringLiteral("watches") && n == 2 && m == "GET") {
        QJsonArray list;
        for (const GmailRoutes::Watch &w : m_server.watches())
            list.append(QJsonObject{{QStringLiteral("email"), w.email},
                                    {QStringLiteral("topicName"), w.topicName},
                                    {QStringLiteral("labelIds"), QJsonArray::fromStringList(w.labelIds)},
                                    {QStringLiteral("labelFilterBehavior"), w.labelFilterBehavior},
                                    {QStringLiteral("historyId"), QString::number(w.historyId)},
                                    {QStringLiteral("expiration"), QString::number(w.expirationMs)}});
        return ApiResponse::json(QJsonObject{{QStringLiteral("watches"), list}});
    }
    return std::nullopt;
}

ApiResponse ControlRoutes::listUsers() {
    QJsonArray users;
    for (const QString &email : m_server.mailboxes().emails()) {
        if (const auto box = m_server.mailboxes().find(email))
            users.append(QJsonObject{{QStringLiteral("email"), box->email()},
                                     {QStringLiteral("historyId"), QString::number(box->historyId())},
                                     {QStringLiteral("messagesTotal"), box->messagesTotal()}});
    }
    return ApiResponse::json(QJsonObject{{QStringLiteral("users"), users}});
}

ApiResponse ControlRoutes::createUser(const ApiRequest &request) {
    ApiResponse error;
    const auto body = jsonBody(request, &error);
    if (!body)
        return error;
    const QString email = body->value(QStringLiteral("email")).toString();
    if (!email.contains(QLatin1Char('@')))
        return GoogleError::invalidArgument(QStringLiteral("email must be an address"));
    const std::shared_ptr<Mailbox> box = m_server.mailboxes().create(email);
    const int generate = int(int64Of(body->value(QStringLiteral("generate")), 0));
    const QString mailDir = body->value(QStringLiteral("mailDir")).toString();
    QString why;
    // On a thread of its own, like gmail-sandbox's start-up: the messages land in that thread's malloc
    // arena, not in the one the server thread allocates every answer from.
    std::thread build([&]() {
        if (generate > 0) {
            MailboxGenerator::Options options;
            options.count = generate;
            options.seed = quint32(int64Of(body->value(QStringLiteral("seed")), 1));
            options.days = int(int64Of(body->value(QStringLiteral("days")), 180));
            options.end = QDateTime::currentDateTimeUtc();
            MailboxGenerator::generate(*box, options);
        }
        if (!mailDir.isEmpty() && !MailLoader::load(*box, mailDir, &why))
            why = QStringLiteral("Cannot load mail: ") + why;
    });
    build.join();
    if (!why.isEmpty())
        return GoogleError::invalidArgument(why);
    return ApiResponse::json(QJsonObject{{QStringLiteral("email"), box->email()},
                                         {QStringLiteral("historyId"), QString::number(box->historyId())},
                                         {QStringLiteral("messagesTotal"), box->messagesTotal()}},
                             201);
}

ApiResponse ControlRoutes::addMessage(const QString &email, const ApiRequest &request) {
    const auto box = m_server.mailboxes().find(email);
    if (!box)
        return GoogleError::notFound();
    ApiResponse error;
    const auto body = jsonBody(request, &error);
    if (!body)
        return error;
    const QByteArray encoded = body->value(QStringLiteral("raw")).toString().toLatin1();
    // Gmail's raw is base64url; plain base64 is accepted too.
    auto raw = QByteArray::fromBase64Encoding(encoded, QByteArray::Base64UrlEncoding |
                                                           QByteArray::AbortOnBase64DecodingErrors);
    if (!raw)
        raw = QByteArray::fromBase64Encoding(encoded, QByteArray::AbortOnBase64DecodingErrors);
    if (!raw || raw.decoded.isEmpty())
        return GoogleError::invalidArgument(
            QStringLiteral("raw must be the base64url-encoded RFC 822 message"));
    QStringList labels = stringList(body->value(QStringLiteral("labelIds")));
    if (!body->contains(QStringLiteral("labelIds")))
        labels = {QStringLiteral("INBOX"), QStringLiteral("UNREAD")};
    const qint64 internalDate =
        int64Of(body->value(QStringLiteral("internalDate")), QDateTime::currentMSecsSinceEpoch());
    const StoredMessage m =
        box->add(*raw, labels, internalDate, body->value(QStringLiteral("threadId")).toString());
    return ApiResponse::json(QJsonObject{{QStringLiteral("id"), m.id},
                                         {QStringLiteral("threadId"), m.threadId},
                                         {QStringLiteral("historyId"), QString::number(m.historyId)}});
}

ApiResponse ControlRoutes::deleteMessage(const QString &email, const QString &id) {
    const auto box = m_server.mailboxes().find(email);
    if (!box || !box->remove(id))
        return GoogleError::notFound();
    return ApiResponse::json(QJsonObject{{QStringLiteral("historyId"), QString::number(box->historyId())}});
}

ApiResponse ControlRoutes::modifyMessage(const QString &email, const QString &id, const ApiRequest &request) {
    const auto box = m_server.mailboxes().find(email);
    if (!box)
        return GoogleError::notFound();
    ApiResponse error;
    const auto body = jsonBody(request, &error);
    if (!body)
        return error;
    if (!box->modifyLabels(id, stringList(body->value(QStringLiteral("addLabelIds"))),
                           stringList(body->value(QStringLiteral("removeLabelIds")))))
        return GoogleError::notFound();
    const auto m = box->message(id);
    if (!m)
        return GoogleError::notFound();
    QJsonObject result = messageSummary(*m);
    result.insert(QStringLiteral("historyId"), QString::number(box->historyId()));
    return ApiResponse::json(result);
}

ApiResponse ControlRoutes::expireHistory(const QString &email) {
    const auto box = m_server.mailboxes().find(email);
    if (!box)
        return GoogleError::notFound();
    box->expireHistory();
    return ApiResponse::json(
        QJsonObject{{QStringLiteral("historyId"), QString::number(box->historyId())},
                    {QStringLiteral("oldestHistoryId"), QString::number(box->oldestHistoryId())}});
}

// PUT /_sandbox/users/{email}/labels/{id} {"name": "...", "textColor"?, "backgroundColor"?}: creates or
// renames a user label (what a user does in Gmail's settings; Gmail writes no history record for it).
ApiResponse ControlRoutes::defineLabel(const QString &email, const QString &id, const ApiRequest &request) {
    const auto box = m_server.mailboxes().find(email);
    if (!box)
        return GoogleError::notFound();
    ApiResponse error;
    const auto body = jsonBody(request, &error);
    if (!body)
        return error;
    if (!box->defineLabel(id, body->value(QStringLiteral("name")).toString(),
                          body->value(QStringLiteral("textColor")).toString(),
                          body->value(QStringLiteral("backgroundColor")).toString()))
        return GoogleError::invalidArgument(
            QStringLiteral("a user label needs an id that is not a system label's and a name"));
    return ApiResponse::json(LabelCatalog::toJson(*box->label(id)));
}

ApiResponse ControlRoutes::state(const QString &email) {
    const auto box = m_server.mailboxes().find(email);
    if (!box)
        return GoogleError::notFound();
    const quint64 historyId = box->historyId(); // before the list: nothing newer is missed
    QJsonArray messages;
    for (const StoredMessage &m : box->messages())
        messages.append(messageSummary(m));
    return ApiResponse::json(QJsonObject{{QStringLiteral("email"), box->email()},
                                         {QStringLiteral("historyId"), QString::number(historyId)},
                                         {QStringLiteral("messages"), messages}});
}

ApiResponse ControlRoutes::issueToken(const ApiRequest &request) {
    ApiResponse error;
    const auto body = jsonBody(request, &error);
    if (!body)
        return error;
    const QString email = body->value(QStringLiteral("email")).toString();
    if (!email.contains(QLatin1Char('@')))
        return GoogleError::invalidArgument(QStringLiteral("email must be an address"));
    QStringList scopes = stringList(body->value(QStringLiteral("scopes")));
    if (scopes.isEmpty())
        scopes = {QStringLiteral("https://www.googleapis.com/auth/gmail.readonly")};
    const int ttl = int(int64Of(body->value(QStringLiteral("ttl")), 3600));
    const QString token = m_server.tokens().issueAccessToken(email, scopes, ttl);
    // The token endpoint's answer shape (RFC 6749 §5.1).
    return ApiResponse::json(QJsonObject{{QStringLiteral("access_token"), token},
                                         {QStringLiteral("expires_in"), ttl},
                                         {QStringLiteral("token_type"), QStringLiteral("Bearer")},
                                         {QStringLiteral("scope"), scopes.join(QLatin1Char(' '))}});
}

ApiResponse ControlRoutes::setFaults(const ApiRequest &request) {
    ApiResponse error;
    const auto body = jsonBody(request, &error);
    if (!body)
        return error;
    QString why;
    std::optional<gmail::QuotaProfile> profile;
    if (body->contains(QStringLiteral("quotaProfile"))) {
        profile = gmail::QuotaProfile::fromName(body->value(QStringLiteral("quotaProfile")).toString(), &why);
        if (!profile)
            return GoogleError::invalidArgument(why);
    }
    if (!m_server.faults().configure(*body, &why))
        return GoogleError::invalidArgument(why);
    if (profile) // its costs and its per-user rate; quotaUnitsPerSecond below may set a lower limit
        m_server.quota().setProfile(*profile);
    if (body->contains(QStringLiteral("quotaUnitsPerSecond")))
        m_server.quota().setUnitsPerSecond(body->value(QStringLiteral("quotaUnitsPerSecond")).toDouble());
    return faults();
}

ApiResponse ControlRoutes::faults() {
    QJsonObject o = m_server.faults().toJson();
    o.insert(QStringLiteral("quotaUnitsPerSecond"), m_server.quota().unitsPerSecond());
    o.insert(QStringLiteral("quotaProfile"), m_server.quota().profile().name);
    return ApiResponse::json(o);
}

} // namespace sandbox
