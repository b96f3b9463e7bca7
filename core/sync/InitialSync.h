#pragma once

#include "jobs/InitialCheckpoint.h"
#include "sync/JobContext.h"

namespace syncengine {

// Full sync of a recent window (developers.google.com/gmail/api/guides/sync, "Full synchronization"):
// take the profile's historyId first (so nothing arriving during the sync is missed by the next partial
// sync), list `after:<epoch seconds>` page by page, fetch each page through batch, store it with its
// checkpoint (jobs::InitialCheckpoint), then remove rows of the window that the mailbox no longer has.
// Also the resync that runs after a history 404.
class InitialSync final {
public:
    using Mode = jobs::InitialCheckpoint::Mode;

    // The checkpoint is reused only when its mode matches `mode`. `windowDays`: how far back a fresh
    // window reaches. *historyId: the history id to store on the tenant once the job succeeds.
    static StepOutcome run(JobContext &ctx, Mode mode, int windowDays, qint64 *historyId);

    // Listing margin: Gmail applies after:/before: to its own index of the date; fetch an hour more
    // and filter by internalDate exactly (developers.google.com/gmail/api/guides/filtering).
    static constexpr qint64 MarginSeconds = 3600;

private:
    static std::optional<jobs::InitialCheckpoint> resumeOrStart(JobContext &ctx, Mode mode, int windowDays,
                                                                StepOutcome *failure);
    static StepOutcome listWindow(JobContext &ctx, jobs::InitialCheckpoint &cp, const QString &query);
    static StepOutcome sweep(JobContext &ctx, jobs::InitialCheckpoint &cp, const QString &query);
    static StepOutcome recordAllIds(JobContext &ctx, const QString &query, const jobs::InitialCheckpoint &cp);
};

} // namespace syncengine
