#pragma once

#include "crypto/Vault.h"
#include "db/Database.h"
#include "db/IntegrationRepository.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace auth {

// An integration's secrets, sealed in `integrations.encrypted_keys` with crypto::Vault. The
// associated data binds each envelope to its row's tenant id, source and auth type, so an envelope
// copied to another tenant (or relabelled as another auth type) does not open.
//
// Keys JSON accepted by store():
//   oauth            {"clientId","clientSecret","refreshToken"[,"accessToken","expiresAt"]}
//                    expiresAt: ISO 8601 or epoch seconds.
//   service_account  Google's key file (type "service_account", client_email, private_key PEM,
//                    token_uri, ...) plus an optional "subject" (the user to impersonate; default:
//                    the tenant's Gmail address).
class CredentialStore final {
public:
    enum class AuthType { OAuth, ServiceAccount };

    struct Credentials {
        AuthType authType = AuthType::OAuth;
        QJsonObject keys; // the validated keys JSON — secret: never log it
        db::Integration integration;
    };

    explicit CredentialStore(const crypto::Vault &vault, QSqlDatabase db = db::Database::connection());

    // "oauth" | "service-account" | "service_account" (CLI and database spellings).
    static std::optional<AuthType> parseAuthType(const QString &text);
    static QString databaseName(AuthType type); // "oauth" | "service_account"
    // What the vault authenticates alongside the ciphertext. NUL-separated: ids cannot contain NUL.
    static QByteArray associatedData(const QString &tenantId, const QString &source, const QString &authType);

    // Checks the keys JSON for the auth type; on failure *error names the field and nothing else of
    // the input (it may hold secrets). Returns the object that would be stored.
    static std::optional<QJsonObject> validate(AuthType type, const QByteArray &json, QString *error);

    // Validates, seals and upserts (status 'active'); token_expires_at from expiresAt when given.
    Q_REQUIRED_RESULT bool store(const QString &tenantId, AuthType type, const QByteArray &keysJson);
    // Re-seals updated keys of an existing integration (e.g. a refreshed access token). With
    // `expectedEnvelope`, only if the stored envelope is still that one (compare-and-swap: keys an
    // admin stored meanwhile are never overwritten by a refresh); false and isNotFound() otherwise.
    Q_REQUIRED_RESULT bool update(const QString &tenantId, const QJsonObject &keys,
                                  const QByteArray &expectedEnvelope = {});
    // Unseals the tenant's Gmail integration.
    std::optional<Credentials> load(const QString &tenantId);
    // Key rotation: every integration opened with this store's vault and sealed again with `target`'s
    // current key, in one transaction. Returns how many were re-sealed.
    std::optional<int> resealAll(const crypto::Vault &target);

    QString errorString() const { return m_error; }
    bool isNotFound() const { return m_notFound; }

private:
    std::optional<QByteArray> seal(const crypto::Vault &vault, const QJsonObject &keys,
                                   const QString &tenantId, const QString &source, const QString &authType);
    std::optional<QJsonObject> unseal(const db::Integration &row, QString *error) const;
    bool fail(const QString &message, bool notFound = false);

    const crypto::Vault &m_vault;
    db::IntegrationRepository m_repository;
    QString m_error;
    bool m_notFound = false;
};

} // namespace auth
