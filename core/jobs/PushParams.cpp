#include "jobs/PushParams.h"

#include "jobs/JsonFields.h"

namespace jobs {

QJsonObject PushParams::toJson() const {
    return {{QStringLiteral("notifiedHistoryId"), QString::number(notifiedHistoryId)},
            {QStringLiteral("days"), windowDays},
            {QStringLiteral("retryFailed"), retryFailed}};
}

std::optional<PushParams> PushParams::fromJson(const QJsonObject &json, QString *error) {
    JsonFields f(json, QStringLiteral("push sync parameters"));
    PushParams p;
    p.notifiedHistoryId = f.decimalId(QStringLiteral("notifiedHistoryId"));
    p.windowDays = f.integer(QStringLiteral("days"), 1, 10000);
    p.retryFailed = f.boolean(QStringLiteral("retryFailed"));
    if (!f.finish(error))
        return std::nullopt;
    return p;
}

} // namespace jobs
