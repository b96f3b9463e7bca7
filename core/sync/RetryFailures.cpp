#include "sync/RetryFailures.h"

namespace syncengine {

StepOutcome RetryFailures::run(JobContext &ctx, bool includePermanent) {
    const auto recorded = ctx.failures().retryable(ctx.job().tenantId, includePermanent,
                                                   ctx.options().maxFailuresRetriedPerJob);
    if (!recorded)
        return StepOutcome::failed(ctx.failures().errorString());
    if (recorded->isEmpty())
        return StepOutcome::success();
    QStringList ids;
    ids.reserve(recorded->size());
    for (const db::MessageFailure &f : *recorded)
        ids.append(f.gmailMessageId);
    ctx.setPhase(QStringLiteral("retrying failed messages"), ids.size());
    StepWrite write;
    if (StepOutcome o = ctx.fetch(ids, &write, {}, includePermanent); !o.ok())
        return o;
    write.processed = write.records.size() + write.skipped + write.failures.size();
    return ctx.commitStep(std::move(write), ctx.checkpoint());
}

} // namespace syncengine
