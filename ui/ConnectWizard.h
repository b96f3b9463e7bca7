#pragma once

#include <QWizard>

#include <optional>

class QButtonGroup;
class QLabel;
class QLineEdit;
class QRadioButton;

namespace ui {

class DbExecutor;

// Connects a Gmail mailbox: the tenant (id, name, address), then its credentials — a service-account key
// file (domain-wide delegation) or an OAuth keys file {"clientId","clientSecret","refreshToken"} — which are
// validated here, then sealed with the master key (crypto::KeyProviderChain, the order set in Settings) and
// stored by auth::CredentialStore off the GUI thread. The interactive OAuth browser flow comes later.
class ConnectWizard final : public QWizard {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectWizard)
public:
    explicit ConnectWizard(DbExecutor *executor, QWidget *parent = nullptr);

    bool validateCurrentPage() override;
    void accept() override;

    QString errorText() const;

Q_SIGNALS:
    void connected(const QString &tenantId);
    void failed(const QString &error);

private:
    void showError(const QString &error);
    std::optional<QByteArray> readKeys(QString *error) const;

    DbExecutor *m_executor;
    QLineEdit *m_id;
    QLineEdit *m_name;
    QLineEdit *m_address;
    QRadioButton *m_serviceAccount;
    QRadioButton *m_oauth;
    QLineEdit *m_keysFile;
    QLabel *m_tenantError;
    QLabel *m_keysError;
    bool m_busy = false;
};

} // namespace ui
