#include "ops/ConnectMailbox.h"

#include "auth/CredentialJson.h"
#include "crypto/KeyProviderChain.h"
#include "db/Database.h"
#include "db/IntegrationRepository.h"
#include "db/TenantRepository.h"
#include "ops/AuditTrail.h"

#include <openssl/crypto.h>

namespace ops {

namespace {

void wipe(QByteArray &bytes) {
    if (!bytes.isEmpty())
        OPENSSL_cleanse(bytes.data(), size_t(bytes.size()));
}

ConnectMailbox::Result failure(const QString &error) {
    ConnectMailbox::Result r;
    r.error = error;
    return r;
}

} // namespace

ConnectMailbox::ConnectMailbox(QString keyFileOption, QString actor)
    : m_keyFileOption(std::move(keyFileOption))
    , m_actor(std::move(actor)) {}

ConnectMailbox::Preflight ConnectMailbox::preflight(const QString &tenantId) const {
    Preflight p;
    db::TenantRepository tenants(db::Database::connection());
    p.tenant = tenants.find(tenantId);
    if (!p.tenant && !tenants.isNotFound()) {
        p.error = tenants.errorString();
        return p;
    }
    QString error;
    if (!crypto::KeyProviderChain::standard(m_keyFileOption)->vault({}, &error)) {
        p.error = QStringLiteral("no master key for the credentials vault: %1").arg(error);
        return p;
    }
    p.ok = true;
    return p;
}

ConnectMailbox::Result ConnectMailbox::ensureTenant(const db::Tenant &tenant) const {
    db::TenantRepository tenants(db::Database::connection());
    const auto existing = tenants.find(tenant.id);
    if (!existing && !tenants.isNotFound())
        return failure(tenants.errorString());
    if (existing && existing->gmailAddress.compare(tenant.gmailAddress, Qt::CaseInsensitive) != 0)
        return failure(QStringLiteral("tenant %1 already exists with the address %2; nothing was stored")
                           .arg(tenant.id, existing->gmailAddress));
    Result r;
    if (!existing) {
        if (!tenants.add(tenant))
            return failure(tenants.errorString());
        r.tenantCreated = true;
    }
    r.ok = true;
    return r;
}

bool ConnectMailbox::hasIntegration(const QString &tenantId) {
    db::IntegrationRepository integrations(db::Database::connection());
    return integrations.find(tenantId).has_value();
}

ConnectMailbox::Result ConnectMailbox::audited(const QString &tenantId, auth::CredentialStore::AuthType type,
                                               bool hadIntegration, const Result &r) const {
    const QString authType = type == auth::CredentialStore::AuthType::OAuth
                                 ? QStringLiteral("oauth")
                                 : QStringLiteral("service_account");
    AuditTrail(db::Database::connection())
        .record(m_actor.isEmpty() ? AuditTrail::osActor() : m_actor,
                hadIntegration ? QStringLiteral("reconnect") : QStringLiteral("connect"), tenantId,
                {{QStringLiteral("authType"), authType},
                 {QStringLiteral("tenantCreated"), r.tenantCreated},
                 {QStringLiteral("keyId"), r.keyId}},
                r.ok ? QString() : r.error);
    return r;
}

ConnectMailbox::Result ConnectMailbox::storeKeys(const QString &tenantId,
                                                 auth::CredentialStore::AuthType type,
                                                 QByteArray &keys) const {
    const bool had = hasIntegration(tenantId);
    return audited(tenantId, type, had, sealAndStore(tenantId, type, keys));
}

ConnectMailbox::Result ConnectMailbox::sealAndStore(const QString &tenantId,
                                                    auth::CredentialStore::AuthType type,
                                                    QByteArray &keys) const {
    Result r;
    QString error;
    const auto vault = crypto::KeyProviderChain::standard(m_keyFileOption)->vault({}, &error);
    if (!vault) {
        r.error = QStringLiteral("cannot get the master key: %1").arg(error);
    } else {
        auth::CredentialStore store(*vault, db::Database::connection());
        r.ok = store.store(tenantId, type, keys);
        r.error = store.errorString();
        r.keyId = vault->currentKeyId();
    }
    wipe(keys);
    return r;
}

ConnectMailbox::Result ConnectMailbox::withKeys(const db::Tenant &tenant,
                                                auth::CredentialStore::AuthType type,
                                                QByteArray &keys) const {
    const bool had = hasIntegration(tenant.id);
    return audited(tenant.id, type, had, withKeysUnaudited(tenant, type, keys));
}

ConnectMailbox::Result ConnectMailbox::withKeysUnaudited(const db::Tenant &tenant,
                                                         auth::CredentialStore::AuthType type,
                                                         QByteArray &keys) const {
    // Checked first: keys that cannot work leave no new tenant behind.
    QString error;
    if (!auth::CredentialStore::validate(type, keys, &error)) {
        wipe(keys);
        return failure(error);
    }
    const Result tenantResult = ensureTenant(tenant);
    if (!tenantResult.ok) {
        wipe(keys);
        return tenantResult;
    }
    Result r = sealAndStore(tenant.id, type, keys);
    r.tenantCreated = tenantResult.tenantCreated;
    return r;
}

ConnectMailbox::Result ConnectMailbox::withServiceAccountKey(const db::Tenant &tenant,
                                                             QByteArray &keyFile) const {
    return withKeys(tenant, auth::CredentialStore::AuthType::ServiceAccount, keyFile);
}

ConnectMailbox::Result ConnectMailbox::withOAuthGrant(db::Tenant tenant, const OAuthGrant &grant) const {
    const QString &signedIn = grant.flow.email;
    if (tenant.gmailAddress.isEmpty()) {
        db::TenantRepository tenants(db::Database::connection());
        const auto existing = tenants.find(tenant.id);
        if (!existing && !tenants.isNotFound())
            return failure(tenants.errorString());
        tenant.gmailAddress = existing ? existing->gmailAddress : signedIn;
    }
    if (tenant.gmailAddress.compare(signedIn, Qt::CaseInsensitive) != 0)
        return audited(
            tenant.id, auth::CredentialStore::AuthType::OAuth, hasIntegration(tenant.id),
            failure(QStringLiteral("the browser signed in as %1, but the address of tenant %2 is %3; "
                                   "nothing was stored. Try again with the right account")
                        .arg(signedIn, tenant.id, tenant.gmailAddress)));
    if (tenant.displayName.isEmpty())
        tenant.displayName = tenant.id;
    QByteArray keys =
        auth::CredentialJson::oauth({grant.clientId, grant.clientSecret, grant.flow.refreshToken,
                                     grant.flow.accessToken, grant.flow.accessTokenExpiresAt});
    return withKeys(tenant, auth::CredentialStore::AuthType::OAuth, keys);
}

} // namespace ops
