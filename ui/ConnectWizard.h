#pragma once

#include "auth/CredentialStore.h"
#include "auth/OAuthLoopbackFlow.h"
#include "db/TenantRepository.h"
#include "ops/ConnectMailbox.h"

#include <QDateTime>
#include <QPointer>
#include <QTimer>
#include <QUrl>
#include <QWizard>

#include <functional>
#include <optional>

class QButtonGroup;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QWizardPage;

namespace ui {

class DbExecutor;

// Connects a Gmail mailbox: the tenant (id, name, address), then its credentials — a service-account key
// file (domain-wide delegation) or an OAuth keys file {"clientId","clientSecret","refreshToken"} — which are
// validated here, then handed to ops::ConnectMailbox off the GUI thread (sealed with the master key of
// crypto::KeyProviderChain, the order set in Settings). Or, third choice, "Sign in with Google": the OAuth
// installed-app browser flow (auth::OAuthLoopbackFlow on the GUI thread's event loop, never blocking) opens
// the authorization URL in the system browser, shows it for copying, counts down its timeout, and stores the
// sealed refresh token when the browser comes back with consent for the tenant's address.
class ConnectWizard final : public QWizard {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectWizard)
public:
    enum PageId { TenantPage = 0, KeysPage = 1, BrowserPage = 2 };
    struct Endpoints {
        QUrl authorizationUrl;
        QUrl tokenUrl;
        QUrl gmailApiUrl;
    };
    using UrlOpener = std::function<void(const QUrl &)>;

    explicit ConnectWizard(DbExecutor *executor, QWidget *parent = nullptr);
    ~ConnectWizard() override;

    bool validateCurrentPage() override;
    int nextId() const override;
    void initializePage(int id) override;
    void cleanupPage(int id) override;
    void accept() override;
    void done(int result) override;

    // Reconnect an integration that needs re-authorization: the tenant is fixed, the browser flow chosen.
    void setReconnect(const db::Tenant &tenant);
    // Google's endpoints unless GMAIL_SYNC_OAUTH_AUTH_URL / _TOKEN_URL / GMAIL_SYNC_GMAIL_API_URL (as the
    // CLI) or this call say otherwise (the sandbox).
    void setEndpoints(const Endpoints &endpoints);
    void setOAuthClient(const QString &clientId, const QString &clientSecret = QString());
    // Fills the client secret from the system keychain (SettingsDialog keeps it there), asynchronously,
    // unless the field has been filled meanwhile; clientSecretLoaded follows.
    void loadClientSecretFromKeychain();
    void setFlowTimeoutSeconds(int seconds);
    // Test hook: called instead of QDesktopServices::openUrl.
    void setUrlOpener(UrlOpener opener);

    QString errorText() const;
    QString browserStatus() const;

Q_SIGNALS:
    void connected(const QString &tenantId);
    void failed(const QString &error);
    void clientSecretLoaded(bool ok);

private:
    // A keys file's JSON of `type`, or the browser's grant. Secret.
    struct PendingCredentials {
        auth::CredentialStore::AuthType type = auth::CredentialStore::AuthType::OAuth;
        QByteArray keys;
        std::optional<ops::ConnectMailbox::OAuthGrant> grant;
    };

    void setUpFields();
    QWizardPage *createTenantPage();
    QWizardPage *createKeysPage();
    QWizardPage *createBrowserPage();
    void showError(const QString &error);
    auth::CredentialStore::AuthType keysType() const; // of a keys file
    std::optional<QByteArray> readKeys(QString *error) const;
    db::Tenant tenantFromFields() const;
    void store(PendingCredentials pending);
    void finishStore(const QString &tenantId, const ops::ConnectMailbox::Result &r);
    auth::OAuthLoopbackFlow::Params flowParams() const;
    void startFlow();
    void onAuthorizationUrl(const QUrl &url);
    void onFlowFailed(const QString &message, bool denied);
    void onFlowSucceeded(const auth::OAuthLoopbackFlow::Result &result);
    void stopFlow();
    void updateCountdown();
    void setBrowserStatus(const QString &text, bool error);

    DbExecutor *m_executor;
    QLineEdit *m_id;
    QLineEdit *m_name;
    QLineEdit *m_address;
    QRadioButton *m_serviceAccount;
    QRadioButton *m_oauth;
    QRadioButton *m_browser;
    QLineEdit *m_keysFile;
    QLineEdit *m_clientId;
    QLineEdit *m_clientSecret;
    QLabel *m_tenantError;
    QLabel *m_keysError;
    QLineEdit *m_authUrl;
    QPushButton *m_copy;
    QPushButton *m_cancelFlow;
    QPushButton *m_retry;
    QLabel *m_countdown;
    QLabel *m_browserStatus;
    Endpoints m_endpoints;
    UrlOpener m_opener;
    QPointer<auth::OAuthLoopbackFlow> m_flow;
    QTimer m_tick;
    QDateTime m_deadline;
    int m_timeoutSeconds = 300;
    bool m_busy = false;
    bool m_stored = false;
};

} // namespace ui
