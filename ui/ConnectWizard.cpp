#include "ConnectWizard.h"

#include "DbExecutor.h"
#include "auth/OAuthLoopbackFlow.h"
#include "crypto/KeychainSecret.h"
#include "db/TenantRepository.h"

#include <QAbstractButton>
#include <QClipboard>
#include <QDesktopServices>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
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
    setUpFields();
    addPage(createTenantPage());
    addPage(createKeysPage());
    setPage(BrowserPage, createBrowserPage());
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &ConnectWizard::updateCountdown);
    resize(640, 440);
}

// Object names are what the tests (and screenshots) find the fields by.
void ConnectWizard::setUpFields() {
    const std::initializer_list<std::pair<QWidget *, const char *>> names{
        {m_id, "tenantId"},
        {m_name, "displayName"},
        {m_address, "gmailAddress"},
        {m_serviceAccount, "authServiceAccount"},
        {m_oauth, "authOAuth"},
        {m_browser, "authBrowser"},
        {m_keysFile, "keysFile"},
        {m_clientId, "oauthClientId"},
        {m_clientSecret, "oauthClientSecret"},
        {m_authUrl, "authorizationUrl"},
        {m_copy, "copyUrl"},
        {m_cancelFlow, "cancelSignIn"},
        {m_retry, "retrySignIn"},
        {m_countdown, "countdown"},
        {m_browserStatus, "browserStatus"}};
    for (const auto &[widget, name] : names)
        widget->setObjectName(QLatin1String(name));
    m_clientSecret->setEchoMode(QLineEdit::Password);
    m_authUrl->setReadOnly(true);
    m_browserStatus->setWordWrap(true);
    m_id->setPlaceholderText(QStringLiteral("acme"));
    m_address->setPlaceholderText(QStringLiteral("ops@acme.example"));
    m_serviceAccount->setChecked(true);
}

QWizardPage *ConnectWizard::createTenantPage() {
    auto *page = new QWizardPage;
    page->setTitle(tr("Tenant"));
    page->setSubTitle(tr("Who is this mailbox for?"));
    auto *form = new QFormLayout(page);
    form->addRow(tr("Tenant &id:"), m_id);
    form->addRow(tr("Display &name:"), m_name);
    form->addRow(tr("Gmail &address:"), m_address);
    form->addRow(m_tenantError);
    m_tenantError->setParent(page);
    return page;
}

QWizardPage *ConnectWizard::createKeysPage() {
    auto *page = new QWizardPage;
    page->setTitle(tr("Credentials"));
    page->setSubTitle(tr("They are encrypted with the master key before they reach the database."));
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
    auto *fileLabel = new QLabel(tr("&Keys file:"));
    fileLabel->setBuddy(m_keysFile);
    auto *clientForm = new QFormLayout;
    clientForm->addRow(tr("OAuth &client id:"), m_clientId);
    clientForm->addRow(tr("Client s&ecret:"), m_clientSecret);
    auto *layout = new QVBoxLayout(page);
    for (QWidget *w : std::initializer_list<QWidget *>{m_serviceAccount, m_oauth, m_browser})
        layout->addWidget(w);
    layout->addSpacing(8);
    layout->addWidget(fileLabel);
    layout->addLayout(fileRow);
    layout->addWidget(hint);
    layout->addLayout(clientForm);
    layout->addWidget(m_keysError);
    layout->addStretch();
    m_keysError->setParent(page);
    // A keys file, or the client id and secret for the browser.
    const auto switchMode = [this, fileLabel, browse, hint, page, clientForm] {
        const bool browser = m_browser->isChecked();
        for (QWidget *w : std::initializer_list<QWidget *>{fileLabel, m_keysFile, browse, hint})
            w->setVisible(!browser);
        clientForm->setRowVisible(m_clientId, browser);
        clientForm->setRowVisible(m_clientSecret, browser);
        Q_EMIT page->completeChanged(); // Next or Finish, from nextId()
    };
    connect(m_browser, &QRadioButton::toggled, this, switchMode);
    switchMode();
    return page;
}

QWizardPage *ConnectWizard::createBrowserPage() {
    auto *page = new QWizardPage;
    page->setTitle(tr("Sign in with Google"));
    page->setSubTitle(tr("Your browser opens Google's consent page. Sign in as the tenant's address "
                         "and allow read-only access to Gmail."));
    page->setFinalPage(true);
    auto *urlRow = new QHBoxLayout;
    urlRow->addWidget(m_authUrl, 1);
    urlRow->addWidget(m_copy);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_cancelFlow);
    buttons->addWidget(m_retry);
    buttons->addStretch();
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(new QLabel(tr("If no browser opened, copy this address into one:")));
    layout->addLayout(urlRow);
    layout->addWidget(m_countdown);
    layout->addWidget(m_browserStatus);
    layout->addLayout(buttons);
    layout->addStretch();
    connect(m_copy, &QPushButton::clicked, this,
            [this] { QGuiApplication::clipboard()->setText(m_authUrl->text()); });
    connect(m_cancelFlow, &QPushButton::clicked, this, [this] {
        if (m_flow)
            m_flow->cancel();
    });
    connect(m_retry, &QPushButton::clicked, this, &ConnectWizard::startFlow);
    return page;
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

