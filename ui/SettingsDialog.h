#pragma once

#include "AppSettings.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace crypto {
class KeychainSecret;
}

namespace ui {

class DbExecutor;

// Edits AppSettings. "Test" tries the database URL off the GUI thread and says what failed. The OAuth client
// secret is read from and, on OK, written to the system keychain (asynchronously), never to AppSettings: the
// dialog closes only once the keychain has it, and says so when the keychain is unreachable.
class SettingsDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsDialog)
public:
    SettingsDialog(const AppSettings &settings, DbExecutor *executor, QWidget *parent = nullptr);

    AppSettings settings() const;

    // Runs the connection test; testFinished(ok, message) follows.
    void testConnection();

Q_SIGNALS:
    void testFinished(bool ok, const QString &message);
    // The keychain read at opening and the write on OK are done (ok false: the keychain was unreachable).
    void secretLoaded(bool ok);
    void secretStored(bool ok, const QString &message);

private:
    // One group box each: the connection (with "Test"), the OAuth client, the engine, Gmail's quota.
    QGroupBox *createDatabaseGroup();
    QGroupBox *createOAuthGroup();
    QGroupBox *createSyncGroup(const AppSettings &settings);
    QGroupBox *createQuotaGroup(const AppSettings &settings);
    void onSecretRead(bool ok, const QString &value, const QString &error);
    void onSecretWritten(bool ok, const QString &error);
    void validate();
    void acceptAfterStoringSecret();

    DbExecutor *m_executor;
    AppSettings m_initial;
    QLineEdit *m_url;
    QPushButton *m_test;
    QLabel *m_testResult;
    QLineEdit *m_clientId;
    QLineEdit *m_clientSecret;
    QLabel *m_secretResult;
    crypto::KeychainSecret *m_keychain;
    QString m_storedSecret;
    QComboBox *m_keyProvider;
    QSpinBox *m_workers;
    QSpinBox *m_window;
    QComboBox *m_language;
    QComboBox *m_quotaProfile;
    QSpinBox *m_quotaUser;
    QSpinBox *m_quotaProject;
    QLineEdit *m_quotaCosts;
    QLabel *m_quotaResult;
    QDialogButtonBox *m_buttons;
    int m_testGeneration = 0;
};

} // namespace ui
