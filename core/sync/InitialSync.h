#pragma once

#include "sync/JobContext.h"

namespace syncengine {

// Full sync of a recent window (developers.google.com/gmail/api/guides/sync, "Full synchronization"):
// take the profile's historyId first (so nothing arriving during the sync is missed by the next partial
// sync), list `after:<epoch seconds>` page by page, fetch each page through batch, store it with its
// checkpoint, then remove rows of the window that the mailbox no longer has. Also the resync that runs
// after a history 404. Checkpoint: {mode, historyId, after, pageToken, listed}.
class InitialSync final {
public:
    // mode: "initial" or "resync" (the checkpoint is reused only when its mode matches).
    // *historyId: the history id to store on the tenant once the job succeeds.
    static StepOutcome run(JobContext &ctx, const QString &mode, qint64 *historyId);

    // Listing margin: Gmail applies after:/before: to its own index of the date; fetch an hour more
    // and filter by internalDate exactly (developers.google.com/gmail/api/guides/filtering).
    static constexpr qint64 MarginSeconds = 3600;
};

} // namespace syncengine
