#include "SettingsDialog.h"

#include "DbExecutor.h"
#include "crypto/KeychainSecret.h"
#include "db/ConnectionSettings.h"
#include "db/Database.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace ui {

namespace {

struct ProbeResult {
    std::optional<QString> version;
    QString error;
};

} // namespace

SettingsDialog::SettingsDialog(const AppSettings &settings, DbExecutor *executor, QWidget *parent)
    : QDialog(parent)
    , m_executor(executor)
    , m_initial(settings)
    , m_url(new QLineEdit(settings.databaseUrl, this))
    , m_test(new QPushButton(tr("&Test"), this))
    , m_testResult(new QLabel(this))
    , m_clientId(new QLineEdit(settings.oauthClientId, this))
    , m_clientSecret(new QLineEdit(this))
    , m_secretResult(new QLabel(this))
    , m_keychain(new crypto::KeychainSecret(crypto::KeychainSecret::DefaultService,
                                            crypto::KeychainSecret::OAuthClientSecretKey, this))
    , m_keyProvider(new QComboBox(this))
    , m_workers(new QSpinBox(this))
    , m_window(new QSpinBox(this))
    , m_language(new QComboBox(this))
    , m_quotaProfile(new QComboBox(this))
    , m_quotaUser(new QSpinBox(this))
    , m_quotaProject(new QSpinBox(this))
    , m_quotaCosts(new QLineEdit(settings.quotaCosts, this))
    , m_quotaResult(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this)) {
    setWindowTitle(tr("Settings"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(createDatabaseGroup());
    layout->addWidget(createOAuthGroup());
    layout->addWidget(createSyncGroup(settings));
    layout->addWidget(createQuotaGroup(settings));
    layout->addWidget(m_buttons);

    connect(m_test, &QPushButton::clicked, this, &SettingsDialog::testConnection);
    connect(m_url, &QLineEdit::textChanged, this, &SettingsDialog::validate);
    connect(m_quotaCosts, &QLineEdit::textChanged, this, &SettingsDialog::validate);
    connect(m_quotaProfile, &QComboBox::currentIndexChanged, this, &SettingsDialog::validate);
    connect(m_quotaUser, &QSpinBox::valueChanged, this, &SettingsDialog::validate);
    connect(m_quotaProject, &QSpinBox::valueChanged, this, &SettingsDialog::validate);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::acceptAfterStoringSecret);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_keychain, &crypto::KeychainSecret::readFinished, this, &SettingsDialog::onSecretRead);
    connect(m_keychain, &crypto::KeychainSecret::writeFinished, this, &SettingsDialog::onSecretWritten);
    m_keychain->read();
    validate();
    resize(560, sizeHint().height());
}

QGroupBox *SettingsDialog::createDatabaseGroup() {
    m_url->setObjectName(QStringLiteral("databaseUrl"));
    m_test->setObjectName(QStringLiteral("testButton"));
    m_testResult->setObjectName(QStringLiteral("testResult"));
    m_url->setCursorPosition(0);
    m_url->setPlaceholderText(QStringLiteral("postgresql://gmail_sync@db.example.com/gmail_sync"));
    m_testResult->setWordWrap(true);
    m_testResult->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *group = new QGroupBox(tr("Database"), this);
    auto *urlRow = new QHBoxLayout;
    urlRow->addWidget(m_url, 1);
    urlRow->addWidget(m_test);
    auto *form = new QFormLayout(group);
    // A row holding a layout gets no buddy on its own; without one the "&" would show.
    auto *urlLabel = new QLabel(tr("&Database URL:"), group);
    urlLabel->setBuddy(m_url);
    form->addRow(urlLabel, urlRow);
    form->addRow(QString(), m_testResult);
    return group;
}

QGroupBox *SettingsDialog::createOAuthGroup() {
    m_clientId->setPlaceholderText(QStringLiteral("1234567890-abc.apps.googleusercontent.com"));
    m_clientId->setObjectName(QStringLiteral("oauthClientId"));
    m_clientSecret->setObjectName(QStringLiteral("oauthClientSecret"));
    m_clientSecret->setEchoMode(QLineEdit::Password);
    m_clientSecret->setPlaceholderText(tr("Reading the keychain…"));
    m_secretResult->setObjectName(QStringLiteral("secretResult"));
    m_secretResult->setWordWrap(true);
    m_secretResult->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *group = new QGroupBox(tr("Google OAuth client"), this);
    auto *form = new QFormLayout(group);
    form->addRow(tr("OAuth &client id:"), m_clientId);
    form->addRow(tr("OAuth client s&ecret:"), m_clientSecret);
    auto *secretNote =
        new QLabel(tr("The client secret is kept in the system keychain, never in settings."), group);
    secretNote->setWordWrap(true);
    form->addRow(QString(), secretNote);
    form->addRow(QString(), m_secretResult);
    return group;
}

