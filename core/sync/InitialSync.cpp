#include "sync/InitialSync.h"

namespace syncengine {

namespace {

// A checkpoint written before the listed ids were kept in the database (migration 0006) cannot say what
// earlier runs listed: list the window again (ids only, no fetch), recording them page by page.
StepOutcome recordAllIds(JobContext &ctx, const QString &query, const QJsonObject &cp) {
    QString token;
    bool first = true;
    do {
        StepOutcome failure;
        const auto page = ctx.listPage(query, token, QStringLiteral("listing messages failed"), &failure);
        if (!page)
            return failure;
        StepWrite write;
        write.seenIds = page->ids;
        write.resetSeen = first;
        first = false;
        if (StepOutcome o = ctx.commitStep(std::move(write), cp); !o.ok())
            return o;
        token = page->nextPageToken;
    } while (!token.isEmpty());
    return StepOutcome::success();
}

} // namespace

StepOutcome InitialSync::run(JobContext &ctx, const QString &mode, qint64 *historyId) {
    QJsonObject cp = ctx.checkpoint();
    const bool fresh =
        cp.value(QStringLiteral("mode")).toString() != mode || !cp.contains(QStringLiteral("historyId"));
    if (fresh) {
        SourceError error;
        const auto profile = ctx.source().profile(&error);
        if (!profile)
            return ctx.sourceFailure(QStringLiteral("reading the Gmail profile failed"), error);
        const int days =
            ctx.job().params.value(QStringLiteral("days")).toInt(ctx.options().initialWindowDays);
        const qint64 after = QDateTime::currentSecsSinceEpoch() - qint64(days) * 86400;
        cp = QJsonObject{{QStringLiteral("mode"), mode},
                         {QStringLiteral("historyId"), QString::number(profile->historyId)},
                         {QStringLiteral("after"), after},
                         {QStringLiteral("pageToken"), QString()},
                         {QStringLiteral("listed"), false},
                         {QStringLiteral("seenInDb"), true}};
        StepWrite start;
        start.resetSeen = true; // ids an earlier attempt of this job listed belong to another window
        if (StepOutcome o = ctx.commitStep(std::move(start), cp); !o.ok())
            return o;
        ctx.setHistoryIds(profile->historyId, std::nullopt);
        ctx.setPhase(mode, -1);
    }
    *historyId = cp.value(QStringLiteral("historyId")).toString().toLongLong();
    const qint64 after = cp.value(QStringLiteral("after")).toInteger();
    const QDateTime windowStart = QDateTime::fromSecsSinceEpoch(after, Qt::UTC);
    const QString query = QStringLiteral("after:%1").arg(after - MarginSeconds);
    ctx.setPhase(mode);

    QString token = cp.value(QStringLiteral("pageToken")).toString();
    bool firstPage = true;
    while (!cp.value(QStringLiteral("listed")).toBool()) {
        StepOutcome failure;
        const auto page = ctx.listPage(query, token, QStringLiteral("listing messages failed"), &failure);
        if (!page)
            return failure;
        if (firstPage && token.isEmpty())
            ctx.setPhase(mode, page->resultSizeEstimate);
        firstPage = false;
        StepWrite write;
        if (StepOutcome o =
                ctx.fetch(page->ids, &write,
                          [&windowStart](const db::EmailRecord &r) { return r.internalDate >= windowStart; });
            !o.ok())
            return o;
        // Messages of the window only: the margin the query lets in around it is not counted.
        write.processed = write.records.size() + write.skipped + write.failures.size() + write.quarantined;
        write.seenIds = page->ids; // for the sweep, kept in the database (not in memory)
        cp.insert(QStringLiteral("pageToken"), page->nextPageToken);
        cp.insert(QStringLiteral("listed"), page->nextPageToken.isEmpty());
        if (StepOutcome o = ctx.commitStep(std::move(write), cp); !o.ok())
            return o;
        token = page->nextPageToken;
    }

    if (!cp.value(QStringLiteral("swept")).toBool()) {
        if (!cp.value(QStringLiteral("seenInDb")).toBool()) {
            if (StepOutcome o = recordAllIds(ctx, query, cp); !o.ok())
                return o;
            cp.insert(QStringLiteral("seenInDb"), true);
        }
        StepWrite sweep;
        sweep.sweep = true;
        sweep.sweepFrom = windowStart;
        cp.insert(QStringLiteral("swept"), true);
        if (StepOutcome o = ctx.commitStep(std::move(sweep), cp); !o.ok())
            return o;
    }
    return StepOutcome::success();
}

} // namespace syncengine
