#include "ConnectWizard.h"

#include "DbExecutor.h"
#include "auth/CredentialStore.h"
#include "crypto/KeyProviderChain.h"
#include "db/Database.h"
#include "db/TenantRepository.h"

#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

#include <openssl/crypto.h>

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
    , m_keysFile(new QLineEdit)
    , m_tenantError(errorLabel(nullptr, QStringLiteral("tenantError")))
    , m_keysError(errorLabel(nullptr, QStringLiteral("keysError"))) {
    setWindowTitle(tr("Connect a Gmail mailbox"));
    setWizardStyle(QWizard::ClassicStyle);
    m_id->setObjectName(QStringLiteral("tenantId"));
    m_name->setObjectName(QStringLiteral("displayName"));
    m_address->setObjectName(QStringLiteral("gmailAddress"));
    m_serviceAccount->setObjectName(QStringLiteral("authServiceAccount"));
    m_oauth->setObjectName(QStringLiteral("authOAuth"));
    m_keysFile->setObjectName(QStringLiteral("keysFile"));
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
    keysLayout->addSpacing(8);
    auto *fileLabel = new QLabel(tr("&Keys file:"));
    fileLabel->setBuddy(m_keysFile);
    keysLayout->addWidget(fileLabel);
    keysLayout->addLayout(fileRow);
    keysLayout->addWidget(hint);
    keysLayout->addWidget(m_keysError);
    keysLayout->addStretch();
    addPage(keysPage);
    m_tenantError->setParent(tenantPage);
    m_keysError->setParent(keysPage);
    resize(600, 420);
}

QString ConnectWizard::errorText() const {
    return currentId() == 0 ? m_tenantError->text() : m_keysError->text();
}

void ConnectWizard::showError(const QString &error) {
    (currentId() == 0 ? m_tenantError : m_keysError)->setText(error);
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
    if (m_busy || !validateCurrentPage())
        return;
    QString error;
    auto keys = readKeys(&error);
    if (!keys) {
        showError(error);
        return;
    }
    m_busy = true;
    button(QWizard::FinishButton)->setEnabled(false);
    showError(tr("Storing…"));
    db::Tenant tenant;
    tenant.id = m_id->text().trimmed();
    tenant.displayName = m_name->text().trimmed();
    tenant.gmailAddress = m_address->text().trimmed();
    const auto type = m_oauth->isChecked() ? auth::CredentialStore::AuthType::OAuth
                                           : auth::CredentialStore::AuthType::ServiceAccount;
    m_executor->run(
        this,
        [tenant, type, keys = std::move(*keys)]() mutable {
            StoreResult r;
            QSqlDatabase conn = db::Database::connection();
            db::TenantRepository tenants(conn);
            const auto existing = tenants.find(tenant.id);
            if (!existing && !tenants.isNotFound()) {
                r.error = tenants.errorString();
            } else if (existing &&
                       existing->gmailAddress.compare(tenant.gmailAddress, Qt::CaseInsensitive) != 0) {
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
        },
        [this, id = tenant.id](const StoreResult &r) {
            m_busy = false;
            button(QWizard::FinishButton)->setEnabled(true);
            if (!r.ok) {
                showError(tr("Not connected: %1").arg(r.error));
                Q_EMIT failed(r.error);
                return;
            }
            showError(QString());
            Q_EMIT connected(id);
            QWizard::accept();
        });
}

} // namespace ui
