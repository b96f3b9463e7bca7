#include "jobs/JobKind.h"

namespace jobs {

QString kindName(JobKind kind) {
    switch (kind) {
    case JobKind::Initial:
        return QStringLiteral("initial");
    case JobKind::Incremental:
        return QStringLiteral("incremental");
    case JobKind::Historical:
        return QStringLiteral("historical");
    case JobKind::Push:
        return QStringLiteral("push");
    }
    return {};
}

std::optional<JobKind> parseKind(const QString &name, QString *error) {
    for (JobKind k : {JobKind::Initial, JobKind::Incremental, JobKind::Historical, JobKind::Push}) {
        if (name == kindName(k))
            return k;
    }
    if (error)
        *error =
            QStringLiteral("unknown job kind \"%1\" (initial, incremental, historical or push)").arg(name);
    return std::nullopt;
}

} // namespace jobs
