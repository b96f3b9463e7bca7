#include "gmail/GmailClient.h"

#include "gmail/GmailJson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

#include <algorithm>

namespace gmail {

GmailClient::GmailClient(GmailClientSettings settings, common::AccessTokenProvider *tokens, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_transport(m_settings, tokens)
    , m_fetcher(m_settings, m_transport, userPath()) {}

GmailClient::~GmailClient() = default;

QString GmailClient::userPath() const {
    return QStringLiteral("/gmail/v1/users/") +
           QString::fromLatin1(QUrl::toPercentEncoding(m_settings.userId));
}

GmailTransport::Call GmailClient::jsonCall(const QString &path, const QString &method,
                                           const QString &costName) const {
    GmailTransport::Call c;
    c.path = userPath() + path;
    c.cost = m_settings.quota.cost(costName);
    c.method = method;
    c.validate = [](const GmailTransport::Reply &r) { return json::isObject(r.body); };
    return c;
}

std::optional<QJsonObject> GmailClient::call(const GmailTransport::Call &c) {
    const auto reply = m_transport.execute(c);
    if (!reply)
        return std::nullopt;
    return json::object(reply->body);
}

std::optional<Profile> GmailClient::profile() {
    const auto o = call(jsonCall(QStringLiteral("/profile"), QStringLiteral("users.getProfile"),
                                 QStringLiteral("getProfile")));
    return o ? std::optional(json::profile(*o)) : std::nullopt;
}

std::optional<MessageListPage> GmailClient::listMessages(const QString &q, const QStringList &labelIds,
                                                         bool includeSpamTrash, const QString &pageToken,
                                                         int maxResults) {
    GmailTransport::Call c = jsonCall(QStringLiteral("/messages"), QStringLiteral("users.messages.list"),
                                      QStringLiteral("messages.list"));
    if (!q.isEmpty())
        c.query.append({QStringLiteral("q"), q});
    for (const QString &label : labelIds)
        c.query.append({QStringLiteral("labelIds"), label});
    if (includeSpamTrash)
        c.query.append({QStringLiteral("includeSpamTrash"), QStringLiteral("true")});
    if (!pageToken.isEmpty())
        c.query.append({QStringLiteral("pageToken"), pageToken});
    c.query.append({QStringLiteral("maxResults"), QString::number(std::clamp(maxResults, 1, 500))});
    const auto o = call(c);
    return o ? std::optional(json::messageListPage(*o)) : std::nullopt;
}

std::optional<HistoryPage> GmailClient::listHistory(quint64 startHistoryId, const QStringList &historyTypes,
                                                    const QString &pageToken, int maxResults) {
    GmailTransport::Call c = jsonCall(QStringLiteral("/history"), QStringLiteral("users.history.list"),
                                      QStringLiteral("history.list"));
    c.query.append({QStringLiteral("startHistoryId"), QString::number(startHistoryId)});
    for (const QString &type : historyTypes)
        c.query.append({QStringLiteral("historyTypes"), type});
    if (!pageToken.isEmpty())
        c.query.append({QStringLiteral("pageToken"), pageToken});
    c.query.append({QStringLiteral("maxResults"), QString::number(std::clamp(maxResults, 1, 500))});
    if (const auto o = call(c))
        return json::historyPage(*o);
    if (lastError().kind == ApiError::Kind::Http && lastError().httpStatus == 404) {
        HistoryPage tooOld; // developers.google.com/gmail/api/guides/sync#partial: full sync needed
        tooOld.historyTooOld = true;
        return tooOld;
    }
    return std::nullopt;
}

std::optional<WatchResponse> GmailClient::watch(const QString &topicName, const QStringList &labelIds) {
    GmailTransport::Call c =
        jsonCall(QStringLiteral("/watch"), QStringLiteral("users.watch"), QStringLiteral("watch"));
    c.verb = "POST";
    QJsonObject body{{QStringLiteral("topicName"), topicName}};
    if (!labelIds.isEmpty()) {
        body.insert(QStringLiteral("labelIds"), QJsonArray::fromStringList(labelIds));
        body.insert(QStringLiteral("labelFilterBehavior"), QStringLiteral("include"));
    }
    c.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    c.contentType = "application/json";
    const auto o = call(c);
    return o ? std::optional(json::watchResponse(*o)) : std::nullopt;
}

bool GmailClient::stop() {
    GmailTransport::Call c =
        jsonCall(QStringLiteral("/stop"), QStringLiteral("users.stop"), QStringLiteral("stop"));
    c.verb = "POST";
    c.contentType = "application/json";
    c.validate = nullptr; // users.stop answers an empty body
    return m_transport.execute(c).has_value();
}

} // namespace gmail
