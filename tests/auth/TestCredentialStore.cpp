#include "TestDatabase.h"
#include "auth/CredentialStore.h"
#include "auth/Jwt.h"
#include "db/Database.h"
#include "db/IntegrationRepository.h"
#include "db/Migrator.h"
#include "db/TenantRepository.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QProcess>
#include <QTest>
#include <QUrl>
#include <QUrlQuery>

#include <memory>

using auth::CredentialStore;
using crypto::MasterKey;
using crypto::Vault;

namespace {

const QString RefreshToken = QStringLiteral("1//0gRefreshTokenSecretValue-abcdefghijklmnop");
const QString AccessToken = QStringLiteral("ya29.a0AccessTokenSecretValue_qrstuvwxyz0123456789");
const QString ClientSecret = QStringLiteral("GOCSPX-ClientSecretValue987654");

MasterKey key(char fill) {
    return *MasterKey::fromBytes(QByteArray(32, fill), nullptr);
}

QByteArray oauthJson() {
    return QJsonDocument(
               QJsonObject{{QStringLiteral("clientId"), QStringLiteral("123-abc.apps.googleusercontent.com")},
                           {QStringLiteral("clientSecret"), ClientSecret},
                           {QStringLiteral("refreshToken"), RefreshToken},
                           {QStringLiteral("accessToken"), AccessToken},
                           {QStringLiteral("expiresAt"), QStringLiteral("2030-01-02T03:04:05Z")}})
        .toJson();
}

} // namespace

class TestCredentialStore final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void validationNamesTheField_data();
    void validationNamesTheField();
    void storesAndLoadsOAuth();
    void storesAndLoadsServiceAccount();
    void envelopeIsBoundToItsRow();
    void rotationKeepsEveryIntegrationReadable();
    void rotationWithoutTheOldKeyChangesNothing();
    void pgDumpHoldsNoSecret();
    void rotationOfManyIntegrations();

private:
    void addTenant(const QString &id);
    QJsonObject serviceAccount() const;

    QByteArray m_privateKeyPem;
    std::unique_ptr<testsupport::TestDatabase> m_testDb;
};

void TestCredentialStore::initTestCase() {
    QString error;
    const auto pem = auth::Jwt::generateRsaPrivateKeyPem(2048, &error);
    QVERIFY2(pem, qPrintable(error));
    m_privateKeyPem = *pem;
}

void TestCredentialStore::init() {
    m_testDb = std::make_unique<testsupport::TestDatabase>();
    QVERIFY2(m_testDb->isValid(), qPrintable(m_testDb->errorString()));
    QString error;
    QVERIFY2(m_testDb->openMigrated(&error), qPrintable(error));
}

void TestCredentialStore::cleanup() {
    db::Database::closeThreadConnection();
    m_testDb.reset();
}

void TestCredentialStore::addTenant(const QString &id) {
    db::TenantRepository tenants;
    db::Tenant tenant;
    tenant.id = id;
    tenant.gmailAddress = id + QStringLiteral("@example.com");
    QVERIFY2(tenants.add(tenant), qPrintable(tenants.errorString()));
}

QJsonObject TestCredentialStore::serviceAccount() const {
    return QJsonObject{
        {QStringLiteral("type"), QStringLiteral("service_account")},
        {QStringLiteral("project_id"), QStringLiteral("acme-project")},
        {QStringLiteral("private_key_id"), QStringLiteral("0123456789abcdef")},
        {QStringLiteral("private_key"), QString::fromLatin1(m_privateKeyPem)},
        {QStringLiteral("client_email"), QStringLiteral("gsa@acme-project.iam.gserviceaccount.com")},
        {QStringLiteral("client_id"), QStringLiteral("1234567890")},
        {QStringLiteral("token_uri"), QStringLiteral("https://oauth2.googleapis.com/token")}};
}

