#include "ops/RotateMasterKey.h"

#include "ops/AuditTrail.h"

#include <QJsonArray>

#include "auth/CredentialStore.h"
#include "crypto/KeyFileProvider.h"
#include "crypto/KeyProviderChain.h"
#include "crypto/KeychainKeyProvider.h"
#include "db/Database.h"
#include "db/IntegrationRepository.h"

#include <QFileInfo>

#include <csignal>

namespace ops {

namespace {

const QString kNothingChanged = QStringLiteral("; nothing was changed");

// The new key: from (or into) the key file, else generated and parked in the keychain by id.
std::optional<crypto::MasterKey> obtainNewKey(const QString &path, crypto::KeychainKeyProvider *keychain,
                                              QString *error) {
    std::optional<crypto::MasterKey> key;
    if (path.isEmpty()) {
        key = crypto::MasterKey::generate(error);
        if (!key || !keychain->storeKey(*key, error)) {
            *error += kNothingChanged;
            return std::nullopt;
        }
        return key;
    }
    if (QFileInfo::exists(path))
        return crypto::KeyFileProvider(path).currentKey(error);
    key = crypto::MasterKey::generate(error);
    if (!key || !crypto::KeyFileProvider::writeKeyFile(path, *key, error))
        return std::nullopt;
    return key;
}

std::optional<QStringList> storedKeyIds(QString *error) {
    db::IntegrationRepository integrations(db::Database::connection());
    const auto byKey = integrations.countByKeyId();
    if (!byKey) {
        *error = integrations.errorString();
        return std::nullopt;
    }
    QStringList keyIds;
    for (const auto &[keyId, count] : *byKey)
        keyIds << keyId;
    return keyIds;
}

} // namespace

RotateMasterKey::Result RotateMasterKey::run(const Request &request) {
    const Result r = rotate(request);
    AuditTrail(db::Database::connection())
        .record(request.actor.isEmpty() ? AuditTrail::osActor() : request.actor,
                QStringLiteral("rotate-keys"), {},
                {{QStringLiteral("newKeyId"), r.newKeyId},
                 {QStringLiteral("previousKeyIds"), QJsonArray::fromStringList(r.previousKeyIds)},
                 {QStringLiteral("resealed"), r.resealed ? QJsonValue(*r.resealed) : QJsonValue()}},
                r.ok ? QString() : r.error);
    return r;
}

RotateMasterKey::Result RotateMasterKey::rotate(const Request &request) {
    Result r;
    auto providers = crypto::KeyProviderChain::standard(request.keyFileOption);
    crypto::MasterKeyProvider *source = providers->active(&r.error);
    if (!source)
        return r;
    auto *keychain = dynamic_cast<crypto::KeychainKeyProvider *>(source);
    if (!keychain && request.newKeyFile.isEmpty()) {
        r.needsNewKeyFile = true;
        r.error = QStringLiteral("the master key comes from %1, which this program cannot change")
                      .arg(source->description());
        return r;
    }
    const auto keyIds = storedKeyIds(&r.error);
    if (!keyIds)
        return r;
    r.previousKeyIds = *keyIds;
    const auto opener = providers->vault(*keyIds, &r.error);
    if (!opener) {
        r.error += kNothingChanged;
        return r;
    }
    const auto newKey = obtainNewKey(request.newKeyFile, keychain, &r.error);
    if (!newKey)
        return r;
    r.newKeyId = newKey->id();
    if (newKey->id() == opener->currentKeyId()) {
        r.error = QStringLiteral("the new key is the current key (%1); nothing to rotate").arg(newKey->id());
        return r;
    }
    // Testing aid: a process killed here (after the new key is durable, before the rows are re-sealed)
    // must lose nothing — the rows are still sealed under the old key, which nothing has touched.
    if (qEnvironmentVariable("GMAIL_SYNC_FAULT_INJECT") == QLatin1String("kill-after-key-write"))
        ::raise(SIGKILL);
    const crypto::Vault target(*newKey);
    auth::CredentialStore store(*opener, db::Database::connection());
    r.resealed = store.resealAll(target);
    if (!r.resealed) {
        r.error = store.errorString();
        return r;
    }
    if (keychain && request.newKeyFile.isEmpty()) {
        if (!keychain->makeCurrent(*newKey, &r.error)) {
            r.error =
                QStringLiteral("the integrations are re-sealed, but making key %1 current in the keychain "
                               "failed: %2 (it is stored there by id, so everything stays readable; "
                               "rotate again later)")
                    .arg(newKey->id(), r.error);
            return r;
        }
        r.keychainCurrent = true;
    }
    r.error.clear();
    r.ok = true;
    return r;
}

} // namespace ops
