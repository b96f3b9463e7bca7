#pragma once

#include "gmail/GmailTypes.h"

#include <QByteArray>
#include <QJsonObject>

#include <optional>

namespace gmail::json {

// Reads the Gmail API v1 resources (developers.google.com/gmail/api/reference/rest/v1/users) into the
// plain structs of GmailTypes.h. The API sends int64/uint64 fields as JSON strings.

std::optional<QJsonObject> object(const QByteArray &body); // nullopt: not a JSON object
bool isObject(const QByteArray &body);

Profile profile(const QJsonObject &o);                 // users.getProfile
MessageListPage messageListPage(const QJsonObject &o); // users.messages.list
HistoryPage historyPage(const QJsonObject &o);         // users.history.list
WatchResponse watchResponse(const QJsonObject &o);     // users.watch
// users.messages.get?format=raw; nullopt when "raw" is missing or not base64.
std::optional<RawMessage> rawMessage(const QByteArray &body);

} // namespace gmail::json
