#include "GmailRoutes.h"

#include "GoogleError.h"
#include "Mailbox.h"
#include "MailboxStore.h"
#include "MessageFormatter.h"
#include "QueryFilter.h"
#include "TokenStore.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <algorithm>

namespace sandbox {

namespace {

const QString kSpam = QStringLiteral("SPAM");
const QString kTrash = QStringLiteral("TRASH");

// Repeated query parameters (labelIds=A&labelIds=B); a comma-separated single value is accepted too.
QStringList repeated(const ApiRequest &request, const QString &key) {
    QStringList out;
    const QStringList values = request.query.allQueryItemValues(key, QUrl::FullyDecoded);
    for (const QString &v : values)
        out += v.split(QLatin1Char(','), Qt::SkipEmptyParts);
    return out;
}

QString param(const ApiRequest &request, const QString &key) {
    return request.query.queryItemValue(key, QUrl::FullyDecoded);
}

// Google's list methods clamp maxResults to their maximum; a value that is no number is an error.
std::optional<int> maxResults(const ApiRequest &request, ApiResponse *error) {
    const QString raw = param(request, QStringLiteral("maxResults"));
    if (raw.isEmpty())
        return 100;
    bool ok = false;
    const int n = raw.toInt(&ok);
    if (!ok || n < 0) {
        *error = GoogleError::invalidArgument(
            QStringLiteral("Invalid value at 'max_results' (TYPE_UINT32), \"%1\"").arg(raw));
        return std::nullopt;
    }
    return std::clamp(n == 0 ? 100 : n, 1, 500);
}

QJsonObject idPair(const QString &id, const QString &threadId) {
    return QJsonObject{{QStringLiteral("id"), id}, {QStringLiteral("threadId"), threadId}};
}

QJsonArray toArray(const QStringList &list) {
    return QJsonArray::fromStringList(list);
}

QString encodeToken(const QString &plain) {
    return QString::fromLatin1(
        plain.toUtf8().toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QString decodeToken(const QString &token) {
    const auto decoded = QByteArray::fromBase64Encoding(
        token.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    return decoded ? QString::fromUtf8(*decoded) : QString();
}

} // namespace

GmailRoutes::GmailRoutes(MailboxStore &store, TokenStore &tokens)
    : m_store(store)
    , m_tokens(tokens) {}

std::optional<GmailRoutes::Call> GmailRoutes::resolve(const ApiRequest &request) {
    // /gmail/v1/users/{userId}/{resource}[/{id}[/attachments/{attachmentId}]]
    static const QString prefix = QStringLiteral("/gmail/v1/users/");
    if (!request.path.startsWith(prefix))
        return std::nullopt;
    const QStringList parts = request.path.mid(prefix.size()).split(QLatin1Char('/'));
    if (parts.size() < 2 || parts[0].isEmpty())
        return std::nullopt;
    Call call;
    call.userId = parts[0];
    const QString &resource = parts[1];
    const bool get = request.method == "GET";
    const bool post = request.method == "POST";
    const qsizetype n = parts.size();
    if (n == 2) {
        if (get && resource == QStringLiteral("profile"))
            call.method = QStringLiteral("getProfile");
        else if (get && resource == QStringLiteral("messages"))
            call.method = QStringLiteral("messages.list");
        else if (get && resource == QStringLiteral("history"))
            call.method = QStringLiteral("history.list");
        else if (get && resource == QStringLiteral("labels"))
            call.method = QStringLiteral("labels.list");
        else if (post && resource == QStringLiteral("watch"))
            call.method = QStringLiteral("watch");
        else if (post && resource == QStringLiteral("stop"))
            call.method = QStringLiteral("stop");
    } else if (n == 3 && get && !parts[2].isEmpty()) {
        call.id = parts[2];
        if (resource == QStringLiteral("messages"))
            call.method = QStringLiteral("messages.get");
        else if (resource == QStringLiteral("threads"))
            call.method = QStringLiteral("threads.get");
        else if (resource == QStringLiteral("labels"))
            call.method = QStringLiteral("labels.get");
    } else if (n == 5 && get && resource == QStringLiteral("messages") &&
               parts[3] == QStringLiteral("attachments") && !parts[4].isEmpty()) {
        call.method = QStringLiteral("messages.attachments.get");
        call.id = parts[2];
        call.subId = parts[4];
    }
    if (call.method.isEmpty())
        return std::nullopt;
    return call;
}

std::optional<QString> GmailRoutes::authenticate(const ApiRequest &request, ApiResponse *error) const {
    // RFC 6750 §2.1 (header) and §2.3 (access_token query parameter, which Google also accepts).
    QString token;
    const QByteArray authorization = request.header("Authorization").trimmed();
    if (!authorization.isEmpty()) {
        if (authorization.size() > 7 && authorization.first(7).compare("Bearer ", Qt::CaseInsensitive) == 0)
            token = QString::fromLatin1(authorization.mid(7).trimmed());
    } else {
        token = param(request, QStringLiteral("access_token"));
    }
    if (token.isEmpty()) {
        *error = GoogleError::unauthenticated(authorization.isEmpty());
        return std::nullopt;
    }
    const std::optional<QString> email = m_tokens.emailForAccessToken(token);
    if (!email) {
        *error = GoogleError::unauthenticated(false);
        return std::nullopt;
    }
    return email;
}

ApiResponse GmailRoutes::handle(const Call &call, const ApiRequest &request,
                                const QString &authenticatedEmail) {
    if (call.userId != QStringLiteral("me") &&
        call.userId.compare(authenticatedEmail, Qt::CaseInsensitive) != 0)
        return GoogleError::delegationDenied(call.userId);
    const std::shared_ptr<Mailbox> box = m_store.mailbox(call.userId, authenticatedEmail);
    if (!box) // an account without Gmail: what Google answers for a Workspace user without the service
        return GoogleError::make(400, QStringLiteral("Mail service not enabled"),
                                 QStringLiteral("failedPrecondition"));
    if (call.method == QStringLiteral("getProfile"))
        return profile(*box);
    if (call.method == QStringLiteral("messages.list"))
        return listMessages(box, request);
    if (call.method == QStringLiteral("messages.get"))
        return getMessage(*box, call, request);
    if (call.method == QStringLiteral("messages.attachments.get"))
        return getAttachment(*box, call);
    if (call.method == QStringLiteral("threads.get"))
        return getThread(*box, call, request);
    if (call.method == QStringLiteral("history.list"))
        return listHistory(*box, request);
    if (call.method == QStringLiteral("labels.list"))
        return listLabels(*box);
    if (call.method == QStringLiteral("labels.get"))
        return getLabel(*box, call);
    if (call.method == QStringLiteral("watch"))
        return watch(*box, request);
    if (call.method == QStringLiteral("stop"))
        return stop(*box);
    return GoogleError::notFound();
}

ApiResponse GmailRoutes::listLabels(Mailbox &box) {
    QJsonArray labels;
    for (const LabelCatalog::Label &l : box.labels())
        labels.append(LabelCatalog::toJson(l));
    return ApiResponse::json(QJsonObject{{QStringLiteral("labels"), labels}});
}

ApiResponse GmailRoutes::getLabel(Mailbox &box, const Call &call) {
    const auto label = box.label(call.id);
    if (!label)
        return GoogleError::notFound();
    QJsonObject o = LabelCatalog::toJson(*label);
    const auto [total, unread] = box.labelCounts(call.id);
    o.insert(QStringLiteral("messagesTotal"), total);
    o.insert(QStringLiteral("messagesUnread"), unread);
    return ApiResponse::json(o);
}

ApiResponse GmailRoutes::profile(Mailbox &box) {
    return ApiResponse::json(QJsonObject{{QStringLiteral("emailAddress"), box.email()},
                                         {QStringLiteral("messagesTotal"), box.messagesTotal()},
                                         {QStringLiteral("threadsTotal"), box.threadsTotal()},
                                         {QStringLiteral("historyId"), QString::number(box.historyId())}});
}

GmailRoutes::Snapshot &GmailRoutes::snapshot(const std::shared_ptr<Mailbox> &box) {
    Snapshot &s = m_snapshots[box->email().toLower()];
    const quint64 historyId = box->historyId();
    if (s.mailbox.lock() != box || s.historyId != historyId) {
        s.mailbox = box;
        s.historyId = historyId;
        s.messages = box->messages();
        s.matchCounts.clear();
    }
    return s;
}

ApiResponse GmailRoutes::listMessages(const std::shared_ptr<Mailbox> &box, const ApiRequest &request) {
    // developers.google.com/gmail/api/reference/rest/v1/users.messages/list
    ApiResponse error;
    const std::optional<int> limit = maxResults(request, &error);
    if (!limit)
        return error;
    QString why;
    const std::optional<QueryFilter> filter =
        QueryFilter::parse(param(request, QStringLiteral("q")), QDateTime::currentDateTimeUtc(), &why);
    if (!filter)
        return GoogleError::badRequest(why);
    const QStringList labelIds = repeated(request, QStringLiteral("labelIds"));
    const bool includeSpamTrash = param(request, QStringLiteral("includeSpamTrash"))
                                      .compare(QStringLiteral("true"), Qt::CaseInsensitive) == 0;
    // Gmail hides SPAM and TRASH unless asked for, by the flag or by naming them.
    const bool hideSpamTrash = !includeSpamTrash && !filter->includesSpamTrash() &&
                               !labelIds.contains(kSpam) && !labelIds.contains(kTrash);
    const auto matches = [&](const StoredMessage &m) {
        if (hideSpamTrash && (m.labelIds.contains(kSpam) || m.labelIds.contains(kTrash)))
            return false;
        for (const QString &label : labelIds) {
            if (!m.labelIds.contains(label))
                return false;
        }
        return filter->matches(m);
    };

    Snapshot &snap = snapshot(box);
    const QList<StoredMessage> &all = snap.messages;
    // The list is newest first (internalDate desc, then id desc): a date window is a contiguous range.
    auto lo = all.cbegin();
    auto hi = all.cend();
    if (const auto before = filter->beforeMs())
        lo = std::partition_point(all.cbegin(), all.cend(),
                                  [&](const StoredMessage &m) { return m.internalDateMs >= *before; });
    if (const auto after = filter->afterMs())
        hi = std::partition_point(lo, all.cend(),
                                  [&](const StoredMessage &m) { return m.internalDateMs >= *after; });

    // pageToken: the (internalDate, id) of the last message of the previous page, so messages added or
    // removed between pages neither repeat nor shift the rest.
    auto from = lo;
    const QString pageToken = param(request, QStringLiteral("pageToken"));
    if (!pageToken.isEmpty()) {
        const QStringList key = decodeToken(pageToken).split(QLatin1Char(':'));
        bool ok = key.size() == 3 && key[0] == QStringLiteral("m");
        const qint64 date = ok ? key[1].toLongLong(&ok) : 0;
        if (!ok)
            return GoogleError::invalidArgument(QStringLiteral("Invalid pageToken"));
        const QString &id = key[2];
        from = std::partition_point(lo, hi, [&](const StoredMessage &m) {
            return m.internalDateMs > date || (m.internalDateMs == date && m.id >= id);
        });
    }

    QJsonArray page;
    const StoredMessage *last = nullptr;
    bool more = false;
    for (auto it = from; it != hi; ++it) {
        if (!matches(*it))
            continue;
        if (page.size() == *limit) {
            more = true;
            break;
        }
        page.append(idPair(it->id, it->threadId));
        last = &*it;
    }
    // resultSizeEstimate: all matches of the query, counted once per mailbox state.
    const QString queryKey = param(request, QStringLiteral("q")) + QLatin1Char('\n') +
                             labelIds.join(QLatin1Char(',')) + QLatin1Char('\n') +
                             (hideSpamTrash ? QLatin1Char('h') : QLatin1Char('a'));
    auto count = snap.matchCounts.constFind(queryKey);
    if (count == snap.matchCounts.cend())
        count = snap.matchCounts.insert(queryKey, int(std::count_if(lo, hi, matches)));
    const int estimate = *count;
    QJsonObject result;
    if (!page.isEmpty())
        result.insert(QStringLiteral("messages"), page);
    if (more && last)
        result.insert(QStringLiteral("nextPageToken"),
                      encodeToken(QStringLiteral("m:%1:%2").arg(last->internalDateMs).arg(last->id)));
    result.insert(QStringLiteral("resultSizeEstimate"), estimate);
    return ApiResponse::json(result);
}

ApiResponse GmailRoutes::getMessage(Mailbox &box, const Call &call, const ApiRequest &request) {
    const QString formatName = param(request, QStringLiteral("format"));
    const std::optional<MessageFormat> format =
        formatName.isEmpty() ? MessageFormat::Full : MessageFormatter::parseFormat(formatName);
    if (!format)
        return GoogleError::invalidArgument(
            QStringLiteral("Invalid value at 'format' (type.googleapis.com/gmail.v1.Format), \"%1\"")
                .arg(formatName));
    const std::optional<StoredMessage> m = box.message(call.id);
    if (!m)
        return GoogleError::notFound();
    return ApiResponse::json(
        MessageFormatter::toJson(*m, *format, repeated(request, QStringLiteral("metadataHeaders"))));
}

ApiResponse GmailRoutes::getAttachment(Mailbox &box, const Call &call) {
    const std::optional<StoredMessage> m = box.message(call.id);
    if (!m)
        return GoogleError::notFound();
    const QByteArray data = MessageFormatter::attachmentData(*m, call.subId);
    if (data.isNull())
        return GoogleError::notFound();
    // users.messages.attachments resource (MessagePartBody): size and base64url data.
    return ApiResponse::json(QJsonObject{
        {QStringLiteral("size"), data.size()},
        {QStringLiteral("data"), QString::fromLatin1(data.toBase64(QByteArray::Base64UrlEncoding))}});
}

ApiResponse GmailRoutes::getThread(Mailbox &box, const Call &call, const ApiRequest &request) {
    const QString formatName = param(request, QStringLiteral("format"));
    const std::optional<MessageFormat> format =
        formatName.isEmpty() ? MessageFormat::Full : MessageFormatter::parseFormat(formatName);
    if (!format || *format == MessageFormat::Raw) // threads.get has no raw format
        return GoogleError::invalidArgument(
            QStringLiteral("Invalid value at 'format' (type.googleapis.com/gmail.v1.Format), \"%1\"")
                .arg(formatName));
    const QList<StoredMessage> messages = box.thread(call.id);
    if (messages.isEmpty())
        return GoogleError::notFound();
    const QStringList metadataHeaders = repeated(request, QStringLiteral("metadataHeaders"));
    QJsonArray array;
    quint64 historyId = 0;
    for (const StoredMessage &m : messages) {
        array.append(MessageFormatter::toJson(m, *format, metadataHeaders));
        historyId = std::max(historyId, m.historyId);
    }
    return ApiResponse::json(QJsonObject{{QStringLiteral("id"), call.id},
                                         {QStringLiteral("historyId"), QString::number(historyId)},
                                         {QStringLiteral("messages"), array}});
}

ApiResponse GmailRoutes::listHistory(Mailbox &box, const ApiRequest &request) {
    // developers.google.com/gmail/api/reference/rest/v1/users.history/list
    const QString startRaw = param(request, QStringLiteral("startHistoryId"));
    if (startRaw.isEmpty())
        return GoogleError::invalidArgument(QStringLiteral("Missing required parameter: startHistoryId"));
    bool ok = false;
    quint64 start = startRaw.toULongLong(&ok);
    if (!ok)
        return GoogleError::invalidArgument(
            QStringLiteral("Invalid value at 'start_history_id' (TYPE_UINT64), \"%1\"").arg(startRaw));
    ApiResponse error;
    const std::optional<int> limit = maxResults(request, &error);
    if (!limit)
        return error;
    // Records with id > start are returned; when some of them are gone the client must resync (404).
    if (start + 1 < box.oldestHistoryId())
        return GoogleError::notFound();
    const QString pageToken = param(request, QStringLiteral("pageToken"));
    quint64 after = start;
    if (!pageToken.isEmpty()) {
        const QStringList key = decodeToken(pageToken).split(QLatin1Char(':'));
        ok = key.size() == 2 && key[0] == QStringLiteral("h");
        after = ok ? key[1].toULongLong(&ok) : 0;
        if (!ok || after < start)
            return GoogleError::invalidArgument(QStringLiteral("Invalid pageToken"));
        if (after + 1 < box.oldestHistoryId())
            return GoogleError::notFound();
    }

    // historyTypes: messageAdded, messageDeleted, labelAdded, labelRemoved (all when absent).
    const QStringList typeNames = repeated(request, QStringLiteral("historyTypes"));
    const auto wanted = [&](HistoryRecord::Type t) {
        if (typeNames.isEmpty())
            return true;
        const char *name = t == HistoryRecord::Type::MessageAdded     ? "messageAdded"
                           : t == HistoryRecord::Type::MessageDeleted ? "messageDeleted"
                           : t == HistoryRecord::Type::LabelAdded     ? "labelAdded"
                                                                      : "labelRemoved";
        return typeNames.contains(QLatin1String(name), Qt::CaseInsensitive);
    };
    const QString labelId = param(request, QStringLiteral("labelId"));

    const QList<HistoryRecord> records = box.historySince(after);
    QJsonArray history;
    bool more = false;
    quint64 lastId = 0;
    // Changes that share a history id form one History resource, as in Gmail.
    for (qsizetype i = 0; i < records.size();) {
        const quint64 id = records[i].id;
        QJsonArray touched, added, deleted, labelsAdded, labelsRemoved;
        qsizetype j = i;
        for (; j < records.size() && records[j].id == id; ++j) {
            const HistoryRecord &r = records[j];
            if (!wanted(r.type))
                continue;
            if (!labelId.isEmpty() && !r.messageLabelIds.contains(labelId) && !r.labelIds.contains(labelId))
                continue;
            QJsonObject message = idPair(r.messageId, r.threadId);
            touched.append(message);
            if (r.type != HistoryRecord::Type::MessageDeleted || !r.messageLabelIds.isEmpty())
                message.insert(QStringLiteral("labelIds"), toArray(r.messageLabelIds));
            const QJsonObject wrapped{{QStringLiteral("message"), message}};
            switch (r.type) {
            case HistoryRecord::Type::MessageAdded:
                added.append(wrapped);
                break;
            case HistoryRecord::Type::MessageDeleted:
                deleted.append(wrapped);
                break;
            case HistoryRecord::Type::LabelAdded:
                labelsAdded.append(QJsonObject{{QStringLiteral("message"), message},
                                               {QStringLiteral("labelIds"), toArray(r.labelIds)}});
                break;
            case HistoryRecord::Type::LabelRemoved:
                labelsRemoved.append(QJsonObject{{QStringLiteral("message"), message},
                                                 {QStringLiteral("labelIds"), toArray(r.labelIds)}});
                break;
            }
        }
        i = j;
        if (touched.isEmpty())
            continue;
        if (history.size() >= *limit) {
            more = true;
            break;
        }
        QJsonObject entry{{QStringLiteral("id"), QString::number(id)}, {QStringLiteral("messages"), touched}};
        if (!added.isEmpty())
            entry.insert(QStringLiteral("messagesAdded"), added);
        if (!deleted.isEmpty())
            entry.insert(QStringLiteral("messagesDeleted"), deleted);
        if (!labelsAdded.isEmpty())
            entry.insert(QStringLiteral("labelsAdded"), labelsAdded);
        if (!labelsRemoved.isEmpty())
            entry.insert(QStringLiteral("labelsRemoved"), labelsRemoved);
        history.append(entry);
        lastId = id;
    }
    QJsonObject result;
    if (!history.isEmpty())
        result.insert(QStringLiteral("history"), history);
    if (more)
        result.insert(QStringLiteral("nextPageToken"), encodeToken(QStringLiteral("h:%1").arg(lastId)));
    result.insert(QStringLiteral("historyId"), QString::number(box.historyId()));
    return ApiResponse::json(result);
}

ApiResponse GmailRoutes::watch(Mailbox &box, const ApiRequest &request) {
    // developers.google.com/gmail/api/reference/rest/v1/users/watch
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &parseError);
    if (!doc.isObject())
        return GoogleError::badRequest(QStringLiteral("Invalid JSON payload received."));
    const QJsonObject body = doc.object();
    const QString topic = body.value(QStringLiteral("topicName")).toString();
    static const QRegularExpression topicPattern(QStringLiteral("^projects/[^/]+/topics/[^/]+$"));
    if (!topicPattern.match(topic).hasMatch())
        return GoogleError::invalidArgument(
            QStringLiteral("Invalid topicName does not match projects/SOME-ANDROID-PROJECT/topics/*"));
    Watch w;
    w.email = box.email();
    w.topicName = topic;
    for (const QJsonValue &v : body.value(QStringLiteral("labelIds")).toArray())
        w.labelIds.append(v.toString());
    w.labelFilterBehavior =
        body.value(QStringLiteral("labelFilterBehavior"))
            .toString(body.value(QStringLiteral("labelFilterAction")).toString(QStringLiteral("include")))
            .toLower();
    w.historyId = box.historyId();
    // A watch lasts 7 days (developers.google.com/gmail/api/guides/push#renewing_mailbox_watch).
    w.expirationMs = QDateTime::currentMSecsSinceEpoch() + qint64(7) * 24 * 3600 * 1000;
    m_watches.insert(box.email().toLower(), w);
    return ApiResponse::json(QJsonObject{{QStringLiteral("historyId"), QString::number(w.historyId)},
                                         {QStringLiteral("expiration"), QString::number(w.expirationMs)}});
}

ApiResponse GmailRoutes::stop(Mailbox &box) {
    m_watches.remove(box.email().toLower());
    return ApiResponse::empty(204);
}

std::optional<GmailRoutes::Watch> GmailRoutes::watchFor(const QString &email) const {
    const auto it = m_watches.constFind(email.toLower());
    if (it == m_watches.cend() || it->expirationMs < QDateTime::currentMSecsSinceEpoch())
        return std::nullopt;
    return *it;
}

} // namespace sandbox