void TestCredentialStore::validationNamesTheField_data() {
    QTest::addColumn<QString>("authType");
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expected");

    auto without = [](QByteArray json, const QString &field) {
        QJsonObject o = QJsonDocument::fromJson(json).object();
        o.remove(field);
        return QJsonDocument(o).toJson();
    };
    auto with = [](QByteArray json, const QString &field, const QJsonValue &value) {
        QJsonObject o = QJsonDocument::fromJson(json).object();
        o.insert(field, value);
        return QJsonDocument(o).toJson();
    };
    const QByteArray oauth = oauthJson();
    QTest::newRow("oauth: malformed") << "oauth" << oauth.left(40) << "keys JSON is malformed";
    QTest::newRow("oauth: array") << "oauth" << QByteArray("[1,2]") << "must be an object";
    QTest::newRow("oauth: no clientId")
        << "oauth" << without(oauth, QStringLiteral("clientId")) << "\"clientId\"";
    QTest::newRow("oauth: no clientSecret")
        << "oauth" << without(oauth, QStringLiteral("clientSecret")) << "\"clientSecret\"";
    QTest::newRow("oauth: no refreshToken")
        << "oauth" << without(oauth, QStringLiteral("refreshToken")) << "missing field \"refreshToken\"";
    QTest::newRow("oauth: empty refreshToken")
        << "oauth" << with(oauth, QStringLiteral("refreshToken"), QString()) << "\"refreshToken\"";
    QTest::newRow("oauth: numeric accessToken")
        << "oauth" << with(oauth, QStringLiteral("accessToken"), 5) << "\"accessToken\"";
    QTest::newRow("oauth: bad expiresAt")
        << "oauth" << with(oauth, QStringLiteral("expiresAt"), QStringLiteral("soon")) << "\"expiresAt\"";

    const QByteArray sa = QJsonDocument(serviceAccount()).toJson();
    QTest::newRow("sa: no type") << "service-account" << without(sa, QStringLiteral("type"))
                                 << "missing field \"type\"";
    QTest::newRow("sa: wrong type") << "service-account"
                                    << with(sa, QStringLiteral("type"), QStringLiteral("authorized_user"))
                                    << "\"type\" must be \"service_account\"";
    QTest::newRow("sa: no client_email") << "service-account" << without(sa, QStringLiteral("client_email"))
                                         << "missing field \"client_email\"";
    QTest::newRow("sa: no private_key")
        << "service-account" << without(sa, QStringLiteral("private_key")) << "missing field \"private_key\"";
    QTest::newRow("sa: no token_uri")
        << "service-account" << without(sa, QStringLiteral("token_uri")) << "missing field \"token_uri\"";
    QString brokenPem = QString::fromLatin1(m_privateKeyPem);
    brokenPem.replace(100, 40, QStringLiteral("!!!!not-base64!!!!not-base64!!!!--------"));
    QTest::newRow("sa: unparsable private_key")
        << "service-account" << with(sa, QStringLiteral("private_key"), brokenPem)
        << "\"private_key\" is not a PEM";
    QTest::newRow("sa: oauth keys as service account")
        << "service-account" << oauth << "missing field \"type\"";
}

void TestCredentialStore::validationNamesTheField() {
    QFETCH(QString, authType);
    QFETCH(QByteArray, json);
    QFETCH(QString, expected);
    addTenant(QStringLiteral("acme"));
    const Vault vault(key(1));
    CredentialStore store(vault);
    QVERIFY(!store.store(QStringLiteral("acme"), *CredentialStore::parseAuthType(authType), json));
    const QString error = store.errorString();
    QVERIFY2(error.contains(expected), qPrintable(error));
    for (const QString &secret : {RefreshToken, AccessToken, ClientSecret, QStringLiteral("PRIVATE KEY")})
        QVERIFY2(!error.contains(secret), qPrintable(error));
    // Nothing was stored.
    db::IntegrationRepository repo;
    QVERIFY(!repo.find(QStringLiteral("acme")));
    QVERIFY(repo.isNotFound());
}

void TestCredentialStore::storesAndLoadsOAuth() {
    addTenant(QStringLiteral("acme"));
    const Vault vault(key(1));
    CredentialStore store(vault);
    QVERIFY2(store.store(QStringLiteral("acme"), CredentialStore::AuthType::OAuth, oauthJson()),
             qPrintable(store.errorString()));
    const auto loaded = store.load(QStringLiteral("acme"));
    QVERIFY2(loaded, qPrintable(store.errorString()));
    QCOMPARE(loaded->authType, CredentialStore::AuthType::OAuth);
    QCOMPARE(loaded->keys.value(QStringLiteral("refreshToken")).toString(), RefreshToken);
    QCOMPARE(loaded->keys.value(QStringLiteral("accessToken")).toString(), AccessToken);
    QCOMPARE(loaded->integration.keyId, key(1).id());
    QCOMPARE(loaded->integration.status, QStringLiteral("active"));
    QCOMPARE(loaded->integration.tokenExpiresAt, QDateTime(QDate(2030, 1, 2), QTime(3, 4, 5), Qt::UTC));
    QVERIFY(!loaded->integration.encryptedKeys.contains(RefreshToken.toUtf8()));

    // update() re-seals changed keys in place.
    QJsonObject keys = loaded->keys;
    keys.insert(QStringLiteral("accessToken"), QStringLiteral("ya29.new"));
    QVERIFY2(store.update(QStringLiteral("acme"), keys), qPrintable(store.errorString()));
    QCOMPARE(store.load(QStringLiteral("acme"))->keys.value(QStringLiteral("accessToken")).toString(),
             QStringLiteral("ya29.new"));

    QVERIFY(!store.load(QStringLiteral("nobody")));
    QVERIFY(store.isNotFound());
}

