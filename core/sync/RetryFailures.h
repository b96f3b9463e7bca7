#pragma once

#include "sync/JobContext.h"

namespace syncengine {

// The first step of every job: fetch again the messages of the tenant that earlier syncs recorded as
// failed (message_failures), crash suspects one at a time. Stored ones leave the table, gone ones (404)
// too, the rest count one more attempt and become permanent at SyncOptions::maxMessageAttempts.
// Permanent failures are retried only when the job asks for it (params {"retryFailed": true}, the
// operator's `gmail-sync sync --retry-failed`). Leaves the job's checkpoint as it is.
class RetryFailures final {
public:
    static StepOutcome run(JobContext &ctx, bool includePermanent);
};

} // namespace syncengine
