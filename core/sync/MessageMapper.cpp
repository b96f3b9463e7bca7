#include "sync/MessageMapper.h"

#include "db/MailAddress.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace syncengine {

MessageMapper::MessageMapper(const gmail::MessageParser &parser)
    : m_parser(parser) {}

std::optional<db::EmailRecord> MessageMapper::map(const gmail::RawMessage &m,
                                                  db::FailedMessage *failure) const {
    gmail::ParseContext context;
    context.internalDate = QDateTime::fromMSecsSinceEpoch(m.internalDate, Qt::UTC);
    context.labelIds = m.labelIds;
    const gmail::ParsedMessage p = m_parser.parse(m.raw, context);
    if (!p.fatalError.isEmpty()) {
        if (failure) {
            const bool tooLarge = p.fatalError.contains(QLatin1String("limit"));
            *failure = {m.id, tooLarge ? db::MessageFailure::Kind::TooLarge : db::MessageFailure::Kind::Parse,
                        p.fatalError};
        }
        return std::nullopt;
    }

    db::EmailRecord r;
    r.gmailMessageId = m.id;
    r.threadId = m.threadId;
    if (m.historyId > 0)
        r.historyId = qint64(m.historyId);
    r.subject = p.subject;
    r.fromName = p.fromName;
    r.fromAddress = p.fromAddress;
    // Recipients as the database gives them back (bare lower-case address, name beside it).
    r.to = db::MailAddress::normalized(p.to);
    r.cc = db::MailAddress::normalized(p.cc);
    r.bcc = db::MailAddress::normalized(p.bcc);
    r.replyTo = p.replyTo;
    r.messageIdHeader = p.messageIdHeader;
    r.inReplyTo = p.inReplyTo;
    r.references = p.references;
    r.sentAt = p.sentAt;
    r.internalDate = context.internalDate;
    r.labels = m.labelIds;
    r.snippet = m.snippet;
    r.bodyHtml = p.bodyHtml.isEmpty() ? QString() : p.bodyHtml;
    r.bodyText = p.bodyText.isEmpty() ? QString() : p.bodyText;
    QJsonArray attachments;
    for (const gmail::ParsedAttachment &a : p.attachments) {
        attachments.append(QJsonObject{{QStringLiteral("filename"), a.filename},
                                       {QStringLiteral("mimeType"), a.mimeType},
                                       {QStringLiteral("size"), a.size},
                                       {QStringLiteral("attachmentId"), a.attachmentId}});
    }
    r.attachmentsJson = QJsonDocument(attachments).toJson(QJsonDocument::Compact);
    r.priority = gmail::priorityName(p.priority);
    if (m.sizeEstimate > 0)
        r.sizeEstimate = int(m.sizeEstimate);
    r.parseWarnings = p.warnings;
    return r;
}

} // namespace syncengine
