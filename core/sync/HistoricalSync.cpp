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

StepOutcome HistoricalSync::run(JobContext &ctx, const jobs::HistoricalParams &params) {
    const QList<Month> all = months(params.from, params.to);
    if (all.isEmpty())
        return StepOutcome::failed(QStringLiteral("historical sync needs from <= to"), true);

    jobs::HistoricalCheckpoint cp;
    cp.month = all.first().name;
    if (jobs::HistoricalCheckpoint::isHistoricalCheckpoint(ctx.checkpoint())) {
        QString error;
        const auto stored = jobs::HistoricalCheckpoint::fromJson(ctx.checkpoint(), &error);
        if (!stored)
            return StepOutcome::failed(error, true);
        cp = *stored;
    }
    if (cp.done)
        return StepOutcome::success();
    qsizetype first = 0;
    while (first < all.size() && all.at(first).name != cp.month)
        ++first;
    if (first == all.size()) { // the range changed under the job: start over
        first = 0;
        cp.pageToken.clear();
    }
    for (qsizetype i = first; i < all.size(); ++i) {
        if (StepOutcome o = syncMonth(ctx, all, i, cp); !o.ok())
            return o;
    }
    return StepOutcome::success();
}

// Lists month `i` from cp.pageToken on, one committed step per page; moves cp to the next month at its end.
StepOutcome HistoricalSync::syncMonth(JobContext &ctx, const QList<Month> &all, qsizetype i,
                                      jobs::HistoricalCheckpoint &cp) {
    const Month &m = all.at(i);
    ctx.setPhase(QStringLiteral("historical ") + m.name);
    const QString query = QStringLiteral("after:%1 before:%2")
                              .arg(m.start.toSecsSinceEpoch() - InitialSync::MarginSeconds)
                              .arg(m.end.toSecsSinceEpoch() + InitialSync::MarginSeconds);
    for (;;) {
        StepOutcome failure;
        const auto page = ctx.listPage(query, cp.pageToken,
                                       QStringLiteral("listing messages of %1 failed").arg(m.name), &failure);
        if (!page)
            return failure;
        if (cp.pageToken.isEmpty())
            ctx.addEstimated(page->resultSizeEstimate);
        StepWrite write;
        if (StepOutcome o = ctx.fetch(page->ids, &write,
                                      [&m](const db::EmailRecord &r) {
                                          return r.internalDate >= m.start && r.internalDate < m.end;
                                      });
            !o.ok())
            return o;
        // Messages of the window only: the margin the query lets in around it is not counted.
        write.processed = write.records.size() + write.skipped + write.failures.size() + write.quarantined;
        const bool monthDone = page->nextPageToken.isEmpty();
        cp.month = monthDone && i + 1 < all.size() ? all.at(i + 1).name : m.name;
        cp.pageToken = page->nextPageToken;
        cp.done = monthDone && i + 1 == all.size();
        if (StepOutcome o = ctx.commitStep(std::move(write), cp.toJson()); !o.ok())
            return o;
        if (monthDone)
            return StepOutcome::success();
    }
}

} // namespace syncengine
