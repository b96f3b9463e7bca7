#pragma once

#include <QString>

#include <optional>

namespace jobs {

// What a job does; stored in sync_jobs.kind as the names below (CHECK constraint of migration 0001).
enum class JobKind {
    Initial,     // the last N days, then the history id to continue from
    Incremental, // the History API from the tenant's stored history id
    Historical,  // a date range, one month at a time
    Push,        // incremental, queued by a Pub/Sub notification
};

QString kindName(JobKind kind);
// Unknown names are an error (*error says which name), never a default kind.
std::optional<JobKind> parseKind(const QString &name, QString *error = nullptr);

} // namespace jobs
