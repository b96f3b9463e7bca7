#pragma once

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QList>
#include <QString>

namespace cli {

// The options every command shares. Each comes from its command-line option, else from its
// environment variable, else from the default (Google's real endpoints).
struct GlobalOptions final {
    QString databaseUrl;   // --database, GMAIL_SYNC_DATABASE_URL; empty: the embedded cluster
    QString gmailApiUrl;   // --gmail-api-url, GMAIL_SYNC_GMAIL_API_URL
    QString oauthTokenUrl; // --oauth-token-url, GMAIL_SYNC_OAUTH_TOKEN_URL
    QString oauthAuthUrl;  // --oauth-auth-url, GMAIL_SYNC_OAUTH_AUTH_URL
    QString pubsubUrl;     // --pubsub-url, GMAIL_SYNC_PUBSUB_URL
    QString keyFile;       // --key-file, GMAIL_SYNC_KEY_FILE; empty: the other master-key providers

    static QString defaultGmailApiUrl() { return QStringLiteral("https://gmail.googleapis.com"); }
    static QString defaultOAuthTokenUrl() { return QStringLiteral("https://oauth2.googleapis.com/token"); }
    static QString defaultOAuthAuthUrl() {
        return QStringLiteral("https://accounts.google.com/o/oauth2/v2/auth");
    }
    static QString defaultPubsubUrl() { return QStringLiteral("https://pubsub.googleapis.com"); }

    // Defaults overridden by the environment.
    static GlobalOptions fromEnvironment();
    static QList<QCommandLineOption> commandLineOptions();
    // Takes every global option that is set in `parser` (which must know commandLineOptions()).
    void applyFrom(const QCommandLineParser &parser);
};

} // namespace cli
