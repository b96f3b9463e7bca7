#include "sync/InitialSync.h"

namespace syncengine {

using jobs::InitialCheckpoint;

std::optional<InitialCheckpoint> InitialSync::resumeOrStart(JobContext &ctx, Mode mode, int windowDays,
                                                            StepOutcome *failure) {
    if (InitialCheckpoint::hasMode(ctx.checkpoint(), mode)) {
        QString error;
        auto cp = InitialCheckpoint::fromJson(ctx.checkpoint(), &error);
        if (!cp)
            *failure = StepOutcome::failed(error, true);
        return cp;
    }
    SourceError error;
    const auto profile = ctx.source().profile(&error);
    if (!profile) {
        *failure = ctx.sourceFailure(QStringLiteral("reading the Gmail profile failed"), error);
        return std::nullopt;
    }
    InitialCheckpoint cp;
    cp.mode = mode;
    cp.historyId = profile->historyId;
    cp.after = QDateTime::currentSecsSinceEpoch() - qint64(windowDays) * 86400;
    StepWrite start;
    start.resetSeen = true; // ids an earlier attempt of this job listed belong to another window
    if (StepOutcome o = ctx.commitStep(std::move(start), cp.toJson()); !o.ok()) {
        *failure = o;
        return std::nullopt;
    }
    ctx.setHistoryIds(profile->historyId, std::nullopt);
    ctx.setPhase(InitialCheckpoint::modeName(mode), -1);
    return cp;
}

StepOutcome InitialSync::run(JobContext &ctx, Mode mode, int windowDays, qint64 *historyId) {
    StepOutcome failure;
    auto cp = resumeOrStart(ctx, mode, windowDays, &failure);
    if (!cp)
        return failure;
    *historyId = cp->historyId;
    const QString query = QStringLiteral("after:%1").arg(cp->after - MarginSeconds);
    ctx.setPhase(InitialCheckpoint::modeName(mode));
    if (StepOutcome o = listWindow(ctx, *cp, query); !o.ok())
        return o;
    return sweep(ctx, *cp, query);
}

StepOutcome InitialSync::listWindow(JobContext &ctx, InitialCheckpoint &cp, const QString &query) {
    const QDateTime windowStart = QDateTime::fromSecsSinceEpoch(cp.after, Qt::UTC);
    const bool firstListing = cp.pageToken.isEmpty();
    while (!cp.listed) {
        StepOutcome failure;
        const auto page =
            ctx.listPage(query, cp.pageToken, QStringLiteral("listing messages failed"), &failure);
        if (!page)
            return failure;
        if (firstListing && cp.pageToken.isEmpty())
            ctx.setPhase(InitialCheckpoint::modeName(cp.mode), page->resultSizeEstimate);
        StepWrite write;
        if (StepOutcome o =
                ctx.fetch(page->ids, &write,
                          [&windowStart](const db::EmailRecord &r) { return r.internalDate >= windowStart; });
            !o.ok())
            return o;
        // Messages of the window only: the margin the query lets in around it is not counted.
        write.processed = write.records.size() + write.skipped + write.failures.size() + write.quarantined;
        write.seenIds = page->ids; // for the sweep, kept in the database (not in memory)
        cp.pageToken = page->nextPageToken;
        cp.listed = page->nextPageToken.isEmpty();
        if (StepOutcome o = ctx.commitStep(std::move(write), cp.toJson()); !o.ok())
            return o;
    }
    return StepOutcome::success();
}

StepOutcome InitialSync::sweep(JobContext &ctx, InitialCheckpoint &cp, const QString &query) {
    if (cp.swept)
        return StepOutcome::success();
    if (!cp.seenInDb) {
        if (StepOutcome o = recordAllIds(ctx, query, cp); !o.ok())
            return o;
        cp.seenInDb = true;
    }
    StepWrite sweep;
    sweep.sweep = true;
    sweep.sweepFrom = QDateTime::fromSecsSinceEpoch(cp.after, Qt::UTC);
    cp.swept = true;
    return ctx.commitStep(std::move(sweep), cp.toJson());
}

// A checkpoint written before the listed ids were kept in the database (migration 0006) cannot say what
// earlier runs listed: list the window again (ids only, no fetch), recording them page by page.
StepOutcome InitialSync::recordAllIds(JobContext &ctx, const QString &query, const InitialCheckpoint &cp) {
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
        if (StepOutcome o = ctx.commitStep(std::move(write), cp.toJson()); !o.ok())
            return o;
        token = page->nextPageToken;
    } while (!token.isEmpty());
    return StepOutcome::success();
}

} // namespace syncengine
