#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>

namespace db {

// One row of `emails` as the sync engine writes it and the CLI/UI read it (no search_vector, no ids).
struct EmailRecord {
    QString gmailMessageId;
    QString threadId;
    std::optional<qint64> historyId;
    QString subject;
    QString fromName;
    QString fromAddress;
    // Recipients in display form ("Name <addr>" or a bare addr, see MailAddress): the repository stores
    // them as bare lower-case addresses with the names beside them and reads them back in this form.
    QStringList to;
    QStringList cc;
    QStringList bcc;
    QString replyTo;
    QString messageIdHeader;
    QString inReplyTo;
    QString references;
    QDateTime sentAt;       // invalid → NULL
    QDateTime internalDate; // required
    QStringList labels;
    QString snippet;
    QString bodyHtml; // null QString → NULL
    QString bodyText;
    QByteArray attachmentsJson = QByteArrayLiteral("[]"); // [{filename, mimeType, size, attachmentId}]
    QString priority = QStringLiteral("normal");
    std::optional<int> sizeEstimate;
    QStringList parseWarnings;
};

} // namespace db