QGroupBox *SettingsDialog::createSyncGroup(const AppSettings &settings) {
    // Names of crypto::KeyProviderChain's sources (GMAIL_SYNC_KEY_SOURCES); empty: its standard order.
    m_keyProvider->addItem(tr("Automatic (key file, environment, Secret Manager, keychain)"), QString());
    m_keyProvider->addItem(tr("System keychain"), QStringLiteral("keychain"));
    m_keyProvider->addItem(tr("Environment variable (GMAIL_SYNC_MASTER_KEY)"), QStringLiteral("env"));
    m_keyProvider->addItem(tr("Key file (GMAIL_SYNC_KEY_FILE)"), QStringLiteral("key-file"));
    m_keyProvider->addItem(tr("Google Secret Manager"), QStringLiteral("secret-manager"));
    m_keyProvider->setCurrentIndex(qMax(0, m_keyProvider->findData(settings.masterKeyProvider)));
    m_workers->setRange(1, 64);
    m_workers->setValue(settings.workerThreads);
    m_window->setRange(1, jobs::InitialParams::MaxWindowDays);
    m_window->setSuffix(tr(" days"));
    m_window->setValue(settings.initialWindowDays);
    m_language->addItem(tr("System default"), QString());
    m_language->addItem(QStringLiteral("English"), QStringLiteral("en"));
    m_language->addItem(QStringLiteral("Deutsch"), QStringLiteral("de"));
    m_language->setCurrentIndex(qMax(0, m_language->findData(settings.language)));

    auto *group = new QGroupBox(tr("Sync"), this);
    auto *form = new QFormLayout(group);
    form->addRow(tr("&Master key from:"), m_keyProvider);
    form->addRow(tr("&Worker threads:"), m_workers);
    form->addRow(tr("&Initial sync reaches back:"), m_window);
    form->addRow(tr("&Language:"), m_language);
    return group;
}

QGroupBox *SettingsDialog::createQuotaGroup(const AppSettings &settings) {
    // Gmail's quota regimes (developers.google.com/workspace/gmail/api/reference/quota): which one
    // applies depends on when the Cloud project first used the API.
    m_quotaProfile->setObjectName(QStringLiteral("quotaProfile"));
    m_quotaProfile->addItem(tr("2026 — projects new since May 2026 (6,000 units/user/min)"),
                            gmail::QuotaProfile::Current);
    m_quotaProfile->addItem(tr("Legacy — projects using the API before May 2026 (15,000 units/user/min)"),
                            gmail::QuotaProfile::Legacy);
    m_quotaProfile->setCurrentIndex(qMax(0, m_quotaProfile->findData(settings.quotaProfile)));
    for (QSpinBox *box : {m_quotaUser, m_quotaProject}) {
        box->setRange(0, 100000000);
        box->setSingleStep(1000);
        box->setSpecialValueText(tr("Profile's value"));
        box->setSuffix(tr(" units/min"));
    }
    m_quotaUser->setObjectName(QStringLiteral("quotaUserPerMinute"));
    m_quotaProject->setObjectName(QStringLiteral("quotaProjectPerMinute"));
    m_quotaUser->setValue(settings.quotaUserPerMinute);
    m_quotaProject->setValue(settings.quotaProjectPerMinute);
    m_quotaCosts->setObjectName(QStringLiteral("quotaCosts"));
    m_quotaCosts->setPlaceholderText(QStringLiteral("messages.get=20,threads.get=40"));
    m_quotaResult->setObjectName(QStringLiteral("quotaResult"));
    m_quotaResult->setWordWrap(true);

    auto *group = new QGroupBox(tr("Gmail quota"), this);
    auto *form = new QFormLayout(group);
    form->addRow(tr("Gmail &quota profile:"), m_quotaProfile);
    form->addRow(tr("Per-&user limit:"), m_quotaUser);
    form->addRow(tr("Per-&project limit:"), m_quotaProject);
    form->addRow(tr("Method &costs:"), m_quotaCosts);
    form->addRow(QString(), m_quotaResult);
    return group;
}

