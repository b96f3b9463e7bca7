#include "jobs/IncrementalCheckpoint.h"

#include "jobs/JsonFields.h"

namespace jobs {

namespace {
const QString kMode = QStringLiteral("incremental");
}

bool IncrementalCheckpoint::isIncrementalCheckpoint(const QJsonObject &json) {
    return JsonFields::modeOf(json) == kMode;
}

QJsonObject IncrementalCheckpoint::toJson() const {
    return {{QStringLiteral("mode"), kMode},
            {QStringLiteral("startHistoryId"), QString::number(startHistoryId)},
            {QStringLiteral("latestHistoryId"), QString::number(latestHistoryId)},
            {QStringLiteral("pageToken"), pageToken}};
}

std::optional<IncrementalCheckpoint> IncrementalCheckpoint::fromJson(const QJsonObject &json,
                                                                     QString *error) {
    JsonFields f(json, QStringLiteral("incremental sync checkpoint"));
    IncrementalCheckpoint c;
    const QString mode = f.string(QStringLiteral("mode"));
    c.startHistoryId = f.decimalId(QStringLiteral("startHistoryId"));
    c.latestHistoryId = f.decimalId(QStringLiteral("latestHistoryId"));
    c.pageToken = f.string(QStringLiteral("pageToken"));
    if (!f.finish(error))
        return std::nullopt;
    if (mode != kMode) {
        if (error)
            *error = QStringLiteral("incremental sync checkpoint: mode \"%1\" is not incremental").arg(mode);
        return std::nullopt;
    }
    return c;
}

} // namespace jobs
