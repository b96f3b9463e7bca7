#include "ConnectWizard.h"

#include "DbExecutor.h"
#include "auth/CredentialStore.h"
#include "auth/OAuthLoopbackFlow.h"
#include "crypto/KeyProviderChain.h"
#include "crypto/KeychainSecret.h"
#include "db/Database.h"
#include "db/TenantRepository.h"

#include <QAbstractButton>
#include <QClipboard>
#include <QDesktopServices>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

#include <openssl/crypto.h>

#include <algorithm>

namespace ui {

namespace {

constexpr qint64 kMaxKeysFileSize = 64 * 1024; // a key file is a few KB

struct StoreResult {
    bool ok = false;
    QString error;
    QString keyId;
};

QLabel *errorLabel(QWidget *parent, const QString &name) {
    auto *label = new QLabel(parent);
    label->setObjectName(name);
    label->setWordWrap(true);
    label->setStyleSheet(QStringLiteral("color: #b00020;"));
    return label;
}

QUrl envUrl(const char *name, const char *fallback) {
    const QString value = qEnvironmentVariable(name);
    return QUrl(value.isEmpty() ? QString::fromLatin1(fallback) : value);
}

// Runs on the DbExecutor's thread: the tenant (created if new; an existing one must have the same address),
// then the keys sealed with the master-key chain.
StoreResult storeOnWorker(const db::Tenant &tenant, auth::CredentialStore::AuthType type, QByteArray &keys) {
    StoreResult r;
    QSqlDatabase conn = db::Database::connection();
    db::TenantRepository tenants(conn);
    const auto existing = tenants.find(tenant.id);
    if (!existing && !tenants.isNotFound()) {
        r.error = tenants.errorString();
    } else if (existing && existing->gmailAddress.compare(tenant.gmailAddress, Qt::CaseInsensitive) != 0) {
        r.error = QStringLiteral("tenant %1 already exists with the address %2")
                      .arg(tenant.id, existing->gmailAddress);
    } else if (!existing && !tenants.add(tenant)) {
        r.error = tenants.errorString();
    } else {
        auto providers = crypto::KeyProviderChain::standard(QString());
        QString error;
        const auto vault = providers->vault({}, &error);
        if (!vault) {
            r.error = QStringLiteral("cannot get the master key: %1").arg(error);
        } else {
            auth::CredentialStore store(*vault, conn);
            r.ok = store.store(tenant.id, type, keys);
            r.error = store.errorString();
            r.keyId = vault->currentKeyId();
        }
    }
    OPENSSL_cleanse(keys.data(), size_t(keys.size()));
    return r;
}

} // namespace

ConnectWizard::ConnectWizard(DbExecutor *executor, QWidget *parent)
    : QWizard(parent)
    , m_executor(executor)
    , m_id(new QLineEdit)
    , m_name(new QLineEdit)
    , m_address(new QLineEdit)
    , m_serviceAccount(
          new QRadioButton(tr("&Service account with domain-wide delegation (Google Workspace)")))
    , m_oauth(new QRadioButton(tr("&OAuth client with a refresh token")))
    , m_browser(new QRadioButton(tr("Sign in with &Google in the browser (OAuth)")))
    , m_keysFile(new QLineEdit)
    , m_clientId(new QLineEdit)
    , m_clientSecret(new QLineEdit)
    , m_tenantError(errorLabel(nullptr, QStringLiteral("tenantError")))
    , m_keysError(errorLabel(nullptr, QStringLiteral("keysError")))
    , m_authUrl(new QLineEdit)
    , m_copy(new QPushButton(tr("&Copy")))
    , m_cancelFlow(new QPushButton(tr("C&ancel sign-in")))
    , m_retry(new QPushButton(tr("&Try again")))
    , m_countdown(new QLabel)
    , m_browserStatus(new QLabel)
    , m_endpoints{envUrl("GMAIL_SYNC_OAUTH_AUTH_URL", "https://accounts.google.com/o/oauth2/v2/auth"),
                  envUrl("GMAIL_SYNC_OAUTH_TOKEN_URL", "https://oauth2.googleapis.com/token"),
                  envUrl("GMAIL_SYNC_GMAIL_API_URL", "https://gmail.googleapis.com")}
    , m_opener([](const QUrl &url) { QDesktopServices::openUrl(url); }) {
    setWindowTitle(tr("Connect a Gmail mailbox"));
    setWizardStyle(QWizard::ClassicStyle);
    m_id->setObjectName(QStringLiteral("tenantId"));
    m_name->setObjectName(QStringLiteral("displayName"));
    m_address->setObjectName(QStringLiteral("gmailAddress"));
    m_serviceAccount->setObjectName(QStringLiteral("authServiceAccount"));
    m_oauth->setObjectName(QStringLiteral("authOAuth"));
    m_browser->setObjectName(QStringLiteral("authBrowser"));
    m_keysFile->setObjectName(QStringLiteral("keysFile"));
    m_clientId->setObjectName(QStringLiteral("oauthClientId"));
    m_clientSecret->setObjectName(QStringLiteral("oauthClientSecret"));
    m_clientSecret->setEchoMode(QLineEdit::Password);
    m_authUrl->setObjectName(QStringLiteral("authorizationUrl"));
    m_authUrl->setReadOnly(true);
    m_copy->setObjectName(QStringLiteral("copyUrl"));
    m_cancelFlow->setObjectName(QStringLiteral("cancelSignIn"));
    m_retry->setObjectName(QStringLiteral("retrySignIn"));
    m_countdown->setObjectName(QStringLiteral("countdown"));
    m_browserStatus->setObjectName(QStringLiteral("browserStatus"));
    m_browserStatus->setWordWrap(true);
    m_id->setPlaceholderText(QStringLiteral("acme"));
    m_address->setPlaceholderText(QStringLiteral("ops@acme.example"));
    m_serviceAccount->setChecked(true);

    auto *tenantPage = new QWizardPage;
    tenantPage->setTitle(tr("Tenant"));
    tenantPage->setSubTitle(tr("Who is this mailbox for?"));
    auto *tenantForm = new QFormLayout(tenantPage);
    tenantForm->addRow(tr("Tenant &id:"), m_id);
    tenantForm->addRow(tr("Display &name:"), m_name);
    tenantForm->addRow(tr("Gmail &address:"), m_address);
    tenantForm->addRow(m_tenantError);
    addPage(tenantPage);

    auto *keysPage = new QWizardPage;
    keysPage->setTitle(tr("Credentials"));
    keysPage->setSubTitle(tr("They are encrypted with the master key before they reach the database."));
    auto *browse = new QPushButton(tr("&Browse…"));
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Keys file"), QString(), tr("JSON files (*.json)"));
        if (!path.isEmpty())
            m_keysFile->setText(path);
    });
    auto *fileRow = new QHBoxLayout;
    fileRow->addWidget(m_keysFile, 1);
    fileRow->addWidget(browse);
    auto *hint =
        new QLabel(tr("Service account: the JSON key file from the Google Cloud console. OAuth: a JSON file "
                      "{\"clientId\", \"clientSecret\", \"refreshToken\"}."));
    hint->setWordWrap(true);
    auto *keysLayout = new QVBoxLayout(keysPage);
    keysLayout->addWidget(m_serviceAccount);
    keysLayout->addWidget(m_oauth);
    keysLayout->addWidget(m_browser);
    keysLayout->addSpacing(8);
    auto *fileLabel = new QLabel(tr("&Keys file:"));
    fileLabel->setBuddy(m_keysFile);
    keysLayout->addWidget(fileLabel);
    keysLayout->addLayout(fileRow);
    keysLayout->addWidget(hint);
    auto *clientForm = new QFormLayout;
    clientForm->addRow(tr("OAuth &client id:"), m_clientId);
    clientForm->addRow(tr("Client s&ecret:"), m_clientSecret);
    keysLayout->addLayout(clientForm);
    keysLayout->addWidget(m_keysError);
    keysLayout->addStretch();
    addPage(keysPage);
    m_tenantError->setParent(tenantPage);
    m_keysError->setParent(keysPage);
    const auto switchMode = [this, fileLabel, browse, hint, keysPage, clientForm] {
        const bool browser = m_browser->isChecked();
        for (QWidget *w : std::initializer_list<QWidget *>{fileLabel, m_keysFile, browse, hint})
            w->setVisible(!browser);
        clientForm->setRowVisible(m_clientId, browser);
        clientForm->setRowVisible(m_clientSecret, browser);
        Q_EMIT keysPage->completeChanged(); // Next or Finish, from nextId()
    };
    connect(m_browser, &QRadioButton::toggled, this, switchMode);
    switchMode();

    auto *browserPage = new QWizardPage;
    browserPage->setTitle(tr("Sign in with Google"));
    browserPage->setSubTitle(tr("Your browser opens Google's consent page. Sign in as the tenant's address "
                                "and allow read-only access to Gmail."));
    browserPage->setFinalPage(true);
    auto *urlRow = new QHBoxLayout;
    urlRow->addWidget(m_authUrl, 1);
    urlRow->addWidget(m_copy);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_cancelFlow);
    buttons->addWidget(m_retry);
    buttons->addStretch();
    auto *browserLayout = new QVBoxLayout(browserPage);
    browserLayout->addWidget(new QLabel(tr("If no browser opened, copy this address into one:")));
    browserLayout->addLayout(urlRow);
    browserLayout->addWidget(m_countdown);
    browserLayout->addWidget(m_browserStatus);
    browserLayout->addLayout(buttons);
    browserLayout->addStretch();
    setPage(BrowserPage, browserPage);
    connect(m_copy, &QPushButton::clicked, this,
            [this] { QGuiApplication::clipboard()->setText(m_authUrl->text()); });
    connect(m_cancelFlow, &QPushButton::clicked, this, [this] {
        if (m_flow)
            m_flow->cancel();
    });
    connect(m_retry, &QPushButton::clicked, this, &ConnectWizard::startFlow);
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &ConnectWizard::updateCountdown);
    resize(640, 440);
}