void SettingsDialog::onSecretRead(bool ok, const QString &value, const QString &error) {
    m_clientSecret->setPlaceholderText(QString());
    if (!ok) {
        m_secretResult->setStyleSheet(QStringLiteral("color: #b00020;"));
        m_secretResult->setText(tr("The client secret cannot be read: %1").arg(error));
    } else {
        m_storedSecret = value;
        if (m_clientSecret->text().isEmpty()) // the operator may have typed meanwhile
            m_clientSecret->setText(value);
    }
    Q_EMIT secretLoaded(ok);
}

void SettingsDialog::onSecretWritten(bool ok, const QString &error) {
    m_buttons->setEnabled(true);
    if (!ok) {
        // Nothing is written anywhere else: the operator fixes the keychain or clears the field.
        const QString message =
            m_clientSecret->text().isEmpty()
                ? tr("The client secret was not removed from the keychain: %1.").arg(error)
                : tr("The client secret was not saved: %1. It is never stored in the settings file; "
                     "clear the field to save the other settings without it.")
                      .arg(error);
        m_secretResult->setStyleSheet(QStringLiteral("color: #b00020;"));
        m_secretResult->setText(message);
        Q_EMIT secretStored(false, message);
        return;
    }
    m_storedSecret = m_clientSecret->text();
    Q_EMIT secretStored(true, QString());
    accept();
}

AppSettings SettingsDialog::settings() const {
    AppSettings s = m_initial;
    s.databaseUrl = m_url->text().trimmed();
    s.oauthClientId = m_clientId->text().trimmed();
    s.masterKeyProvider = m_keyProvider->currentData().toString();
    s.workerThreads = m_workers->value();
    s.initialWindowDays = m_window->value();
    s.language = m_language->currentData().toString();
    s.quotaProfile = m_quotaProfile->currentData().toString();
    s.quotaUserPerMinute = m_quotaUser->value();
    s.quotaProjectPerMinute = m_quotaProject->value();
    s.quotaCosts = m_quotaCosts->text().trimmed();
    return s;
}

void SettingsDialog::acceptAfterStoringSecret() {
    const QString secret = m_clientSecret->text();
    if (secret == m_storedSecret) {
        accept();
        return;
    }
    m_buttons->setEnabled(false); // until the keychain answers
    m_secretResult->setStyleSheet(QString());
    if (secret.isEmpty()) { // cleared by the operator: the keychain entry goes too
        m_secretResult->setText(tr("Removing the client secret from the keychain…"));
        m_keychain->remove();
        return;
    }
    m_secretResult->setText(tr("Saving the client secret in the keychain…"));
    m_keychain->write(secret);
}

void SettingsDialog::validate() {
    const QString error = AppSettings::validateDatabaseUrl(m_url->text());
    QString quotaError;
    const auto quota = settings().quota(&quotaError);
    m_quotaResult->setStyleSheet(quota ? QString() : QStringLiteral("color: #b00020;"));
    m_quotaResult->setText(quota ? quota->describe() : quotaError);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(error.isEmpty() && quota.has_value());
    m_test->setEnabled(error.isEmpty());
    m_testResult->setStyleSheet(error.isEmpty() ? QString() : QStringLiteral("color: #b00020;"));
    m_testResult->setText(error);
}

void SettingsDialog::testConnection() {
    QString error;
    const auto parsed = db::ConnectionSettings::fromUrl(m_url->text().trimmed(), &error);
    if (!parsed) {
        validate();
        Q_EMIT testFinished(false, m_testResult->text());
        return;
    }
    const int generation = ++m_testGeneration;
    m_test->setEnabled(false);
    m_testResult->setStyleSheet(QString());
    m_testResult->setText(tr("Connecting…"));
    const db::ConnectionSettings settings = *parsed;
    m_executor->run(
        this,
        [settings] {
            ProbeResult r;
            r.version = db::Database::probeServerVersion(settings, &r.error);
            return r;
        },
        [this, generation](ProbeResult r) {
            if (generation != m_testGeneration)
                return;
            m_test->setEnabled(true);
            const bool ok = r.version.has_value();
            const QString message = ok ? tr("Connected: PostgreSQL %1.").arg(*r.version)
                                       : tr("Connection failed — %1. Check host, port, user and database, "
                                            "and that the server accepts connections from this machine.")
                                             .arg(r.error);
            m_testResult->setStyleSheet(ok ? QStringLiteral("color: #1b5e20;")
                                           : QStringLiteral("color: #b00020;"));
            m_testResult->setText(message);
            Q_EMIT testFinished(ok, message);
        });
}

} // namespace ui
