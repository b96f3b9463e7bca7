#include "auth/TokenLifetime.h"

#include <QJsonValue>

namespace auth {

qint64 tokenLifetimeSeconds(const QJsonObject &tokenResponse) {
    constexpr qint64 Default = 3600;
    const QJsonValue v = tokenResponse.value(QLatin1String("expires_in"));
    qint64 seconds = Default;
    if (v.isString()) {
        bool ok = false;
        seconds = v.toString().trimmed().toLongLong(&ok);
        if (!ok)
            seconds = Default;
    } else {
        seconds = v.toInteger(Default);
    }
    return seconds > 0 ? seconds : Default;
}

} // namespace auth
