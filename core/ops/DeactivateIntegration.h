#pragma once

#include <QString>

namespace ops {

// Stops syncing a tenant: its Gmail integration turns 'inactive' (stored mail is kept) until the mailbox is
// connected again. Synchronous, on the calling thread's connection.
class DeactivateIntegration final {
public:
    struct Result {
        bool ok = false;
        QString error; // user-facing
    };

    DeactivateIntegration() = delete;

    // `reason` is what the operator reads later next to the status (say who did it and what undoes it).
    // actor: who deactivates, for the audit trail (empty: the OS user running this process).
    static Result run(const QString &tenantId, const QString &reason, const QString &actor = {});
};

} // namespace ops
