#pragma once

#include "sync/SyncOptions.h"

#include <QProcess>
#include <QString>
#include <QUrl>

#include <memory>
#include <optional>

namespace crypto {
class Vault;
}

namespace demo {

// The embedded default that lets anyone try the product with no Google account: starts the bundled
// `gmail-sandbox` with a generated mailbox, and connects a demo tenant to it the way a real one is
// connected — an OAuth refresh token (granted by the sandbox as if the user had clicked "Allow"),
// sealed in the credentials vault, and access tokens from auth::TokenManager at the sandbox's token
// endpoint. Used by `gmail-sync demo` and `gmail-sync-admin --demo`.
class DemoEnvironment final {
public:
    struct Options {
        QString sandboxProgram; // path of gmail-sandbox; empty: next to this executable
        int messages = 2000;    // generated messages
        int days = 60;          // spread over the last `days` days (the initial sync takes 30)
        quint32 seed = 7;
        QString tenantId = QStringLiteral("demo");
        QString displayName = QStringLiteral("Demo tenant");
        QString email = QStringLiteral("demo@example.com");
        QString oauthClientId = QStringLiteral("demo-client.apps.googleusercontent.com");
        QString keyFile; // master key file; empty: GMAIL_SYNC_MASTER_KEY, else a demo key file
    };

    explicit DemoEnvironment(Options options);
    ~DemoEnvironment(); // stops the sandbox
    DemoEnvironment(const DemoEnvironment &) = delete;
    DemoEnvironment &operator=(const DemoEnvironment &) = delete;

    // Starts the sandbox and waits for its {"url": ...} line.
    Q_REQUIRED_RESULT bool startSandbox(int timeoutMs = 120000);
    // On this thread's database connection (migrated): the demo tenant (created if missing) and its
    // encrypted OAuth integration.
    Q_REQUIRED_RESULT bool connectTenant();

    QUrl sandboxUrl() const { return m_url; }
    QUrl tokenUrl() const;
    QString keyFile() const { return m_keyFile; }
    // Engine options pointing at the sandbox, with tokens from the vault through auth::TokenManager.
    syncengine::SyncOptions syncOptions(syncengine::SyncOptions base) const;
    QString errorString() const { return m_error; }

private:
    bool fail(const QString &message);
    bool prepareKeyFile();
    std::optional<QString> grantRefreshToken();

    Options m_options;
    QProcess m_sandbox;
    QUrl m_url;
    QString m_keyFile;
    std::shared_ptr<crypto::Vault> m_vault;
    QString m_error;
};

} // namespace demo
