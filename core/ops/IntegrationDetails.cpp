#include "ops/IntegrationDetails.h"

#include "crypto/KeyProviderChain.h"
#include "db/Database.h"
#include "db/TenantRepository.h"

namespace ops {

namespace {

// Unseals the keys only to read the facts; the keys are dropped on return.
std::optional<auth::CredentialJson::PublicFacts> sealedFacts(const db::Integration &row,
                                                             const QString &keyFileOption, QString *error) {
    const auto vault = crypto::KeyProviderChain::standard(keyFileOption)->vault({row.keyId}, error);
    if (!vault)
        return std::nullopt;
    auth::CredentialStore store(*vault, db::Database::connection());
    const auto credentials = store.load(row.tenantId);
    if (!credentials) {
        *error = store.errorString();
        return std::nullopt;
    }
    return auth::CredentialJson::publicFacts(credentials->authType, credentials->keys);
}

} // namespace

IntegrationDetails::Result IntegrationDetails::load(const QString &tenantId, const QString &keyFileOption) {
    Result r;
    db::IntegrationRepository integrations(db::Database::connection());
    const auto row = integrations.find(tenantId);
    if (!row) {
        r.error = integrations.errorString();
        return r;
    }
    r.ok = true;
    r.integration = *row;
    const auto facts = sealedFacts(*row, keyFileOption, &r.warning);
    if (!facts)
        return r;
    r.facts = *facts;
    if (row->authType ==
            auth::CredentialStore::databaseName(auth::CredentialStore::AuthType::ServiceAccount) &&
        r.facts.subject.isEmpty()) {
        db::TenantRepository tenants(db::Database::connection());
        if (const auto tenant = tenants.find(tenantId))
            r.facts.subject = tenant->gmailAddress;
    }
    return r;
}

} // namespace ops
