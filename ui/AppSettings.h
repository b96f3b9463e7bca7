#pragma once

#include <QString>

namespace ui {

// The admin application's preferences in QSettings. Never a secret: the database password belongs in
// ~/.pgpass or PGPASSWORD (libpq reads both), the OAuth client secret in the keychain.
struct AppSettings {
    QString databaseUrl;
    QString oauthClientId;
    QString masterKeyProvider; // a GMAIL_SYNC_KEY_SOURCES name (keychain, env, key-file, secret-manager);
                               // empty: all
    int workerThreads = 4;
    int initialSyncMonths = 12; // how far back an initial sync reaches
    QString language;           // empty: follow the system locale; "en", "de"

    static AppSettings load();
    void save() const;

    // Why the URL cannot be used (one sentence), or empty. A URL with a password is refused: QSettings is
    // a plain file.
    static QString validateDatabaseUrl(const QString &url);
};

} // namespace ui
