#pragma once

#include "auth/CredentialStore.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace auth {

// The keys JSON that CredentialStore seals, written and read here only: front ends and use cases never
// spell its field names. The formats are those CredentialStore::validate() accepts.
class CredentialJson final {
public:
    CredentialJson() = delete;

    // What an OAuth grant leaves to store. Secret: never log it.
    struct OAuthKeys {
        QString clientId;
        QString clientSecret;
        QString refreshToken;
        QString accessToken;            // optional
        QDateTime accessTokenExpiresAt; // optional
    };

    // What an administrator may see of sealed keys (no secret among them).
    struct PublicFacts {
        QString clientId;    // OAuth
        QString clientEmail; // service account
        QString subject;     // service account: the impersonated user, empty = the tenant's address
    };

    // Compact JSON {"clientId","clientSecret","refreshToken"[,"accessToken","expiresAt"]}. The caller wipes
    // it (OPENSSL_cleanse) once stored.
    static QByteArray oauth(const OAuthKeys &keys);
    static PublicFacts publicFacts(CredentialStore::AuthType type, const QJsonObject &keys);
};

} // namespace auth
