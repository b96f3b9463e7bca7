#pragma once

#include "sync/JobContext.h"

namespace syncengine {

// Partial sync (developers.google.com/gmail/api/guides/sync, "Partial synchronization"):
// users.history.list from the tenant's historyId with messageAdded/messageDeleted/labelAdded/
// labelRemoved, page by page, each page applied in order and committed with its checkpoint
// {mode, startHistoryId, pageToken, latestHistoryId}. A 404 (history too old) is recorded on the job and
// a full resync of the initial window runs in the same job, once. Also runs push jobs.
class IncrementalSync final {
public:
    static StepOutcome run(JobContext &ctx, qint64 *historyId);
};

} // namespace syncengine
