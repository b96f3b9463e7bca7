#include "AppInfo.h"

#include "common/Version.h"

#include <QCoreApplication>

namespace common {

QString AppInfo::organization() {
    return QStringLiteral("GmailSyncAdmin");
}
QString AppInfo::applicationName() {
    return QStringLiteral("gmail-sync-admin");
}
QString AppInfo::version() {
    return QStringLiteral(GSA_VERSION);
}

void AppInfo::install() {
    QCoreApplication::setOrganizationName(organization());
    QCoreApplication::setApplicationName(applicationName());
    QCoreApplication::setApplicationVersion(version());
}

} // namespace common
