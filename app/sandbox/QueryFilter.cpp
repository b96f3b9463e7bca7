#include "QueryFilter.h"

#include <QRegularExpression>
#include <QTimeZone>

namespace sandbox {

namespace {

// Gmail reads a calendar date in q as midnight Pacific time
// (developers.google.com/gmail/api/guides/filtering).
std::optional<qint64> parseDateMs(const QString &value) {
    static const QRegularExpression epoch(QStringLiteral("^\\d{9,}$"));
    if (epoch.match(value).hasMatch())
        return value.toLongLong() * 1000;
    static const QRegularExpression date(QStringLiteral("^(\\d{4})[/-](\\d{1,2})[/-](\\d{1,2})$"));
    const QRegularExpressionMatch m = date.match(value);
    if (!m.hasMatch())
        return std::nullopt;
    const QDate d(m.captured(1).toInt(), m.captured(2).toInt(), m.captured(3).toInt());
    if (!d.isValid())
        return std::nullopt;
    static const QTimeZone pacific(QByteArrayLiteral("America/Los_Angeles"));
    return QDateTime(d, QTime(0, 0), pacific).toMSecsSinceEpoch();
}

std::optional<qint64> parseRelativeMs(const QString &value, const QDateTime &now) {
    static const QRegularExpression rel(QStringLiteral("^(\\d+)([dmy])$"));
    const QRegularExpressionMatch m = rel.match(value.toLower());
    if (!m.hasMatch())
        return std::nullopt;
    const int n = m.captured(1).toInt();
    const QChar unit = m.captured(2).at(0);
    QDateTime t = now;
    if (unit == QLatin1Char('d'))
        t = t.addDays(-n);
    else if (unit == QLatin1Char('m'))
        t = t.addMonths(-n);
    else
        t = t.addYears(-n);
    return t.toMSecsSinceEpoch();
}

// System labels go by name in q (in:inbox, is:unread); anything else is taken as a label id.
QString labelIdFor(const QString &value) {
    static const QStringList system{
        QStringLiteral("INBOX"),   QStringLiteral("SENT"),      QStringLiteral("DRAFT"),
        QStringLiteral("SPAM"),    QStringLiteral("TRASH"),     QStringLiteral("UNREAD"),
        QStringLiteral("STARRED"), QStringLiteral("IMPORTANT"), QStringLiteral("CHAT")};
    const QString upper = value.toUpper();
    if (upper == QStringLiteral("CHATS")) // in:chats
        return QStringLiteral("CHAT");
    if (system.contains(upper))
        return upper;
    if (upper.startsWith(QStringLiteral("CATEGORY_")))
        return upper;
    return value;
}

} // namespace

std::optional<QueryFilter> QueryFilter::parse(const QString &q, const QDateTime &now, QString *error) {
    QueryFilter f;
    const QStringList terms = q.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
    for (const QString &term : terms) {
        // A leading '-' negates a label term (-in:chats, -label:SPAM).
        const bool negated = term.startsWith(QLatin1Char('-'));
        const QString body = negated ? term.mid(1) : term;
        const qsizetype colon = body.indexOf(QLatin1Char(':'));
        const QString op = colon > 0 ? body.left(colon).toLower() : QString();
        const QString value = colon > 0 ? body.mid(colon + 1) : QString();
        QStringList &labels = negated ? f.m_excludedLabels : f.m_labels;
        if (negated && op != QStringLiteral("in") && op != QStringLiteral("label") &&
            op != QStringLiteral("is") && op != QStringLiteral("category")) {
            if (error)
                *error = QStringLiteral("Invalid query term \"%1\": the sandbox negates label terms only")
                             .arg(term);
            return std::nullopt;
        }
        auto fail = [&](const QString &why) -> std::optional<QueryFilter> {
            if (error)
                *error = QStringLiteral("Invalid query term \"%1\": %2").arg(term, why);
            return std::nullopt;
        };
        if (op == QStringLiteral("after") || op == QStringLiteral("before")) {
            const auto ms = parseDateMs(value);
            if (!ms)
                return fail(QStringLiteral("expected YYYY/MM/DD, YYYY-MM-DD or epoch seconds"));
            if (op == QStringLiteral("after"))
                f.m_afterMs = f.m_afterMs ? std::max(*f.m_afterMs, *ms) : *ms;
            else
                f.m_beforeMs = f.m_beforeMs ? std::min(*f.m_beforeMs, *ms) : *ms;
        } else if (op == QStringLiteral("newer_than") || op == QStringLiteral("older_than")) {
            const auto ms = parseRelativeMs(value, now);
            if (!ms)
                return fail(QStringLiteral("expected a number followed by d, m or y"));
            if (op == QStringLiteral("newer_than"))
                f.m_afterMs = f.m_afterMs ? std::max(*f.m_afterMs, *ms) : *ms;
            else
                f.m_beforeMs = f.m_beforeMs ? std::min(*f.m_beforeMs, *ms) : *ms;
        } else if (op == QStringLiteral("category") && !value.isEmpty()) {
            labels.append(QStringLiteral("CATEGORY_") + value.toUpper()); // category:promotions
        } else if (op == QStringLiteral("in") || op == QStringLiteral("label") ||
                   op == QStringLiteral("is")) {
            if (value.isEmpty())
                return fail(QStringLiteral("missing label"));
            if (op == QStringLiteral("in") && !negated &&
                value.compare(QStringLiteral("anywhere"), Qt::CaseInsensitive) == 0) {
                f.m_includesSpamTrash = true;
                continue;
            }
            const QString label = labelIdFor(value);
            if (!negated && (label == QStringLiteral("SPAM") || label == QStringLiteral("TRASH")))
                f.m_includesSpamTrash = true;
            labels.append(label);
        } else {
            return fail(QStringLiteral("the sandbox supports after:, before:, newer_than:, older_than:, in:, "
                                       "label:, is: and category: only"));
        }
    }
    return f;
}

bool QueryFilter::matches(const StoredMessage &m) const {
    if (m_afterMs && m.internalDateMs < *m_afterMs)
        return false;
    if (m_beforeMs && m.internalDateMs >= *m_beforeMs)
        return false;
    for (const QString &label : m_labels) {
        if (!m.labelIds.contains(label, Qt::CaseInsensitive))
            return false;
    }
    for (const QString &label : m_excludedLabels) {
        if (m.labelIds.contains(label, Qt::CaseInsensitive))
            return false;
    }
    return true;
}

} // namespace sandbox
