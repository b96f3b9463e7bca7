#pragma once

#include <QObject>
#include <QString>

namespace crypto {

// One named secret in the OS keychain (QtKeychain: Secret Service, macOS Keychain, Windows Credential
// Store), read and written asynchronously: the calls return at once and the result arrives as a signal,
// so a GUI thread never waits on the keychain. Errors never contain the secret.
class KeychainSecret final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeychainSecret)
public:
    static inline const QString DefaultService = QStringLiteral("gmail-sync-admin");
    static inline const QString OAuthClientSecretKey = QStringLiteral("oauth-client-secret");

    KeychainSecret(QString service, QString key, QObject *parent = nullptr);

    // readFinished follows: ok and the value; ok with an empty value when there is no such entry.
    void read();
    // writeFinished follows.
    void write(const QString &value);
    // Deletes the entry; writeFinished follows (ok also when there was none).
    void remove();

Q_SIGNALS:
    void readFinished(bool ok, const QString &value, const QString &error);
    void writeFinished(bool ok, const QString &error);

private:
    QString m_service;
    QString m_key;
};

} // namespace crypto