auth::OAuthLoopbackFlow::Params ConnectWizard::flowParams() const {
    auth::OAuthLoopbackFlow::Params params;
    params.authorizationUrl = m_endpoints.authorizationUrl;
    params.tokenUrl = m_endpoints.tokenUrl;
    params.gmailApiUrl = m_endpoints.gmailApiUrl;
    params.clientId = m_clientId->text().trimmed();
    params.clientSecret = m_clientSecret->text();
    params.loginHint = m_address->text().trimmed();
    params.timeoutSeconds = m_timeoutSeconds;
    return params;
}

void ConnectWizard::startFlow() {
    stopFlow();
    m_authUrl->clear();
    m_countdown->clear();
    m_retry->setEnabled(false);
    m_cancelFlow->setEnabled(true);
    setBrowserStatus(tr("Starting…"), false);
    m_flow = new auth::OAuthLoopbackFlow(flowParams(), this);
    connect(m_flow, &auth::OAuthLoopbackFlow::authorizationUrlReady, this,
            &ConnectWizard::onAuthorizationUrl);
    connect(m_flow, &auth::OAuthLoopbackFlow::failed, this, &ConnectWizard::onFlowFailed);
    connect(m_flow, &auth::OAuthLoopbackFlow::succeeded, this, &ConnectWizard::onFlowSucceeded);
    // From the event loop: a failure to listen is reported after the connections above exist.
    QTimer::singleShot(0, m_flow, &auth::OAuthLoopbackFlow::start);
}

void ConnectWizard::onAuthorizationUrl(const QUrl &url) {
    m_authUrl->setText(url.toString(QUrl::FullyEncoded));
    m_authUrl->setCursorPosition(0);
    m_deadline = QDateTime::currentDateTimeUtc().addSecs(m_timeoutSeconds);
    updateCountdown();
    m_tick.start();
    setBrowserStatus(tr("Waiting for the browser…"), false);
    m_opener(url);
}

void ConnectWizard::onFlowFailed(const QString &message, bool denied) {
    m_tick.stop();
    m_countdown->clear();
    m_cancelFlow->setEnabled(false);
    m_retry->setEnabled(true);
    setBrowserStatus(denied ? tr("Access was denied in the browser; nothing was stored. Try again and "
                                 "choose Allow, or cancel.")
                            : tr("Not connected: %1. Try again, or cancel.").arg(message),
                     true);
    Q_EMIT failed(message);
}

// ops::ConnectMailbox refuses a grant for another address than the tenant's.
void ConnectWizard::onFlowSucceeded(const auth::OAuthLoopbackFlow::Result &result) {
    m_tick.stop();
    m_countdown->clear();
    m_cancelFlow->setEnabled(false);
    setBrowserStatus(tr("Signed in as %1. Storing…").arg(result.email), false);
    PendingCredentials pending;
    // The client the flow ran with: its fields sit on the page before, and going Back stops the flow.
    const auto params = flowParams();
    pending.grant = ops::ConnectMailbox::OAuthGrant{params.clientId, params.clientSecret, result};
    store(std::move(pending));
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

auth::CredentialStore::AuthType ConnectWizard::keysType() const {
    return m_oauth->isChecked() ? auth::CredentialStore::AuthType::OAuth
                                : auth::CredentialStore::AuthType::ServiceAccount;
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
    // validate() names the field that is wrong, never the secret values.
    const bool valid = auth::CredentialStore::validate(keysType(), *keys, &error).has_value();
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
    PendingCredentials pending;
    pending.type = keysType();
    pending.keys = std::move(*keys);
    showError(tr("Storing…"));
    store(std::move(pending));
}

// ops::ConnectMailbox on the DbExecutor's thread: the tenant (created if new; an existing one must have the
// same address), then the keys sealed with the master-key chain. Success finishes the wizard.
void ConnectWizard::store(PendingCredentials pending) {
    m_busy = true;
    if (QAbstractButton *finish = button(QWizard::FinishButton))
        finish->setEnabled(false);
    const db::Tenant tenant = tenantFromFields();
    m_executor->run(
        this,
        [tenant, pending = std::move(pending)]() mutable {
            const ops::ConnectMailbox connect;
            return pending.grant ? connect.withOAuthGrant(tenant, *pending.grant)
                                 : connect.withKeys(tenant, pending.type, pending.keys);
        },
        [this, id = tenant.id](const ops::ConnectMailbox::Result &r) { finishStore(id, r); });
}

void ConnectWizard::finishStore(const QString &tenantId, const ops::ConnectMailbox::Result &r) {
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
    Q_EMIT connected(tenantId);
    QWizard::accept();
}

} // namespace ui
