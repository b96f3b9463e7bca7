#include "sync/IncrementalSync.h"

#include "sync/HistoryBatch.h"
#include "sync/InitialSync.h"

namespace syncengine {

StepOutcome IncrementalSync::run(JobContext &ctx, qint64 *historyId) {
    QJsonObject cp = ctx.checkpoint();
    const QString mode = cp.value(QStringLiteral("mode")).toString();
    if (mode == QLatin1String("resync") || mode == QLatin1String("initial"))
        return InitialSync::run(ctx, mode, historyId); // resumed after the fallback had begun

    qint64 start = 0;
    if (mode == QLatin1String("incremental")) {
        start = cp.value(QStringLiteral("startHistoryId")).toString().toLongLong();
    } else {
        const auto tenant = ctx.tenants().find(ctx.job().tenantId);
        if (!tenant)
            return StepOutcome::failed(ctx.tenants().errorString());
        if (!tenant->historyId) {
            ctx.note(
                QStringLiteral("tenant has no history id yet (never fully synced): ran an initial sync"));
            return InitialSync::run(ctx, QStringLiteral("initial"), historyId);
        }
        start = *tenant->historyId;
        cp = QJsonObject{{QStringLiteral("mode"), QStringLiteral("incremental")},
                         {QStringLiteral("startHistoryId"), QString::number(start)},
                         {QStringLiteral("pageToken"), QString()}};
        ctx.setHistoryIds(start, std::nullopt);
    }
    ctx.setPhase(QStringLiteral("incremental"));

    QString token = cp.value(QStringLiteral("pageToken")).toString();
    qint64 latest = qMax(start, cp.value(QStringLiteral("latestHistoryId")).toString().toLongLong());
    for (;;) {
        if (ctx.stopRequested())
            return StepOutcome::stopped();
        if (StepOutcome alive = ctx.keepAlive(); !alive.ok())
            return alive;
        SourceError error;
        const auto page = ctx.source().listHistory(start, token, &error);
        if (!page)
            return ctx.sourceFailure(QStringLiteral("listing history failed"), error);
        if (page->historyTooOld) {
            // guides/sync: a startHistoryId outside the kept range answers 404 — do a full sync.
            ctx.note(QStringLiteral("history id %1 is no longer available (Gmail answered 404): "
                                    "ran a full resync of the last %2 days")
                         .arg(start)
                         .arg(ctx.job()
                                  .params.value(QStringLiteral("days"))
                                  .toInt(ctx.options().initialWindowDays)));
            return InitialSync::run(ctx, QStringLiteral("resync"), historyId);
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
        latest = qMax(latest, page->historyId);
        cp.insert(QStringLiteral("pageToken"), page->nextPageToken);
        cp.insert(QStringLiteral("latestHistoryId"), QString::number(latest));
        if (StepOutcome o = ctx.commitStep(std::move(write), cp); !o.ok())
            return o;
        if (page->nextPageToken.isEmpty())
            break;
        token = page->nextPageToken;
    }
    *historyId = latest;
    return StepOutcome::success();
}

} // namespace syncengine
