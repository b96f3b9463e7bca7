#include "AppSettings.h"

#include "db/ConnectionSettings.h"

#include <QCoreApplication>
#include <QSettings>

namespace ui {

AppSettings AppSettings::load() {
    QSettings s;
    AppSettings a;
    a.databaseUrl = s.value(QStringLiteral("database/url")).toString();
    a.oauthClientId = s.value(QStringLiteral("oauth/clientId")).toString();
    a.masterKeyProvider = s.value(QStringLiteral("crypto/masterKeyProvider"), a.masterKeyProvider).toString();
    a.workerThreads = qBound(1, s.value(QStringLiteral("sync/workerThreads"), a.workerThreads).toInt(), 64);
    a.initialSyncMonths =
        qBound(1, s.value(QStringLiteral("sync/initialSyncMonths"), a.initialSyncMonths).toInt(), 240);
    a.language = s.value(QStringLiteral("ui/language")).toString();
    return a;
}

void AppSettings::save() const {
    QSettings s;
    s.setValue(QStringLiteral("database/url"), databaseUrl);
    s.setValue(QStringLiteral("oauth/clientId"), oauthClientId);
    s.setValue(QStringLiteral("crypto/masterKeyProvider"), masterKeyProvider);
    s.setValue(QStringLiteral("sync/workerThreads"), workerThreads);
    s.setValue(QStringLiteral("sync/initialSyncMonths"), initialSyncMonths);
    s.setValue(QStringLiteral("ui/language"), language);
}

QString AppSettings::validateDatabaseUrl(const QString &url) {
    if (url.trimmed().isEmpty())
        return QCoreApplication::translate("ui::AppSettings",
                                           "Enter the database URL, e.g. postgresql://user@host/gmail_sync.");
    QString error;
    const auto settings = db::ConnectionSettings::fromUrl(url.trimmed(), &error);
    if (!settings)
        return QCoreApplication::translate("ui::AppSettings", "The database URL is not valid: %1").arg(error);
    if (!settings->password.isEmpty() || settings->options.contains(QLatin1String("password")))
        return QCoreApplication::translate(
            "ui::AppSettings", "Remove the password from the URL: settings are stored unencrypted. "
                               "Put it in ~/.pgpass or the PGPASSWORD variable instead.");
    return {};
}

} // namespace ui
