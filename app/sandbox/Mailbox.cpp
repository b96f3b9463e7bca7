#include "Mailbox.h"

#include "MessageFormatter.h"

#include <QMutexLocker>

#include <algorithm>

namespace sandbox {

namespace {

// The header block of a raw message: up to the first empty line (RFC 5322 §2.1), CRLF or bare LF.
QByteArrayView headerBlock(const QByteArray &raw) {
    qsizetype end = raw.indexOf("\r\n\r\n");
    const qsizetype lfEnd = raw.indexOf("\n\n");
    if (end < 0 || (lfEnd >= 0 && lfEnd < end))
        end = lfEnd;
    return end < 0 ? QByteArrayView(raw) : QByteArrayView(raw).first(end);
}

// The unfolded value of the first header field `name` (RFC 5322 §2.2.3), or empty. Cheap on purpose:
// called for every added message, where a full MIME parse would cost more than the rest of add().
QByteArray headerValue(QByteArrayView block, QByteArrayView name) {
    qsizetype pos = 0;
    while (pos < block.size()) {
        qsizetype eol = block.indexOf('\n', pos);
        if (eol < 0)
            eol = block.size();
        const QByteArrayView line = block.sliced(pos, eol - pos);
        if (line.size() > name.size() && line.at(name.size()) == ':' &&
            line.first(name.size()).compare(name, Qt::CaseInsensitive) == 0) {
            QByteArray value = line.sliced(name.size() + 1).toByteArray();
            // Continuation lines start with white space.
            qsizetype next = eol + 1;
            while (next < block.size() && (block.at(next) == ' ' || block.at(next) == '\t')) {
                qsizetype e = block.indexOf('\n', next);
                if (e < 0)
                    e = block.size();
                value += block.sliced(next, e - next);
                next = e + 1;
            }
            value.replace('\r', "");
            return value.trimmed();
        }
        pos = eol + 1;
    }
    return {};
}

// The msg-ids (RFC 5322 §3.6.4) of a Message-ID/In-Reply-To/References value, angle brackets kept.
QList<QByteArray> messageIds(const QByteArray &value) {
    QList<QByteArray> ids;
    qsizetype pos = 0;
    while ((pos = value.indexOf('<', pos)) >= 0) {
        const qsizetype end = value.indexOf('>', pos);
        if (end < 0)
            break;
        ids.append(value.mid(pos, end - pos + 1));
        pos = end + 1;
    }
    return ids;
}

} // namespace

Mailbox::Mailbox(QString email)
    : m_email(std::move(email)) {}

QString Mailbox::email() const {
    return m_email;
}

quint64 Mailbox::historyId() const {
    QMutexLocker lock(&m_mutex);
    return m_historyId;
}

quint64 Mailbox::oldestHistoryId() const {
    QMutexLocker lock(&m_mutex);
    return m_oldestHistoryId;
}

void Mailbox::setChangeListener(std::function<void(const QString &, quint64)> listener) {
    QMutexLocker lock(&m_mutex);
    m_listener = std::move(listener);
}

void Mailbox::notify(quint64 historyId) const {
    std::function<void(const QString &, quint64)> listener;
    {
        QMutexLocker lock(&m_mutex);
        listener = m_listener;
    }
    if (listener)
        listener(m_email, historyId);
}

// Gmail ids are 16 hex digits whose high bits follow the time the message arrived; ours take the
// internal date in milliseconds shifted left by 20 bits plus a counter, so they are unique, sort
// roughly by date and look like Gmail's (e.g. 18c2f6a1b2d3e4f5 for late 2023).
QString Mailbox::newIdLocked(qint64 internalDateMs) {
    const quint64 base = quint64(std::clamp<qint64>(internalDateMs, 0, (qint64(1) << 43) - 1)) << 20;
    for (;;) {
        const quint64 value = base | (m_idCounter++ & 0xFFFFF);
        QString id = QString::number(value, 16).rightJustified(16, u'0');
        if (!m_dates.contains(id))
            return id;
    }
}

QStringList Mailbox::internLabels(const QStringList &labels) {
    QStringList result;
    result.reserve(labels.size());
    for (const QString &label : labels) {
        if (label.isEmpty())
            continue;
        auto it = m_labelPool.constFind(label);
        if (it == m_labelPool.constEnd()) {
            it = m_labelPool.insert(label, label);
            m_labelCatalog.ensure(label);
        }
        if (!result.contains(*it))
            result.append(*it);
    }
    return result;
}

std::map<Mailbox::Key, StoredMessage>::iterator Mailbox::findLocked(const QString &id) {
    const auto date = m_dates.constFind(id);
    return date == m_dates.constEnd() ? m_messages.end() : m_messages.find(Key{*date, id});
}

std::map<Mailbox::Key, StoredMessage>::const_iterator Mailbox::findLocked(const QString &id) const {
    const auto date = m_dates.constFind(id);
    return date == m_dates.constEnd() ? m_messages.cend() : m_messages.find(Key{*date, id});
}

// Gmail threads a reply with the message it answers; we follow In-Reply-To, then References from the
// newest id backwards (RFC 5322 §3.6.4), to a message already in this mailbox.
QString Mailbox::threadForLocked(const QByteArray &raw) const {
    const QByteArrayView block = headerBlock(raw);
    QList<QByteArray> candidates = messageIds(headerValue(block, "In-Reply-To"));
    QList<QByteArray> references = messageIds(headerValue(block, "References"));
    std::reverse(references.begin(), references.end());
    candidates += references;
    for (const QByteArray &candidate : std::as_const(candidates)) {
        const auto it = m_messageIdHeaderToThread.constFind(candidate);
        if (it != m_messageIdHeaderToThread.constEnd() && m_threads.contains(*it))
            return *it;
    }
    return {};
}

StoredMessage Mailbox::add(const QByteArray &raw, const QStringList &labelIds, qint64 internalDateMs,
                           QString threadId) {
    StoredMessage copy;
    // Outside the lock: it parses the MIME structure once, instead of on every messages.get.
    StoredMessage probe;
    probe.raw = raw;
    QString snippet = MessageFormatter::snippet(probe);
    if (snippet.isNull())
        snippet = QLatin1String(""); // computed, just empty
    {
        QMutexLocker lock(&m_mutex);
        StoredMessage m;
        m.snippet = std::move(snippet);
        m.id = newIdLocked(internalDateMs);
        if (threadId.isEmpty())
            threadId = threadForLocked(raw);
        m.threadId = threadId.isEmpty() ? m.id : threadId;
        m.raw = raw;
        // Builders leave spare capacity; a 100k-message mailbox would carry ~40% slack without this.
        if (m.raw.capacity() - m.raw.size() > 64)
            m.raw.squeeze();
        m.labelIds = internLabels(labelIds);
        m.internalDateMs = internalDateMs;
        m.historyId = ++m_historyId;

        const QList<QByteArray> ownIds = messageIds(headerValue(headerBlock(raw), "Message-ID"));
        if (!ownIds.isEmpty() && !m_messageIdHeaderToThread.contains(ownIds.first()))
            m_messageIdHeaderToThread.insert(ownIds.first(), m.threadId);

        m_threads[m.threadId].append(m.id);
        m_dates.insert(m.id, internalDateMs);
        m_history.push_back(
            {m.historyId, HistoryRecord::Type::MessageAdded, m.id, m.threadId, {}, m.labelIds});
        copy = m;
        m_messages.emplace(Key{internalDateMs, m.id}, std::move(m));
    }
    notify(copy.historyId);
    return copy;
}

bool Mailbox::remove(const QString &id) {
    quint64 historyId = 0;
    {
        QMutexLocker lock(&m_mutex);
        const auto it = findLocked(id);
        if (it == m_messages.end())
            return false;
        const StoredMessage &m = it->second;
        historyId = ++m_historyId;
        m_history.push_back({historyId, HistoryRecord::Type::MessageDeleted, m.id, m.threadId, {}, {}});
        auto thread = m_threads.find(m.threadId);
        if (thread != m_threads.end()) {
            thread->removeOne(m.id);
            if (thread->isEmpty())
                m_threads.erase(thread);
        }
        m_dates.remove(id);
        m_messages.erase(it);
    }
    notify(historyId);
    return true;
}

bool Mailbox::modifyLabels(const QString &id, const QStringList &add, const QStringList &remove) {
    quint64 historyId = 0;
    {
        QMutexLocker lock(&m_mutex);
        const auto it = findLocked(id);
        if (it == m_messages.end())
            return false;
        StoredMessage &m = it->second;
        QStringList added;
        QStringList removed;
        for (const QString &label : internLabels(remove)) {
            // Gmail applies removals after additions when a label is in both lists; we do the same by
            // ignoring an add that is also removed.
            if (m.labelIds.removeAll(label) > 0)
                removed.append(label);
        }
        for (const QString &label : internLabels(add)) {
            if (!remove.contains(label) && !m.labelIds.contains(label)) {
                m.labelIds.append(label);
                added.append(label);
            }
        }
        if (added.isEmpty() && removed.isEmpty())
            return true; // nothing changed: no history record, as Gmail
        historyId = ++m_historyId;
        m.historyId = historyId;
        if (!added.isEmpty())
            m_history.push_back(
                {historyId, HistoryRecord::Type::LabelAdded, m.id, m.threadId, added, m.labelIds});
        if (!removed.isEmpty())
            m_history.push_back(
                {historyId, HistoryRecord::Type::LabelRemoved, m.id, m.threadId, removed, m.labelIds});
    }
    notify(historyId);
    return true;
}

std::optional<StoredMessage> Mailbox::message(const QString &id) const {
    QMutexLocker lock(&m_mutex);
    const auto it = findLocked(id);
    if (it == m_messages.cend())
        return std::nullopt;
    return it->second;
}

QList<StoredMessage> Mailbox::messages() const {
    QMutexLocker lock(&m_mutex);
    QList<StoredMessage> result;
    result.reserve(qsizetype(m_messages.size()));
    for (const auto &[key, m] : m_messages)
        result.append(m);
    return result;
}

QList<StoredMessage> Mailbox::thread(const QString &threadId) const {
    QMutexLocker lock(&m_mutex);
    QList<StoredMessage> result;
    for (const QString &id : m_threads.value(threadId)) {
        const auto it = findLocked(id);
        if (it != m_messages.cend())
            result.append(it->second);
    }
    std::stable_sort(result.begin(), result.end(), [](const StoredMessage &a, const StoredMessage &b) {
        return a.internalDateMs != b.internalDateMs ? a.internalDateMs < b.internalDateMs : a.id < b.id;
    });
    return result;
}

QList<HistoryRecord> Mailbox::historySince(quint64 startHistoryId) const {
    QMutexLocker lock(&m_mutex);
    const auto first = std::upper_bound(m_history.cbegin(), m_history.cend(), startHistoryId,
                                        [](quint64 start, const HistoryRecord &r) { return start < r.id; });
    return QList<HistoryRecord>(first, m_history.cend());
}

void Mailbox::expireHistory() {
    QMutexLocker lock(&m_mutex);
    m_history.clear();
    m_oldestHistoryId = m_historyId + 1;
}

int Mailbox::messagesTotal() const {
    QMutexLocker lock(&m_mutex);
    return int(m_messages.size());
}

int Mailbox::threadsTotal() const {
    QMutexLocker lock(&m_mutex);
    return int(m_threads.size());
}

QList<LabelCatalog::Label> Mailbox::labels() const {
    QMutexLocker lock(&m_mutex);
    return m_labelCatalog.all();
}

std::optional<LabelCatalog::Label> Mailbox::label(const QString &id) const {
    QMutexLocker lock(&m_mutex);
    return m_labelCatalog.find(id);
}

bool Mailbox::defineLabel(const QString &id, const QString &name, const QString &textColor,
                          const QString &backgroundColor) {
    QMutexLocker lock(&m_mutex);
    return m_labelCatalog.define(id, name, textColor, backgroundColor);
}

std::pair<int, int> Mailbox::labelCounts(const QString &labelId) const {
    QMutexLocker lock(&m_mutex);
    int total = 0;
    int unread = 0;
    for (const auto &[key, m] : m_messages) {
        if (m.labelIds.contains(labelId)) {
            ++total;
            unread += m.labelIds.contains(QStringLiteral("UNREAD")) ? 1 : 0;
        }
    }
    return {total, unread};
}

} // namespace sandbox
