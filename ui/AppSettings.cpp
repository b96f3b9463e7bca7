#include "AppSettings.h"

#include "db/ConnectionSettings.h"

#include <QCoreApplication>
#include <QSettings>

namespace ui {

namespace {

// Days; settings written by older versions hold months (30 days each: the window is a count of days).
int initialWindowDaysFrom(const QSettings &s) {
    const QString days = QStringLiteral("sync/initialWindowDays");
    const QString months = QStringLiteral("sync/initialSyncMonths");
    int value = jobs::InitialParams::DefaultWindowDays;
    if (s.contains(days))
        value = s.value(days).toInt();
    else if (s.contains(months))
        value = s.value(months).toInt() * 30;
    return qBound(1, value, jobs::InitialParams::MaxWindowDays);
}

} // namespace

AppSettings AppSettings::load() {
    QSettings s;
    AppSettings a;
    a.databaseUrl = s.value(QStringLiteral("database/url")).toString();
    a.oauthClientId = s.value(QStringLiteral("oauth/clientId")).toString();
    a.masterKeyProvider = s.value(QStringLiteral("crypto/masterKeyProvider"), a.masterKeyProvider).toString();
    a.workerThreads = qBound(1, s.value(QStringLiteral("sync/workerThreads"), a.workerThreads).toInt(), 64);
    a.initialWindowDays = initialWindowDaysFrom(s);
    a.language = s.value(QStringLiteral("ui/language")).toString();
    a.quotaProfile = s.value(QStringLiteral("quota/profile"), a.quotaProfile).toString();
    a.quotaUserPerMinute = qMax(0, s.value(QStringLiteral("quota/userPerMinute"), 0).toInt());
    a.quotaProjectPerMinute = qMax(0, s.value(QStringLiteral("quota/projectPerMinute"), 0).toInt());
    a.quotaCosts = s.value(QStringLiteral("quota/costs")).toString();
    return a;
}

void AppSettings::save() const {
    QSettings s;
    s.setValue(QStringLiteral("database/url"), databaseUrl);
    s.setValue(QStringLiteral("oauth/clientId"), oauthClientId);
    s.setValue(QStringLiteral("crypto/masterKeyProvider"), masterKeyProvider);
    s.setValue(QStringLiteral("sync/workerThreads"), workerThreads);
    s.setValue(QStringLiteral("sync/initialWindowDays"), initialWindowDays);
    s.remove(QStringLiteral("sync/initialSyncMonths")); // stored in months before 0.4
    s.setValue(QStringLiteral("ui/language"), language);
    s.setValue(QStringLiteral("quota/profile"), quotaProfile);
    s.setValue(QStringLiteral("quota/userPerMinute"), quotaUserPerMinute);
    s.setValue(QStringLiteral("quota/projectPerMinute"), quotaProjectPerMinute);
    s.setValue(QStringLiteral("quota/costs"), quotaCosts);
}

std::optional<gmail::QuotaProfile> AppSettings::quota(QString *error) const {
    return gmail::QuotaProfile::resolve(quotaProfile, quotaUserPerMinute, quotaProjectPerMinute, quotaCosts,
                                        error);
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
