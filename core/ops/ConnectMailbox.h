#pragma once

#include "auth/CredentialStore.h"
#include "auth/OAuthLoopbackFlow.h"
#include "db/Tenant.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace ops {

// Connects a Gmail mailbox: finds or creates the tenant (an existing one must have the same address),
// then seals the credentials with the master key of the key-provider chain and stores them
// (auth::CredentialStore). Synchronous, on the calling thread's connection (db::Database::connection());
// the GUI runs it on its DbExecutor thread, the CLI on its own. Secrets handed in are wiped.
class ConnectMailbox final {
public:
    struct Result {
        bool ok = false;
        QString error; // user-facing; names no secret
        bool tenantCreated = false;
        QString keyId; // the master key that sealed the credentials
    };
    // Before an OAuth browser flow: whether the vault opens (a missing master key should stop the operator
    // before consent) and the tenant, if it exists (its address is the browser's login hint).
    struct Preflight {
        bool ok = false;
        QString error;
        std::optional<db::Tenant> tenant;
    };
    // What the OAuth browser flow granted for an installed-app client.
    struct OAuthGrant {
        QString clientId;
        QString clientSecret;
        auth::OAuthLoopbackFlow::Result flow; // secret: holds the tokens
    };

    // keyFileOption: as crypto::KeyProviderChain::standard (--key-file; empty: the environment's).
    // actor: who connects, for the audit trail (empty: the OS user running this process).
    explicit ConnectMailbox(QString keyFileOption = QString(), QString actor = QString());

    Preflight preflight(const QString &tenantId) const;
    // A keys file's JSON of `type` (a service-account key file, or OAuth {"clientId","clientSecret",
    // "refreshToken"}) for `tenant` (created when new). `keys` is wiped.
    Result withKeys(const db::Tenant &tenant, auth::CredentialStore::AuthType type, QByteArray &keys) const;
    Result withServiceAccountKey(const db::Tenant &tenant, QByteArray &keyFile) const;
    // The browser's grant: the signed-in address must be the tenant's. An empty tenant.gmailAddress takes
    // the signed-in one (and an empty display name the tenant id) when the tenant is new.
    Result withOAuthGrant(db::Tenant tenant, const OAuthGrant &grant) const;
    // Only the credentials, for an existing tenant (`integration set`). `keys` is wiped.
    Result storeKeys(const QString &tenantId, auth::CredentialStore::AuthType type, QByteArray &keys) const;

private:
    Result ensureTenant(const db::Tenant &tenant) const;
    Result sealAndStore(const QString &tenantId, auth::CredentialStore::AuthType type,
                        QByteArray &keys) const;
    Result withKeysUnaudited(const db::Tenant &tenant, auth::CredentialStore::AuthType type,
                             QByteArray &keys) const;
    // Records the action once in the audit trail (connect, or reconnect when the tenant had an integration).
    Result audited(const QString &tenantId, auth::CredentialStore::AuthType type, bool hadIntegration,
                   const Result &r) const;
    static bool hasIntegration(const QString &tenantId);

    QString m_keyFileOption;
    QString m_actor;
};

} // namespace ops
