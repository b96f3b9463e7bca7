#pragma once

#include "jobs/IncrementalCheckpoint.h"
#include "sync/JobContext.h"

namespace syncengine {

// Partial sync (developers.google.com/gmail/api/guides/sync, "Partial synchronization"):
// users.history.list from the tenant's historyId with messageAdded/messageDeleted/labelAdded/
// labelRemoved, page by page, each page applied in order and committed with its checkpoint
// (jobs::IncrementalCheckpoint). A 404 (history too old) is recorded on the job and a full resync of
// `windowDays` runs in the same job, once. Also runs push jobs.
class IncrementalSync final {
public:
    static StepOutcome run(JobContext &ctx, int windowDays, qint64 *historyId);

private:
    // The checkpoint to go on from; nullopt with *failure set, or with *fallback set when the job must run
    // (or goes on running) a window sync instead.
    enum class Fallback { None, Initial };
    static std::optional<jobs::IncrementalCheckpoint> resumeOrStart(JobContext &ctx, StepOutcome *failure,
                                                                    Fallback *fallback);
    static StepOutcome walkHistory(JobContext &ctx, jobs::IncrementalCheckpoint &cp, int windowDays,
                                   qint64 *historyId);
};

} // namespace syncengine
