#include "jobs/HistoricalCheckpoint.h"

#include "jobs/JsonFields.h"

#include <QRegularExpression>

namespace jobs {

namespace {
const QString kMode = QStringLiteral("historical");
}

bool HistoricalCheckpoint::isHistoricalCheckpoint(const QJsonObject &json) {
    return JsonFields::modeOf(json) == kMode;
}

QJsonObject HistoricalCheckpoint::toJson() const {
    return {{QStringLiteral("mode"), kMode},
            {QStringLiteral("month"), month},
            {QStringLiteral("pageToken"), pageToken},
            {QStringLiteral("done"), done}};
}

std::optional<HistoricalCheckpoint> HistoricalCheckpoint::fromJson(const QJsonObject &json, QString *error) {
    JsonFields f(json, QStringLiteral("historical sync checkpoint"));
    HistoricalCheckpoint c;
    const QString mode = f.string(QStringLiteral("mode"));
    c.month = f.string(QStringLiteral("month"));
    c.pageToken = f.string(QStringLiteral("pageToken"));
    c.done = f.boolean(QStringLiteral("done"));
    if (!f.finish(error))
        return std::nullopt;
    static const QRegularExpression monthPattern(QStringLiteral("^\\d{4}-\\d{2}$"));
    if (mode != kMode || !monthPattern.match(c.month).hasMatch()) {
        if (error)
            *error = QStringLiteral("historical sync checkpoint: needs mode historical and month as yyyy-MM");
        return std::nullopt;
    }
    return c;
}

} // namespace jobs
