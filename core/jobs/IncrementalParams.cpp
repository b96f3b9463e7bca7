#include "jobs/IncrementalParams.h"

#include "jobs/JsonFields.h"

namespace jobs {

QJsonObject IncrementalParams::toJson() const {
    return {{QStringLiteral("days"), windowDays}, {QStringLiteral("retryFailed"), retryFailed}};
}

std::optional<IncrementalParams> IncrementalParams::fromJson(const QJsonObject &json, QString *error) {
    JsonFields f(json, QStringLiteral("incremental sync parameters"));
    IncrementalParams p;
    p.windowDays = f.integer(QStringLiteral("days"), 1, 10000);
    p.retryFailed = f.boolean(QStringLiteral("retryFailed"));
    if (!f.finish(error))
        return std::nullopt;
    return p;
}

} // namespace jobs
