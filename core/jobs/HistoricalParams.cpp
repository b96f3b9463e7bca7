#include "jobs/HistoricalParams.h"

#include "jobs/JsonFields.h"

namespace jobs {

QJsonObject HistoricalParams::toJson() const {
    return {{QStringLiteral("from"), from.toString(Qt::ISODate)},
            {QStringLiteral("to"), to.toString(Qt::ISODate)},
            {QStringLiteral("retryFailed"), retryFailed}};
}

std::optional<HistoricalParams> HistoricalParams::fromJson(const QJsonObject &json, QString *error) {
    JsonFields f(json, QStringLiteral("historical sync parameters"));
    HistoricalParams p;
    p.from = f.date(QStringLiteral("from"));
    p.to = f.date(QStringLiteral("to"));
    p.retryFailed = f.boolean(QStringLiteral("retryFailed"));
    if (!f.finish(error))
        return std::nullopt;
    if (p.from > p.to) {
        if (error)
            *error = QStringLiteral("historical sync parameters: from (%1) is after to (%2)")
                         .arg(p.from.toString(Qt::ISODate), p.to.toString(Qt::ISODate));
        return std::nullopt;
    }
    return p;
}

} // namespace jobs
