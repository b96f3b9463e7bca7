#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace sandbox {

// One message as the sandbox keeps it: the raw RFC 822 bytes plus Gmail's bookkeeping. The raw bytes
// are implicitly shared, so copies handed out by Mailbox are cheap.
struct StoredMessage {
    QString id;
    QString threadId;
    QByteArray raw;
    QString snippet; // computed once when the message arrives, as Gmail does
    QStringList labelIds;
    qint64 internalDateMs = 0;
    quint64 historyId = 0;
};

// One entry of users.history.list (developers.google.com/gmail/api/reference/rest/v1/users.history).
struct HistoryRecord {
    quint64 id;
    enum class Type { MessageAdded, MessageDeleted, LabelAdded, LabelRemoved } type;
    QString messageId;
    QString threadId;
    QStringList labelIds;        // the labels that changed (LabelAdded/LabelRemoved)
    QStringList messageLabelIds; // the message's labels after the change
};

} // namespace sandbox
