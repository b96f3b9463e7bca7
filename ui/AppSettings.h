#pragma once

#include "gmail/QuotaProfile.h"
#include "jobs/InitialParams.h"

#include <QString>

#include <optional>

namespace ui {

// The admin application's preferences in QSettings. Never a secret: the database password belongs in
// ~/.pgpass or PGPASSWORD (libpq reads both), the OAuth client secret in the keychain.
struct AppSettings {
    QString databaseUrl;
    QString oauthClientId;
    QString masterKeyProvider; // a GMAIL_SYNC_KEY_SOURCES name (keychain, env, key-file, secret-manager);
                               // empty: all
    int workerThreads = 4;
    int initialWindowDays = jobs::InitialParams::DefaultWindowDays; // how far back an initial sync reaches
    QString language; // empty: follow the system locale; "en", "de"
    // Gmail quota regime of the deployment's Cloud project (gmail::QuotaProfile) and its overrides;
    // 0 / empty: the profile's own value.
    QString quotaProfile = gmail::QuotaProfile::defaultName();
    int quotaUserPerMinute = 0;
    int quotaProjectPerMinute = 0;
    QString quotaCosts; // "messages.get=20,threads.get=40"

    // The profile with the overrides applied; nullopt and *error when they do not parse.
    std::optional<gmail::QuotaProfile> quota(QString *error = nullptr) const;

    static AppSettings load();
    void save() const;

    // Why the URL cannot be used (one sentence), or empty. A URL with a password is refused: QSettings is
    // a plain file.
    static QString validateDatabaseUrl(const QString &url);
};

} // namespace ui
