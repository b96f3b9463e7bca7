#pragma once

#include "StoredMessage.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace sandbox {

// users.messages.get `format` parameter.
enum class MessageFormat { Minimal, Metadata, Full, Raw };

// Renders a stored message as the users.messages resource JSON
// (developers.google.com/gmail/api/reference/rest/v1/users.messages), parsing the MIME with GMime.
class MessageFormatter final {
public:
    static QJsonObject toJson(const StoredMessage &m, MessageFormat f,
                              const QStringList &metadataHeaders = {});
    // The decoded bytes of the part an attachmentId (from format=full) names, or a null QByteArray.
    static QByteArray attachmentData(const StoredMessage &m, const QString &attachmentId);
    // About 200 characters of the message's text, HTML-escaped as Gmail does.
    static QString snippet(const StoredMessage &m);
    // "minimal", "metadata", "full", "raw" (case-insensitive); nullopt for anything else.
    static std::optional<MessageFormat> parseFormat(const QString &name);
};

} // namespace sandbox