void TestCredentialStore::storesAndLoadsServiceAccount() {
    addTenant(QStringLiteral("acme"));
    const Vault vault(key(2));
    CredentialStore store(vault);
    QJsonObject sa = serviceAccount();
    sa.insert(QStringLiteral("subject"), QStringLiteral("alice@acme.example"));
    QVERIFY2(store.store(QStringLiteral("acme"), CredentialStore::AuthType::ServiceAccount,
                         QJsonDocument(sa).toJson()),
             qPrintable(store.errorString()));
    const auto loaded = store.load(QStringLiteral("acme"));
    QVERIFY2(loaded, qPrintable(store.errorString()));
    QCOMPARE(loaded->authType, CredentialStore::AuthType::ServiceAccount);
    QCOMPARE(loaded->integration.authType, QStringLiteral("service_account"));
    QCOMPARE(loaded->keys.value(QStringLiteral("private_key")).toString().toLatin1(), m_privateKeyPem);
    QCOMPARE(loaded->keys.value(QStringLiteral("subject")).toString(), QStringLiteral("alice@acme.example"));
}

void TestCredentialStore::envelopeIsBoundToItsRow() {
    addTenant(QStringLiteral("tenant-a"));
    addTenant(QStringLiteral("tenant-b"));
    const Vault vault(key(3));
    CredentialStore store(vault);
    QVERIFY(store.store(QStringLiteral("tenant-a"), CredentialStore::AuthType::OAuth, oauthJson()));
    QVERIFY(store.store(QStringLiteral("tenant-b"), CredentialStore::AuthType::OAuth, oauthJson()));
    db::IntegrationRepository repo;
    const auto a = repo.find(QStringLiteral("tenant-a"));
    QVERIFY(a);
    // Someone with database access copies tenant A's sealed keys over tenant B's.
    QVERIFY(repo.updateKeys(QStringLiteral("tenant-b"), db::IntegrationRepository::Gmail, a->encryptedKeys,
                            a->keyId));
    QVERIFY(!store.load(QStringLiteral("tenant-b")));
    QVERIFY2(store.errorString().contains(QStringLiteral("authentication failed")),
             qPrintable(store.errorString()));
    QVERIFY(store.load(QStringLiteral("tenant-a")));
}

void TestCredentialStore::rotationKeepsEveryIntegrationReadable() {
    const Vault oldVault(key(4));
    {
        CredentialStore store(oldVault);
        for (int i = 0; i < 12; ++i) {
            const QString tenant = QStringLiteral("t%1").arg(i);
            addTenant(tenant);
            const bool sa = i % 3 == 0;
            QVERIFY2(
                store.store(tenant,
                            sa ? CredentialStore::AuthType::ServiceAccount : CredentialStore::AuthType::OAuth,
                            sa ? QJsonDocument(serviceAccount()).toJson() : oauthJson()),
                qPrintable(store.errorString()));
        }
    }
    // The rotation opens with the old key and seals with the new one.
    Vault opener(key(5));
    opener.addKey(key(4));
    const Vault newVault(key(5));
    CredentialStore rotator(opener);
    const auto count = rotator.resealAll(newVault);
    QVERIFY2(count, qPrintable(rotator.errorString()));
    QCOMPARE(*count, 12);

    // Readable with the new key alone; no longer with the old key alone.
    CredentialStore after(newVault);
    CredentialStore before(oldVault);
    for (int i = 0; i < 12; ++i) {
        const QString tenant = QStringLiteral("t%1").arg(i);
        const auto loaded = after.load(tenant);
        QVERIFY2(loaded, qPrintable(after.errorString()));
        QCOMPARE(loaded->integration.keyId, key(5).id());
        if (i % 3 == 0)
            QCOMPARE(loaded->keys.value(QStringLiteral("private_key")).toString().toLatin1(),
                     m_privateKeyPem);
        else
            QCOMPARE(loaded->keys.value(QStringLiteral("refreshToken")).toString(), RefreshToken);
        QVERIFY(!before.load(tenant));
    }
}

void TestCredentialStore::rotationWithoutTheOldKeyChangesNothing() {
    const Vault oldVault(key(6));
    CredentialStore store(oldVault);
    for (const QString &tenant : {QStringLiteral("a"), QStringLiteral("b")}) {
        addTenant(tenant);
        QVERIFY(store.store(tenant, CredentialStore::AuthType::OAuth, oauthJson()));
    }
    const Vault unrelated(key(7));
    CredentialStore rotator(unrelated); // cannot open the rows
    QVERIFY(!rotator.resealAll(Vault(key(8))));
    QVERIFY2(rotator.errorString().contains(key(6).id()), qPrintable(rotator.errorString()));
    QVERIFY2(rotator.errorString().contains(QStringLiteral("nothing was changed")),
             qPrintable(rotator.errorString()));
    for (const QString &tenant : {QStringLiteral("a"), QStringLiteral("b")}) {
        const auto loaded = store.load(tenant);
        QVERIFY2(loaded, qPrintable(store.errorString()));
        QCOMPARE(loaded->integration.keyId, key(6).id());
    }
}