ConnectWizard::~ConnectWizard() {
    stopFlow();
}

void ConnectWizard::setReconnect(const db::Tenant &tenant) {
    setWindowTitle(tr("Reconnect %1").arg(tenant.id));
    m_id->setText(tenant.id);
    m_name->setText(tenant.displayName);
    m_address->setText(tenant.gmailAddress);
    for (QLineEdit *e : {m_id, m_name, m_address})
        e->setReadOnly(true);
    m_browser->setChecked(true);
}

void ConnectWizard::setEndpoints(const Endpoints &endpoints) {
    m_endpoints = endpoints;
}

void ConnectWizard::setOAuthClient(const QString &clientId, const QString &clientSecret) {
    m_clientId->setText(clientId);
    m_clientSecret->setText(clientSecret);
}

void ConnectWizard::loadClientSecretFromKeychain() {
    auto *secret = new crypto::KeychainSecret(crypto::KeychainSecret::DefaultService,
                                              crypto::KeychainSecret::OAuthClientSecretKey, this);
    connect(secret, &crypto::KeychainSecret::readFinished, this,
            [this, secret](bool ok, const QString &value, const QString &) {
                // No keychain: the operator types the secret (the field says nothing more).
                if (ok && m_clientSecret->text().isEmpty())
                    m_clientSecret->setText(value);
                secret->deleteLater();
                Q_EMIT clientSecretLoaded(ok);
            });
    secret->read();
}

