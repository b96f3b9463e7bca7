#include "auth/CredentialJson.h"

#include <QJsonDocument>

namespace auth {

QByteArray CredentialJson::oauth(const OAuthKeys &keys) {
    QJsonObject object{{QStringLiteral("clientId"), keys.clientId},
                       {QStringLiteral("clientSecret"), keys.clientSecret},
                       {QStringLiteral("refreshToken"), keys.refreshToken}};
    if (!keys.accessToken.isEmpty())
        object.insert(QStringLiteral("accessToken"), keys.accessToken);
    if (keys.accessTokenExpiresAt.isValid())
        object.insert(QStringLiteral("expiresAt"), keys.accessTokenExpiresAt.toString(Qt::ISODate));
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

CredentialJson::PublicFacts CredentialJson::publicFacts(CredentialStore::AuthType type,
                                                        const QJsonObject &keys) {
    PublicFacts facts;
    if (type == CredentialStore::AuthType::ServiceAccount) {
        facts.clientEmail = keys.value(QStringLiteral("client_email")).toString();
        facts.subject = keys.value(QStringLiteral("subject")).toString();
    } else {
        facts.clientId = keys.value(QStringLiteral("clientId")).toString();
    }
    return facts;
}

} // namespace auth
