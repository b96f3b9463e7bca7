#include "sync/HistoricalSync.h"

#include "sync/InitialSync.h"

namespace syncengine {

QList<HistoricalSync::Month> HistoricalSync::months(const QDate &from, const QDate &to) {
    QList<Month> out;
    if (!from.isValid() || !to.isValid() || from > to)
        return out;
    const QDateTime rangeEnd(to.addDays(1), QTime(0, 0), Qt::UTC);
    QDate monthStart(from.year(), from.month(), 1);
    while (QDateTime(monthStart, QTime(0, 0), Qt::UTC) < rangeEnd) {
        const QDate next = monthStart.addMonths(1);
        Month m;
        m.name = monthStart.toString(QStringLiteral("yyyy-MM"));
        m.start = QDateTime(qMax(monthStart, from), QTime(0, 0), Qt::UTC);
        m.end = qMin(QDateTime(next, QTime(0, 0), Qt::UTC), rangeEnd);
        out.append(m);
        monthStart = next;
    }
    return out;
}

StepOutcome HistoricalSync::run(JobContext &ctx) {
    const QDate from =
        QDate::fromString(ctx.job().params.value(QStringLiteral("from")).toString(), Qt::ISODate);
    const QDate to = QDate::fromString(ctx.job().params.value(QStringLiteral("to")).toString(), Qt::ISODate);
    const QList<Month> all = months(from, to);
    if (all.isEmpty())
        return StepOutcome::failed(QStringLiteral("historical sync needs params from <= to as YYYY-MM-DD"),
                                   true);

    QJsonObject cp = ctx.checkpoint();
    if (cp.value(QStringLiteral("mode")).toString() != QLatin1String("historical"))
        cp = QJsonObject{{QStringLiteral("mode"), QStringLiteral("historical")},
                         {QStringLiteral("month"), all.first().name},
                         {QStringLiteral("pageToken"), QString()}};
    if (cp.value(QStringLiteral("done")).toBool())
        return StepOutcome::success();
    qsizetype first = 0;
    while (first < all.size() && all.at(first).name != cp.value(QStringLiteral("month")).toString())
        ++first;
    if (first == all.size())
        first = 0;

    for (qsizetype i = first; i < all.size(); ++i) {
        const Month &m = all.at(i);
        ctx.setPhase(QStringLiteral("historical ") + m.name);
        const QString query = QStringLiteral("after:%1 before:%2")
                                  .arg(m.start.toSecsSinceEpoch() - InitialSync::MarginSeconds)
                                  .arg(m.end.toSecsSinceEpoch() + InitialSync::MarginSeconds);
        QString token = i == first ? cp.value(QStringLiteral("pageToken")).toString() : QString();
        for (;;) {
            StepOutcome failure;
            const auto page = ctx.listPage(
                query, token, QStringLiteral("listing messages of %1 failed").arg(m.name), &failure);
            if (!page)
                return failure;
            if (token.isEmpty())
                ctx.addEstimated(page->resultSizeEstimate);
            StepWrite write;
            if (StepOutcome o = ctx.fetch(page->ids, &write,
                                          [&m](const db::EmailRecord &r) {
                                              return r.internalDate >= m.start && r.internalDate < m.end;
                                          });
                !o.ok())
                return o;
            // Messages of the window only: the margin the query lets in around it is not counted.
            write.processed =
                write.records.size() + write.skipped + write.failures.size() + write.quarantined;
            const bool monthDone = page->nextPageToken.isEmpty();
            if (!monthDone) {
                cp.insert(QStringLiteral("month"), m.name);
                cp.insert(QStringLiteral("pageToken"), page->nextPageToken);
            } else if (i + 1 < all.size()) {
                cp.insert(QStringLiteral("month"), all.at(i + 1).name);
                cp.insert(QStringLiteral("pageToken"), QString());
            } else {
                cp.insert(QStringLiteral("pageToken"), QString());
                cp.insert(QStringLiteral("done"), true);
            }
            if (StepOutcome o = ctx.commitStep(std::move(write), cp); !o.ok())
                return o;
            if (monthDone)
                break;
            token = page->nextPageToken;
        }
    }
    return StepOutcome::success();
}

} // namespace syncengine
