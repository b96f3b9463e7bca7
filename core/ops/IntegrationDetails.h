#pragma once

#include "auth/CredentialJson.h"
#include "db/IntegrationRepository.h"

#include <QString>

namespace ops {

// What an administrator sees of a tenant's Gmail integration: the row, plus the non-secret facts sealed in
// its keys (a service account's client_email and impersonated user, an OAuth client id). Keys that cannot be
// unsealed still give the row, with a warning saying why. Synchronous, on the calling thread's connection.
class IntegrationDetails final {
public:
    struct Result {
        bool ok = false;
        QString error;   // user-facing: no row to show
        QString warning; // the row is shown, the sealed facts are not
        db::Integration integration;
        auth::CredentialJson::PublicFacts facts; // subject: the tenant's address unless the keys name another
    };

    IntegrationDetails() = delete;

    // keyFileOption: as crypto::KeyProviderChain::standard (--key-file).
    static Result load(const QString &tenantId, const QString &keyFileOption);
};

} // namespace ops
