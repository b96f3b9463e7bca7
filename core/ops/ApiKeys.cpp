#include "ops/ApiKeys.h"

#include "db/ApiKeyRepository.h"
#include "ops/AuditTrail.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

namespace ops {

namespace {

const QString kKeyPrefix = QStringLiteral("gsa_");
constexpr int kKeyBytes = 32;
constexpr int kShownPrefixLength = 12; // "gsa_" + 8 characters

QByteArray hashOf(const QString &key) {
    return QCryptographicHash::hash(key.toUtf8(), QCryptographicHash::Sha256);
}

QString newKey() {
    QByteArray bytes(kKeyBytes, Qt::Uninitialized);
    // QRandomGenerator::system() reads the kernel's CSPRNG (getrandom on Linux).
    QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(bytes.data()),
                                         reinterpret_cast<quint32 *>(bytes.data() + bytes.size()));
    return kKeyPrefix + QString::fromLatin1(
                            bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

} // namespace

ApiKeys::ApiKeys(QSqlDatabase db)
    : m_db(std::move(db)) {}

bool ApiKeys::fail(const QString &error, bool database) {
    m_error = error;
    m_databaseError = database;
    return false;
}

QString ApiKeys::scopeName(Scope scope) {
    switch (scope) {
    case Scope::Read:
        return QStringLiteral("read");
    case Scope::Sync:
        return QStringLiteral("sync");
    case Scope::Admin:
        return QStringLiteral("admin");
    }
    return {};
}

std::optional<ApiKeys::Scope> ApiKeys::parseScope(const QString &name) {
    for (Scope s : {Scope::Read, Scope::Sync, Scope::Admin}) {
        if (name == scopeName(s))
            return s;
    }
    return std::nullopt;
}

std::optional<ApiKeys::Created> ApiKeys::create(const QString &name, Scope scope, const QString &tenantId,
                                                const QDateTime &expiresAt, const QString &createdBy) {
    m_error.clear();
    if (name.trimmed().isEmpty() || name.size() > 100) {
        fail(QStringLiteral("an API key needs a name of 1 to 100 characters"), false);
        return std::nullopt;
    }
    if (expiresAt.isValid() && expiresAt <= QDateTime::currentDateTimeUtc()) {
        fail(QStringLiteral("the expiry %1 is in the past").arg(expiresAt.toUTC().toString(Qt::ISODate)),
             false);
        return std::nullopt;
    }
    Created created;
    created.key = newKey();
    db::ApiKey row;
    row.name = name.trimmed();
    row.keyHash = hashOf(created.key);
    row.keyPrefix = created.key.left(kShownPrefixLength);
    row.scope = scopeName(scope);
    row.tenantId = tenantId;
    row.expiresAt = expiresAt;
    row.createdBy = createdBy;
    db::ApiKeyRepository keys(m_db);
    const auto id = keys.add(row);
    if (!id) {
        fail(keys.errorString(), true);
        return std::nullopt;
    }
    created.id = *id;
    AuditTrail(m_db).record(createdBy, QStringLiteral("apikey-create"), tenantId,
                            {{QStringLiteral("keyId"), created.id},
                             {QStringLiteral("name"), row.name},
                             {QStringLiteral("scope"), row.scope}},
                            {});
    return created;
}

std::optional<QList<db::ApiKey>> ApiKeys::list() {
    db::ApiKeyRepository keys(m_db);
    auto all = keys.list();
    if (!all)
        fail(keys.errorString(), true);
    return all;
}

bool ApiKeys::revoke(qint64 id, const QString &actor) {
    db::ApiKeyRepository keys(m_db);
    const bool ok = keys.revoke(id) || fail(keys.errorString(), !keys.isNotFound());
    AuditTrail(m_db).record(actor, QStringLiteral("apikey-revoke"), {}, {{QStringLiteral("keyId"), id}},
                            ok ? QString() : m_error);
    return ok;
}

std::optional<ApiKeys::Principal> ApiKeys::authenticate(const QString &presentedKey) {
    m_error.clear();
    m_databaseError = false;
    if (!presentedKey.startsWith(kKeyPrefix)) {
        fail(QStringLiteral("not an API key of this service"), false);
        return std::nullopt;
    }
    db::ApiKeyRepository keys(m_db);
    const auto row = keys.findByHash(hashOf(presentedKey));
    if (!row) {
        fail(keys.isNotFound() ? QStringLiteral("unknown API key") : keys.errorString(), !keys.isNotFound());
        return std::nullopt;
    }
    if (row->revokedAt.isValid()) {
        fail(QStringLiteral("API key %1 (%2) was revoked").arg(row->id).arg(row->name), false);
        return std::nullopt;
    }
    if (row->expiresAt.isValid() && row->expiresAt <= QDateTime::currentDateTimeUtc()) {
        fail(QStringLiteral("API key %1 (%2) expired at %3")
                 .arg(row->id)
                 .arg(row->name, row->expiresAt.toString(Qt::ISODate)),
             false);
        return std::nullopt;
    }
    if (!keys.touch(row->id)) { /* a missed last-use mark must not refuse the request */
    }
    return Principal{row->id, row->name, parseScope(row->scope).value_or(Scope::Read), row->tenantId};
}

bool ApiKeys::allows(const Principal &who, Scope required, const QString &tenantId, QString *why) {
    if (int(who.scope) < int(required)) {
        *why = QStringLiteral("API key \"%1\" has scope %2; this needs %3")
                   .arg(who.name, scopeName(who.scope), scopeName(required));
        return false;
    }
    if (!who.tenantId.isEmpty() && tenantId != who.tenantId) {
        *why = tenantId.isEmpty()
                   ? QStringLiteral("API key \"%1\" is restricted to tenant %2").arg(who.name, who.tenantId)
                   : QStringLiteral("API key \"%1\" may not reach tenant %2").arg(who.name, tenantId);
        return false;
    }
    return true;
}

} // namespace ops