void ConnectWizard::setFlowTimeoutSeconds(int seconds) {
    m_timeoutSeconds = seconds;
}

void ConnectWizard::setUrlOpener(UrlOpener opener) {
    m_opener = std::move(opener);
}

QString ConnectWizard::browserStatus() const {
    return m_browserStatus->text();
}

int ConnectWizard::nextId() const {
    switch (currentId()) {
    case TenantPage:
        return KeysPage;
    case KeysPage:
        return m_browser->isChecked() ? BrowserPage : -1;
    default:
        return -1;
    }
}

void ConnectWizard::initializePage(int id) {
    QWizard::initializePage(id);
    if (id == BrowserPage) {
        startFlow();
        // Success finishes by itself; until then Finish would only mislead. After QWizard has set the
        // buttons for the new page.
        QTimer::singleShot(0, this, [this] {
            if (currentId() == BrowserPage && !m_stored)
                button(QWizard::FinishButton)->setEnabled(false);
        });
    }
}

void ConnectWizard::cleanupPage(int id) {
    if (id == BrowserPage)
        stopFlow(); // Back: the listener closes, a late redirect finds nobody
    QWizard::cleanupPage(id);
}

void ConnectWizard::done(int result) {
    stopFlow();
    QWizard::done(result);
}

db::Tenant ConnectWizard::tenantFromFields() const {
    db::Tenant tenant;
    tenant.id = m_id->text().trimmed();
    tenant.displayName = m_name->text().trimmed();
    tenant.gmailAddress = m_address->text().trimmed();
    return tenant;
}

