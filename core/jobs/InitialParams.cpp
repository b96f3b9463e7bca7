#include "jobs/InitialParams.h"

#include "jobs/JsonFields.h"

namespace jobs {

QJsonObject InitialParams::toJson() const {
    return {{QStringLiteral("days"), windowDays}, {QStringLiteral("retryFailed"), retryFailed}};
}

std::optional<InitialParams> InitialParams::fromJson(const QJsonObject &json, QString *error) {
    JsonFields f(json, QStringLiteral("initial sync parameters"));
    InitialParams p;
    p.windowDays = f.integer(QStringLiteral("days"), 1, MaxWindowDays);
    p.retryFailed = f.boolean(QStringLiteral("retryFailed"));
    if (!f.finish(error))
        return std::nullopt;
    return p;
}

} // namespace jobs
