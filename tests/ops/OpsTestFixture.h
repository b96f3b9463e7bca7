#pragma once

#include "TestDatabase.h"
#include "auth/Jwt.h"
#include "db/Database.h"
#include "db/TenantRepository.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <memory>

namespace opstest {

// What every use-case test needs: a migrated database of its own per test function, tenants, and keys.
// The master key comes from GMAIL_SYNC_MASTER_KEY (GMAIL_SYNC_KEY_SOURCES=env, set by CMake).
class Fixture final {
public:
    bool open(QString *error) {
        m_testDb = std::make_unique<testsupport::TestDatabase>();
        if (!m_testDb->isValid()) {
            *error = m_testDb->errorString();
            return false;
        }
        return m_testDb->openMigrated(error);
    }
    void close() {
        db::Database::closeThreadConnection();
        m_testDb.reset();
    }

    static db::Tenant tenant(const QString &id, const QString &address) {
        db::Tenant t;
        t.id = id;
        t.displayName = id.toUpper();
        t.gmailAddress = address;
        return t;
    }
    static bool addTenant(const QString &id, const QString &address) {
        db::TenantRepository tenants(db::Database::connection());
        return tenants.add(tenant(id, address));
    }

    // A Google-shaped service-account key file with a fresh RSA key.
    static QByteArray serviceAccountKey() {
        QString error;
        const auto pem = auth::Jwt::generateRsaPrivateKeyPem(2048, &error);
        if (!pem)
            return {};
        return QJsonDocument(
                   QJsonObject{
                       {QStringLiteral("type"), QStringLiteral("service_account")},
                       {QStringLiteral("project_id"), QStringLiteral("acme")},
                       {QStringLiteral("private_key_id"), QStringLiteral("k1")},
                       {QStringLiteral("private_key"), QString::fromLatin1(*pem)},
                       {QStringLiteral("client_email"), QStringLiteral("gsa@acme.iam.gserviceaccount.com")},
                       {QStringLiteral("token_uri"), QStringLiteral("https://oauth2.googleapis.com/token")}})
            .toJson(QJsonDocument::Compact);
    }

private:
    std::unique_ptr<testsupport::TestDatabase> m_testDb;
};

} // namespace opstest