void ConnectWizard::setBrowserStatus(const QString &text, bool error) {
    m_browserStatus->setText(text);
    m_browserStatus->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
}

void ConnectWizard::stopFlow() {
    m_tick.stop();
    if (m_flow) {
        auth::OAuthLoopbackFlow *flow = m_flow;
        m_flow = nullptr;
        flow->disconnect(this);
        flow->cancel();
        flow->deleteLater();
    }
}

void ConnectWizard::startFlow() {
    stopFlow();
    m_authUrl->clear();
    m_countdown->clear();
    m_retry->setEnabled(false);
    m_cancelFlow->setEnabled(true);
    setBrowserStatus(tr("Starting…"), false);
    auth::OAuthLoopbackFlow::Params params;
    params.authorizationUrl = m_endpoints.authorizationUrl;
    params.tokenUrl = m_endpoints.tokenUrl;
    params.gmailApiUrl = m_endpoints.gmailApiUrl;
    params.clientId = m_clientId->text().trimmed();
    params.clientSecret = m_clientSecret->text();
    params.loginHint = m_address->text().trimmed();
    params.timeoutSeconds = m_timeoutSeconds;
    m_flow = new auth::OAuthLoopbackFlow(params, this);
    connect(m_flow, &auth::OAuthLoopbackFlow::authorizationUrlReady, this, [this](const QUrl &url) {
        m_authUrl->setText(url.toString(QUrl::FullyEncoded));
        m_authUrl->setCursorPosition(0);
        m_deadline = QDateTime::currentDateTimeUtc().addSecs(m_timeoutSeconds);
        updateCountdown();
        m_tick.start();
        setBrowserStatus(tr("Waiting for the browser…"), false);
        m_opener(url);
    });
    connect(m_flow, &auth::OAuthLoopbackFlow::failed, this, [this](const QString &message, bool denied) {
        m_tick.stop();
        m_countdown->clear();
        m_cancelFlow->setEnabled(false);
        m_retry->setEnabled(true);
        setBrowserStatus(denied ? tr("Access was denied in the browser; nothing was stored. Try again and "
                                     "choose Allow, or cancel.")
                                : tr("Not connected: %1. Try again, or cancel.").arg(message),
                         true);
        Q_EMIT failed(message);
    });
    connect(m_flow, &auth::OAuthLoopbackFlow::succeeded, this,
            [this, params](const auth::OAuthLoopbackFlow::Result &result) {
                m_tick.stop();
                m_countdown->clear();
                m_cancelFlow->setEnabled(false);
                const QString address = m_address->text().trimmed();
                if (address.compare(result.email, Qt::CaseInsensitive) != 0) {
                    m_retry->setEnabled(true);
                    const QString error = tr("The browser signed in as %1, but the tenant's address is %2; "
                                             "nothing was stored. Try again with the right account.")
                                              .arg(result.email, address);
                    setBrowserStatus(error, true);
                    Q_EMIT failed(error);
                    return;
                }
                setBrowserStatus(tr("Signed in as %1. Storing…").arg(result.email), false);
                // As `gmail-sync connect` stores it (app/cli/ConnectCommand.cpp).
                const QJsonObject keys{
                    {QStringLiteral("clientId"), params.clientId},
                    {QStringLiteral("clientSecret"), params.clientSecret},
                    {QStringLiteral("refreshToken"), result.refreshToken},
                    {QStringLiteral("accessToken"), result.accessToken},
                    {QStringLiteral("expiresAt"), result.accessTokenExpiresAt.toString(Qt::ISODate)}};
                store(int(auth::CredentialStore::AuthType::OAuth),
                      QJsonDocument(keys).toJson(QJsonDocument::Compact), true);
            });
    // From the event loop: a failure to listen is reported after the connections above exist.
    QTimer::singleShot(0, m_flow, &auth::OAuthLoopbackFlow::start);
}

void ConnectWizard::updateCountdown() {
    const qint64 left = std::max<qint64>(0, QDateTime::currentDateTimeUtc().secsTo(m_deadline));
    m_countdown->setText(tr("Time left: %1:%2").arg(left / 60).arg(left % 60, 2, 10, QLatin1Char('0')));
}

