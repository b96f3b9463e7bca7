#include "jobs/InitialCheckpoint.h"

#include "jobs/JsonFields.h"

namespace jobs {

QString InitialCheckpoint::modeName(Mode mode) {
    return mode == Mode::Initial ? QStringLiteral("initial") : QStringLiteral("resync");
}

bool InitialCheckpoint::hasMode(const QJsonObject &json, Mode mode) {
    return JsonFields::modeOf(json) == modeName(mode);
}

bool InitialCheckpoint::isWindowCheckpoint(const QJsonObject &json) {
    return hasMode(json, Mode::Initial) || hasMode(json, Mode::Resync);
}

QJsonObject InitialCheckpoint::toJson() const {
    return {
        {QStringLiteral("mode"), modeName(mode)}, {QStringLiteral("historyId"), QString::number(historyId)},
        {QStringLiteral("after"), after},         {QStringLiteral("pageToken"), pageToken},
        {QStringLiteral("listed"), listed},       {QStringLiteral("seenInDb"), seenInDb},
        {QStringLiteral("swept"), swept}};
}

std::optional<InitialCheckpoint> InitialCheckpoint::fromJson(const QJsonObject &json, QString *error) {
    JsonFields f(json, QStringLiteral("window sync checkpoint"));
    InitialCheckpoint c;
    const QString mode = f.string(QStringLiteral("mode"));
    c.mode = mode == modeName(Mode::Resync) ? Mode::Resync : Mode::Initial;
    c.historyId = f.decimalId(QStringLiteral("historyId"));
    c.after = f.seconds(QStringLiteral("after"));
    c.pageToken = f.string(QStringLiteral("pageToken"));
    c.listed = f.boolean(QStringLiteral("listed"));
    c.seenInDb = f.boolean(QStringLiteral("seenInDb"));
    c.swept = f.boolean(QStringLiteral("swept"));
    if (!f.finish(error))
        return std::nullopt;
    if (!isWindowCheckpoint(json)) {
        if (error)
            *error =
                QStringLiteral("window sync checkpoint: mode \"%1\" is neither initial nor resync").arg(mode);
        return std::nullopt;
    }
    return c;
}

} // namespace jobs
