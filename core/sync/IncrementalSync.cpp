#include "sync/IncrementalSync.h"

#include "sync/HistoryBatch.h"
#include "sync/InitialSync.h"

namespace syncengine {

using jobs::IncrementalCheckpoint;
using jobs::InitialCheckpoint;

std::optional<IncrementalCheckpoint> IncrementalSync::resumeOrStart(JobContext &ctx, StepOutcome *failure,
                                                                    Fallback *fallback) {
    *fallback = Fallback::None;
    if (IncrementalCheckpoint::isIncrementalCheckpoint(ctx.checkpoint())) {
        QString error;
        auto cp = IncrementalCheckpoint::fromJson(ctx.checkpoint(), &error);
        if (!cp)
            *failure = StepOutcome::failed(error, true);
        return cp;
    }
    const auto tenant = ctx.tenants().find(ctx.job().tenantId);
    if (!tenant) {
        *failure = StepOutcome::failed(ctx.tenants().errorString());
        return std::nullopt;
    }
    if (!tenant->historyId) {
        ctx.note(QStringLiteral("tenant has no history id yet (never fully synced): ran an initial sync"));
        *fallback = Fallback::Initial;
        return std::nullopt;
    }
    IncrementalCheckpoint cp;
    cp.startHistoryId = *tenant->historyId;
    cp.latestHistoryId = cp.startHistoryId;
    ctx.setHistoryIds(cp.startHistoryId, std::nullopt);
    return cp;
}

StepOutcome IncrementalSync::run(JobContext &ctx, int windowDays, qint64 *historyId) {
    // Resumed after the fallback to a window sync had begun: go on with it.
    for (const auto mode : {InitialCheckpoint::Mode::Resync, InitialCheckpoint::Mode::Initial}) {
        if (InitialCheckpoint::hasMode(ctx.checkpoint(), mode))
            return InitialSync::run(ctx, mode, windowDays, historyId);
    }
    StepOutcome failure;
    Fallback fallback = Fallback::None;
    auto cp = resumeOrStart(ctx, &failure, &fallback);
    if (fallback == Fallback::Initial)
        return InitialSync::run(ctx, InitialCheckpoint::Mode::Initial, windowDays, historyId);
    if (!cp)
        return failure;
    ctx.setPhase(QStringLiteral("incremental"));
    return walkHistory(ctx, *cp, windowDays, historyId);
}

StepOutcome IncrementalSync::walkHistory(JobContext &ctx, IncrementalCheckpoint &cp, int windowDays,
                                         qint64 *historyId) {
    for (;;) {
        if (ctx.stopRequested())
            return StepOutcome::stopped();
        if (StepOutcome alive = ctx.keepAlive(); !alive.ok())
            return alive;
        SourceError error;
        const auto page = ctx.source().listHistory(cp.startHistoryId, cp.pageToken, &error);
        if (!page)
            return ctx.sourceFailure(QStringLiteral("listing history failed"), error);
        if (page->historyTooOld) {
            // guides/sync: a startHistoryId outside the kept range answers 404 — do a full sync.
            ctx.note(QStringLiteral("history id %1 is no longer available (Gmail answered 404): "
                                    "ran a full resync of the last %2 days")
                         .arg(cp.startHistoryId)
                         .arg(windowDays));
            return InitialSync::run(ctx, InitialCheckpoint::Mode::Resync, windowDays, historyId);
        }
        HistoryBatch batch;
        for (const HistoryChange &c : page->changes)
            batch.apply(c);
        StepWrite write;
        write.processed = batch.recordCount();
        if (StepOutcome o = ctx.fetch(batch.addedIds(), &write); !o.ok())
            return o;
        write.deletes = batch.deletedIds();
        write.labelChanges = batch.labelChanges();
        cp.latestHistoryId = qMax(cp.latestHistoryId, page->historyId);
        cp.pageToken = page->nextPageToken;
        if (StepOutcome o = ctx.commitStep(std::move(write), cp.toJson()); !o.ok())
            return o;
        if (page->nextPageToken.isEmpty())
            break;
    }
    *historyId = cp.latestHistoryId;
    return StepOutcome::success();
}

} // namespace syncengine