QString ConnectWizard::errorText() const {
    switch (currentId()) {
    case TenantPage:
        return m_tenantError->text();
    case KeysPage:
        return m_keysError->text();
    default:
        return m_browserStatus->text();
    }
}

void ConnectWizard::showError(const QString &error) {
    switch (currentId()) {
    case TenantPage:
        m_tenantError->setText(error);
        break;
    case KeysPage:
        m_keysError->setText(error);
        break;
    default:
        setBrowserStatus(error, !error.isEmpty());
    }
}

std::optional<QByteArray> ConnectWizard::readKeys(QString *error) const {
    QFile file(m_keysFile->text().trimmed());
    if (m_keysFile->text().trimmed().isEmpty()) {
        *error = tr("Choose the keys file.");
        return std::nullopt;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        *error = tr("Cannot read %1: %2").arg(file.fileName(), file.errorString());
        return std::nullopt;
    }
    if (file.size() > kMaxKeysFileSize) {
        *error = tr("%1 is too large for a keys file.").arg(file.fileName());
        return std::nullopt;
    }
    return file.readAll();
}

bool ConnectWizard::validateCurrentPage() {
    showError(QString());
    if (currentId() == 0) {
        if (!db::TenantRepository::isValidId(m_id->text().trimmed())) {
            showError(
                tr("The tenant id must start with a letter or digit and use only letters, digits, '.', '_' "
                   "and '-' (at most 64)."));
            return false;
        }
        if (!db::TenantRepository::isValidAddress(m_address->text().trimmed())) {
            showError(tr("Enter the mailbox's address, e.g. ops@acme.example."));
            return false;
        }
        return true;
    }
    if (currentId() == BrowserPage)
        return m_stored;
    if (m_browser->isChecked()) {
        if (m_clientId->text().trimmed().isEmpty()) {
            showError(tr("Enter the OAuth client id of the installed app (Google Cloud console, "
                         "Credentials)."));
            return false;
        }
        return true;
    }
    QString error;
    auto keys = readKeys(&error);
    if (!keys) {
        showError(error);
        return false;
    }
    const auto type = m_oauth->isChecked() ? auth::CredentialStore::AuthType::OAuth
                                           : auth::CredentialStore::AuthType::ServiceAccount;
    // validate() names the field that is wrong, never the secret values.
    const bool valid = auth::CredentialStore::validate(type, *keys, &error).has_value();
    OPENSSL_cleanse(keys->data(), size_t(keys->size()));
    if (!valid) {
        showError(tr("The keys file is not usable: %1").arg(error));
        return false;
    }
    return true;
}

void ConnectWizard::accept() {
    if (currentId() == BrowserPage) {
        if (m_stored)
            QWizard::accept();
        else if (!m_busy)
            showError(tr("Not connected yet: finish signing in in the browser, or cancel."));
        return;
    }
    if (m_busy || !validateCurrentPage())
        return;
    QString error;
    auto keys = readKeys(&error);
    if (!keys) {
        showError(error);
        return;
    }
    const auto type = m_oauth->isChecked() ? auth::CredentialStore::AuthType::OAuth
                                           : auth::CredentialStore::AuthType::ServiceAccount;
    showError(tr("Storing…"));
    store(int(type), std::move(*keys), true);
}

void ConnectWizard::store(int type, QByteArray keys, bool finishOnSuccess) {
    m_busy = true;
    if (QAbstractButton *finish = button(QWizard::FinishButton))
        finish->setEnabled(false);
    const db::Tenant tenant = tenantFromFields();
    m_executor->run(
        this,
        [tenant, type, keys = std::move(keys)]() mutable {
            return storeOnWorker(tenant, auth::CredentialStore::AuthType(type), keys);
        },
        [this, id = tenant.id, finishOnSuccess](const StoreResult &r) {
            m_busy = false;
            if (QAbstractButton *finish = button(QWizard::FinishButton))
                finish->setEnabled(currentId() != BrowserPage);
            if (!r.ok) {
                showError(tr("Not connected: %1").arg(r.error));
                if (currentId() == BrowserPage)
                    m_retry->setEnabled(true);
                Q_EMIT failed(r.error);
                return;
            }
            m_stored = true;
            showError(QString());
            Q_EMIT connected(id);
            if (finishOnSuccess)
                QWizard::accept();
        });
}

} // namespace ui
