#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QMutex>
#include <QString>

#include <optional>

namespace sandbox {

// The identities whose keys the sandbox knows: service accounts created through the control API (the
// sandbox keeps only their public keys, as Google does) and the sandbox's own "Google" signing key
// that signs OIDC tokens for Pub/Sub push and is published as a JWKS at /oauth2/v3/certs.
// Thread-safe.
class ServiceAccountRegistry final {
public:
    struct Account {
        QString clientEmail;
        QString clientId;
        QString projectId;
        QString keyId; // private_key_id of the key file, sent as the JWT header's "kid"
        QByteArray publicKeyPem;
        bool domainWideDelegation = true; // the admin granted the scopes in the Workspace console
    };

    ServiceAccountRegistry() = default;
    Q_DISABLE_COPY_MOVE(ServiceAccountRegistry)

    // Creates an account with a fresh RSA 2048 key and returns Google's key file JSON
    // (developers.google.com/identity/protocols/oauth2/service-account#creatinganaccount).
    // clientEmail empty → "sa-N@sandbox-project.iam.gserviceaccount.com". tokenUri: this sandbox's /token.
    std::optional<QJsonObject> create(const QString &clientEmail, const QString &tokenUri,
                                      const QString &authUri, const QString &certsBaseUrl, QString *error);
    std::optional<Account> find(const QString &clientEmail) const; // case-insensitive
    void setDomainWideDelegation(const QString &clientEmail, bool granted);

    // The sandbox's own RS256 key (generated on first use) for OIDC ID tokens.
    QByteArray oidcPrivateKeyPem() const;
    QString oidcKeyId() const;
    // {"keys":[{kty,alg,use,kid,n,e}]} as Google's https://www.googleapis.com/oauth2/v3/certs.
    QJsonObject jwks() const;

private:
    void ensureOidcKeyLocked() const;

    mutable QMutex m_mutex;
    QHash<QString, Account> m_accounts; // by lower-cased client email
    int m_counter = 0;
    mutable QByteArray m_oidcPrivateKeyPem;
    mutable QString m_oidcKeyId;
    mutable QJsonObject m_oidcJwk;
};

} // namespace sandbox