void TestCredentialStore::pgDumpHoldsNoSecret() {
    addTenant(QStringLiteral("oauth-tenant"));
    addTenant(QStringLiteral("sa-tenant"));
    const Vault vault(key(9));
    CredentialStore store(vault);
    QVERIFY(store.store(QStringLiteral("oauth-tenant"), CredentialStore::AuthType::OAuth, oauthJson()));
    QVERIFY(store.store(QStringLiteral("sa-tenant"), CredentialStore::AuthType::ServiceAccount,
                        QJsonDocument(serviceAccount()).toJson()));
    const QByteArray envelope =
        db::IntegrationRepository().find(QStringLiteral("oauth-tenant"))->encryptedKeys;

    const QUrl url(m_testDb->url());
    QProcess dump;
    dump.start(QStringLiteral("/usr/lib/postgresql/15/bin/pg_dump"),
               {QStringLiteral("--host"), QUrlQuery(url).queryItemValue(QStringLiteral("host")),
                QStringLiteral("--username"), url.userName(), QStringLiteral("--dbname"), m_testDb->name()});
    QVERIFY(dump.waitForFinished(60000));
    QCOMPARE(dump.exitCode(), 0);
    const QByteArray text = dump.readAllStandardOutput();
    // The dump really holds the integrations (so the checks below are not vacuous): bytea is dumped as hex.
    QVERIFY(text.contains("COPY public.integrations"));
    QVERIFY(text.contains(QByteArray(QByteArray("\\\\x") + envelope.toHex())));

    QList<QByteArray> secrets = {RefreshToken.toUtf8(), AccessToken.toUtf8(), ClientSecret.toUtf8()};
    // The private key: its PEM header, every line of its base64 body, and its DER bytes.
    secrets << "PRIVATE KEY";
    QByteArray der;
    for (const QByteArray &line : m_privateKeyPem.split('\n')) {
        if (line.isEmpty() || line.startsWith("-----"))
            continue;
        secrets << line;
        der += QByteArray::fromBase64(line);
    }
    const QByteArray lower = text.toLower();
    for (const QByteArray &secret : std::as_const(secrets)) {
        for (const QByteArray &form :
             {secret, secret.toBase64(), secret.toBase64(QByteArray::Base64UrlEncoding), secret.toHex()}) {
            QVERIFY2(!text.contains(form), form.left(12).constData());
            QVERIFY2(!lower.contains(form.toLower()), form.left(12).constData());
        }
    }
    // DER of the key in 32-byte windows, as hex and base64 (a grep for any fragment).
    for (qsizetype i = 0; i + 32 <= der.size(); i += 32) {
        QVERIFY(!lower.contains(der.mid(i, 32).toHex()));
        QVERIFY(!text.contains(der.mid(i, 32).toBase64()));
    }
}

// Rotation re-seals every row in one transaction; prints the rate (a figure for the docs).
void TestCredentialStore::rotationOfManyIntegrations() {
    constexpr int Count = 300;
    const Vault oldVault(key(13));
    CredentialStore store(oldVault);
    for (int i = 0; i < Count; ++i) {
        const QString tenant = QStringLiteral("bulk-%1").arg(i);
        addTenant(tenant);
        QVERIFY(store.store(tenant, CredentialStore::AuthType::OAuth, oauthJson()));
    }
    Vault opener(key(14));
    opener.addKey(key(13));
    CredentialStore rotator(opener);
    QElapsedTimer timer;
    timer.start();
    const auto count = rotator.resealAll(Vault(key(14)));
    const qint64 ms = timer.elapsed();
    QVERIFY2(count, qPrintable(rotator.errorString()));
    QCOMPARE(*count, Count);
    qInfo("keys rotate: %d integrations re-sealed in %lld ms (%.0f/s)", Count, ms,
          Count * 1000.0 / qMax<qint64>(ms, 1));
    const Vault newOnly(key(14));
    CredentialStore after(newOnly);
    QVERIFY(after.load(QStringLiteral("bulk-0")));
    QVERIFY(after.load(QStringLiteral("bulk-%1").arg(Count - 1)));
}

QTEST_GUILESS_MAIN(TestCredentialStore)
#include "TestCredentialStore.moc"
