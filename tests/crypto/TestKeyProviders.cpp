#include "SandboxProcess.h"
#include "crypto/EnvKeyProvider.h"
#include "crypto/KeyFileProvider.h"
#include "crypto/KeyProviderChain.h"
#include "crypto/SecretManagerKeyProvider.h"

#include <QFile>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace crypto;

namespace {

const QByteArray KeyBytes =
    QByteArray::fromHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

bool writeFile(const QString &path, const QByteArray &content, mode_t mode) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(content) != content.size())
        return false;
    file.close();
    return ::chmod(QFile::encodeName(path).constData(), mode) == 0;
}

// Sets an environment variable for one scope.
class ScopedEnv final {
public:
    ScopedEnv(const char *name, const QByteArray &value)
        : m_name(name)
        , m_old(qgetenv(name))
        , m_wasSet(qEnvironmentVariableIsSet(name)) {
        qputenv(name, value);
    }
    ~ScopedEnv() {
        if (m_wasSet)
            qputenv(m_name, m_old);
        else
            qunsetenv(m_name);
    }

private:
    const char *m_name;
    QByteArray m_old;
    bool m_wasSet;
};

} // namespace

class TestKeyProviders final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void envAcceptsBase64Of32Bytes();
    void envRejects_data();
    void envRejects();
    void envUnsetIsNotConfigured();
    void keyFileModes_data();
    void keyFileModes();
    void keyFileContents_data();
    void keyFileContents();
    void keyFileMissing();
    void keyFileWriteIsPrivate();
    void chainUsesFirstConfiguredSource();
    void chainDoesNotFallThroughOnBrokenSource();
    void secretManagerFetchesAndCaches();
    void secretManagerErrors_data();
    void secretManagerErrors();
    void secretManagerResourceName();
    void secretManagerAgainstSandbox();
    void metadataServerToken();
    void secretManagerFromEnvironment();
    void configuredOrder();

private:
    QTemporaryDir m_dir;
};

void TestKeyProviders::envAcceptsBase64Of32Bytes() {
    ScopedEnv env("GSA_TEST_MASTER_KEY", KeyBytes.toBase64());
    EnvKeyProvider provider("GSA_TEST_MASTER_KEY");
    QVERIFY(provider.isConfigured());
    QString error;
    const auto key = provider.currentKey(&error);
    QVERIFY2(key, qPrintable(error));
    QCOMPARE(key->id(), MasterKey::idFor(reinterpret_cast<const unsigned char *>(KeyBytes.constData())));
    QCOMPARE(QByteArray(reinterpret_cast<const char *>(key->data()), 32), KeyBytes);
}

void TestKeyProviders::envRejects_data() {
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QString>("expected");
    QTest::newRow("empty") << QByteArray() << QStringLiteral("not valid base64");
    QTest::newRow("31 bytes") << QByteArray(31, 'k').toBase64() << QStringLiteral("decodes to 31 bytes");
    QTest::newRow("33 bytes") << QByteArray(33, 'k').toBase64() << QStringLiteral("decodes to 33 bytes");
    QTest::newRow("16 bytes") << QByteArray(16, 'k').toBase64() << QStringLiteral("decodes to 16 bytes");
    QTest::newRow("64 bytes") << QByteArray(64, 'k').toBase64() << QStringLiteral("decodes to 64 bytes");
    QTest::newRow("raw 32 chars") << QByteArray(32, '!') << QStringLiteral("not valid base64");
    QTest::newRow("base64url alphabet")
        << QByteArray::fromHex("fbfffe" + QByteArray(58, '0')).toBase64(QByteArray::Base64UrlEncoding)
        << QStringLiteral("not valid base64");
}

void TestKeyProviders::envRejects() {
    QFETCH(QByteArray, value);
    QFETCH(QString, expected);
    ScopedEnv env("GSA_TEST_MASTER_KEY", value);
    EnvKeyProvider provider("GSA_TEST_MASTER_KEY");
    QString error;
    QVERIFY(!provider.currentKey(&error));
    QVERIFY2(error.contains(expected), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("GSA_TEST_MASTER_KEY")), qPrintable(error));
}

void TestKeyProviders::envUnsetIsNotConfigured() {
    qunsetenv("GSA_TEST_MASTER_KEY");
    EnvKeyProvider provider("GSA_TEST_MASTER_KEY");
    QVERIFY(!provider.isConfigured());
    QString error;
    QVERIFY(!provider.currentKey(&error));
    QVERIFY(error.contains(QStringLiteral("not set")));
}

void TestKeyProviders::keyFileModes_data() {
    QTest::addColumn<int>("mode");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("0600") << 0600 << true;
    QTest::newRow("0400") << 0400 << true;
    QTest::newRow("0644") << 0644 << false;
    QTest::newRow("0640") << 0640 << false;
    QTest::newRow("0604") << 0604 << false;
    QTest::newRow("0620") << 0620 << false;
}

void TestKeyProviders::keyFileModes() {
    QFETCH(int, mode);
    QFETCH(bool, accepted);
    const QString path = m_dir.filePath(QStringLiteral("mode-%1.key").arg(mode, 0, 8));
    QVERIFY(writeFile(path, KeyBytes.toBase64() + '\n', mode_t(mode)));
    KeyFileProvider provider(path);
    QString error;
    const auto key = provider.currentKey(&error);
    QCOMPARE(bool(key), accepted);
    if (!accepted) {
        QVERIFY2(error.contains(QStringLiteral("group or others")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("chmod 600")), qPrintable(error));
        QVERIFY2(error.contains(path), qPrintable(error));
    }
}

void TestKeyProviders::keyFileContents_data() {
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("base64 with newline") << KeyBytes.toBase64() + '\n' << true;
    QTest::newRow("raw 32 bytes") << KeyBytes << true;
    QTest::newRow("raw 31 bytes") << KeyBytes.first(31) << false;
    QTest::newRow("raw 33 bytes") << KeyBytes + 'x' << false;
    QTest::newRow("base64 of 24 bytes") << KeyBytes.first(24).toBase64() << false;
    QTest::newRow("empty") << QByteArray() << false;
}

void TestKeyProviders::keyFileContents() {
    QFETCH(QByteArray, content);
    QFETCH(bool, accepted);
    const QString path = m_dir.filePath(
        QStringLiteral("content-%1.key")
            .arg(QString::fromLatin1(QTest::currentDataTag()).replace(QLatin1Char(' '), QLatin1Char('-'))));
    QVERIFY(writeFile(path, content, 0600));
    KeyFileProvider provider(path);
    QString error;
    const auto key = provider.currentKey(&error);
    QCOMPARE(bool(key), accepted);
    if (accepted)
        QCOMPARE(QByteArray(reinterpret_cast<const char *>(key->data()), 32), KeyBytes);
    else
        QVERIFY2(error.contains(QStringLiteral("32 bytes")), qPrintable(error));
}

void TestKeyProviders::keyFileMissing() {
    KeyFileProvider provider(m_dir.filePath(QStringLiteral("nope.key")));
    QString error;
    QVERIFY(!provider.currentKey(&error));
    QVERIFY2(error.contains(QStringLiteral("nope.key")) && error.contains(QStringLiteral("No such file")),
             qPrintable(error));
    QVERIFY(!KeyFileProvider(QString()).isConfigured());
}

void TestKeyProviders::keyFileWriteIsPrivate() {
    const auto key = MasterKey::generate(nullptr);
    QVERIFY(key);
    const QString path = m_dir.filePath(QStringLiteral("written.key"));
    QString error;
    QVERIFY2(KeyFileProvider::writeKeyFile(path, *key, &error), qPrintable(error));
    struct stat st {};
    QCOMPARE(::stat(QFile::encodeName(path).constData(), &st), 0);
    QCOMPARE(int(st.st_mode & 0777), 0600);
    const auto read = KeyFileProvider(path).currentKey(&error);
    QVERIFY2(read, qPrintable(error));
    QCOMPARE(read->id(), key->id());
    QVERIFY(!KeyFileProvider::writeKeyFile(path, *key, &error)); // never overwrites
}

void TestKeyProviders::chainUsesFirstConfiguredSource() {
    const QString path = m_dir.filePath(QStringLiteral("chain.key"));
    QVERIFY(writeFile(path, KeyBytes.toBase64(), 0600));
    ScopedEnv env("GSA_TEST_MASTER_KEY", QByteArray(32, 'z').toBase64());

    KeyProviderChain chain;
    chain.append(std::make_unique<KeyFileProvider>(QString())); // not configured: skipped
    chain.append(std::make_unique<EnvKeyProvider>("GSA_TEST_MASTER_KEY"));
    chain.append(std::make_unique<KeyFileProvider>(path));
    QString error;
    const auto key = chain.currentKey(&error);
    QVERIFY2(key, qPrintable(error));
    QCOMPARE(QByteArray(reinterpret_cast<const char *>(key->data()), 32), QByteArray(32, 'z'));
    QVERIFY(chain.description().contains(QStringLiteral("GSA_TEST_MASTER_KEY")));
    QVERIFY(chain.keyById(key->id(), &error));
    QVERIFY(!chain.keyById(QStringLiteral("00000000"), &error));
    QVERIFY2(error.contains(QStringLiteral("00000000")), qPrintable(error));
}

void TestKeyProviders::chainDoesNotFallThroughOnBrokenSource() {
    const QString path = m_dir.filePath(QStringLiteral("fallback.key"));
    QVERIFY(writeFile(path, KeyBytes.toBase64(), 0600));
    ScopedEnv env("GSA_TEST_MASTER_KEY", QByteArray(20, 'z').toBase64());
    KeyProviderChain chain;
    chain.append(std::make_unique<EnvKeyProvider>("GSA_TEST_MASTER_KEY"));
    chain.append(std::make_unique<KeyFileProvider>(path));
    QString error;
    QVERIFY(!chain.currentKey(&error));
    QVERIFY2(error.contains(QStringLiteral("decodes to 20 bytes")), qPrintable(error));

    KeyProviderChain empty;
    empty.append(std::make_unique<KeyFileProvider>(QString()));
    QVERIFY(!empty.currentKey(&error));
    QVERIFY2(error.contains(QStringLiteral("no master key source")), qPrintable(error));
}

void TestKeyProviders::secretManagerFetchesAndCaches() {
    QHttpServer server;
    int hits = 0;
    QString seenAuth;
    QString seenPath;
    server.route(QStringLiteral("/v1/projects/<arg>/secrets/<arg>/versions/<arg>"),
                 [&](const QString &project, const QString &secret, const QString &version,
                     const QHttpServerRequest &request) {
                     ++hits;
                     seenAuth = QString::fromLatin1(request.value("Authorization"));
                     seenPath = project + QLatin1Char('/') + secret + QLatin1Char('/') + version;
                     return QHttpServerResponse(QJsonObject{
                         {QStringLiteral("name"),
                          QStringLiteral("projects/%1/secrets/%2/versions/3").arg(project, secret)},
                         {QStringLiteral("payload"),
                          QJsonObject{{QStringLiteral("data"), QString::fromLatin1(KeyBytes.toBase64())},
                                      // CRC32C of KeyBytes, as Secret Manager sends it (int64 as a string).
                                      {QStringLiteral("dataCrc32c"), QStringLiteral("1188919630")}}}});
                 });
    const quint16 port = server.listen(QHostAddress::LocalHost);
    QVERIFY(port != 0);

    SecretManagerKeyProvider::Params params;
    params.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
    QVERIFY(SecretManagerKeyProvider::parseResourceName(QStringLiteral("projects/acme/secrets/gsa-master"),
                                                        &params));
    params.token = [](QString *) -> std::optional<QString> { return QStringLiteral("ya29.test-token"); };
    SecretManagerKeyProvider provider(params);
    QVERIFY(provider.isConfigured());

    QString error;
    const auto key = provider.currentKey(&error);
    QVERIFY2(key, qPrintable(error));
    QCOMPARE(QByteArray(reinterpret_cast<const char *>(key->data()), 32), KeyBytes);
    QCOMPARE(seenAuth, QStringLiteral("Bearer ya29.test-token"));
    QCOMPARE(seenPath, QStringLiteral("acme/gsa-master/latest:access"));

    // Cached for five minutes: no second request.
    for (int i = 0; i < 5; ++i)
        QVERIFY(provider.currentKey(&error));
    QCOMPARE(hits, 1);
    QCOMPARE(provider.requestCount(), 1);

    // With no cache lifetime every call fetches again.
    params.cacheFor = std::chrono::milliseconds(0);
    SecretManagerKeyProvider uncached(params);
    QVERIFY(uncached.currentKey(&error));
    QVERIFY(uncached.currentKey(&error));
    QCOMPARE(uncached.requestCount(), 2);
    QCOMPARE(hits, 3);
}

void TestKeyProviders::secretManagerErrors_data() {
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QString>("crc");
    QTest::addColumn<QString>("expected");
    QTest::newRow("403") << 403 << QByteArray() << QString() << QStringLiteral("HTTP 403: Permission denied");
    QTest::newRow("short secret") << 200 << QByteArray(16, 'a') << QString() << QStringLiteral("32 bytes");
    QTest::newRow("crc mismatch") << 200 << KeyBytes << QStringLiteral("12345")
                                  << QStringLiteral("dataCrc32c");
    QTest::newRow("no payload") << 200 << QByteArray() << QString() << QStringLiteral("payload.data");
}

void TestKeyProviders::secretManagerErrors() {
    QFETCH(int, status);
    QFETCH(QByteArray, data);
    QFETCH(QString, crc);
    QFETCH(QString, expected);
    QHttpServer server;
    server.route(
        QStringLiteral("/v1/projects/<arg>/secrets/<arg>/versions/<arg>"),
        [&](const QString &, const QString &, const QString &, const QHttpServerRequest &) {
            if (status != 200) {
                return QHttpServerResponse(
                    QJsonObject{
                        {QStringLiteral("error"),
                         QJsonObject{{QStringLiteral("code"), status},
                                     {QStringLiteral("message"), QStringLiteral("Permission denied")},
                                     {QStringLiteral("status"), QStringLiteral("PERMISSION_DENIED")}}}},
                    QHttpServerResponder::StatusCode(status));
            }
            QJsonObject payload;
            if (!data.isEmpty())
                payload.insert(QStringLiteral("data"), QString::fromLatin1(data.toBase64()));
            if (!crc.isEmpty())
                payload.insert(QStringLiteral("dataCrc32c"), crc);
            return QHttpServerResponse(QJsonObject{{QStringLiteral("payload"), payload}});
        });
    const quint16 port = server.listen(QHostAddress::LocalHost);
    QVERIFY(port != 0);
    SecretManagerKeyProvider::Params params;
    params.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
    params.project = QStringLiteral("p");
    params.secret = QStringLiteral("s");
    params.version = QStringLiteral("7");
    params.token = [](QString *) -> std::optional<QString> {
        return QStringLiteral("ya29.secret-token-value");
    };
    SecretManagerKeyProvider provider(params);
    QString error;
    QVERIFY(!provider.currentKey(&error));
    QVERIFY2(error.contains(expected), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("projects/p/secrets/s/versions/7")), qPrintable(error));
    QVERIFY2(!error.contains(QStringLiteral("ya29")), qPrintable(error));
}

void TestKeyProviders::secretManagerResourceName() {
    SecretManagerKeyProvider::Params params;
    QVERIFY(SecretManagerKeyProvider::parseResourceName(QStringLiteral("projects/a/secrets/b/versions/4"),
                                                        &params));
    QCOMPARE(params.project, QStringLiteral("a"));
    QCOMPARE(params.secret, QStringLiteral("b"));
    QCOMPARE(params.version, QStringLiteral("4"));
    QVERIFY(!SecretManagerKeyProvider::parseResourceName(QStringLiteral("projects/a"), &params));
    QVERIFY(!SecretManagerKeyProvider::parseResourceName(QStringLiteral("secrets/b/versions/1"), &params));
}

void TestKeyProviders::secretManagerAgainstSandbox() {
    testsupport::SandboxProcess sandbox({QStringLiteral("--user"), QStringLiteral("ops@example.com")});
    QVERIFY2(sandbox.isRunning(), qPrintable(sandbox.errorString()));
    int status = 0;
    sandbox.control("PUT", QStringLiteral("/_sandbox/secrets/acme/gsa-master"),
                    {{QStringLiteral("data"), QString::fromLatin1(KeyBytes.toBase64())}}, &status);
    QCOMPARE(status, 200);
    const QString token = sandbox.accessToken(QStringLiteral("ops@example.com"));
    QVERIFY(!token.isEmpty());

    SecretManagerKeyProvider::Params params;
    params.baseUrl = sandbox.url();
    QVERIFY(SecretManagerKeyProvider::parseResourceName(QStringLiteral("projects/acme/secrets/gsa-master"),
                                                        &params));
    params.token = [token](QString *) -> std::optional<QString> { return token; };
    SecretManagerKeyProvider provider(params);
    QString error;
    const auto key = provider.currentKey(&error);
    QVERIFY2(key, qPrintable(error));
    QCOMPARE(QByteArray(reinterpret_cast<const char *>(key->data()), 32), KeyBytes);

    // A new version as base64 text; version 1 still answers with the first key.
    const QByteArray second(32, '\x42');
    sandbox.control("PUT", QStringLiteral("/_sandbox/secrets/acme/gsa-master"),
                    {{QStringLiteral("data"), QString::fromLatin1(second.toBase64().toBase64())}}, &status);
    QCOMPARE(status, 200);
    params.cacheFor = std::chrono::milliseconds(0);
    SecretManagerKeyProvider latest(params);
    QCOMPARE(QByteArray(reinterpret_cast<const char *>(latest.currentKey(&error)->data()), 32), second);
    params.version = QStringLiteral("1");
    SecretManagerKeyProvider first(params);
    QCOMPARE(QByteArray(reinterpret_cast<const char *>(first.currentKey(&error)->data()), 32), KeyBytes);

    // A refused token: Google's 401, reported without the token.
    params.token = [](QString *) -> std::optional<QString> { return QStringLiteral("ya29.not-issued"); };
    SecretManagerKeyProvider refused(params);
    QVERIFY(!refused.currentKey(&error));
    QVERIFY2(error.contains(QStringLiteral("HTTP 401")) && !error.contains(QStringLiteral("ya29")),
             qPrintable(error));
}

void TestKeyProviders::metadataServerToken() {
    QHttpServer server;
    int hits = 0;
    server.route(QStringLiteral("/computeMetadata/v1/instance/service-accounts/default/token"),
                 [&](const QHttpServerRequest &request) {
                     ++hits;
                     if (request.value("Metadata-Flavor") != "Google")
                         return QHttpServerResponse(QHttpServerResponder::StatusCode::Forbidden);
                     return QHttpServerResponse(
                         QJsonObject{{QStringLiteral("access_token"), QStringLiteral("ya29.meta")},
                                     {QStringLiteral("expires_in"), 3599},
                                     {QStringLiteral("token_type"), QStringLiteral("Bearer")}});
                 });
    const quint16 port = server.listen(QHostAddress::LocalHost);
    QVERIFY(port != 0);
    QString error;
    const auto token = SecretManagerKeyProvider::metadataServerToken(
        QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)))(&error);
    QVERIFY2(token, qPrintable(error));
    QCOMPARE(*token, QStringLiteral("ya29.meta"));
    QCOMPARE(hits, 1);
    // Nothing listening: a clear error that says what to do outside Google Cloud.
    QVERIFY(
        !SecretManagerKeyProvider::metadataServerToken(QUrl(QStringLiteral("http://127.0.0.1:1")))(&error));
    QVERIFY2(error.contains(QStringLiteral("GMAIL_SYNC_SECRET_MANAGER_TOKEN")), qPrintable(error));
}

void TestKeyProviders::secretManagerFromEnvironment() {
    qunsetenv("GMAIL_SYNC_SECRET_MANAGER_SECRET");
    QVERIFY(!SecretManagerKeyProvider::fromEnvironment());
    {
        ScopedEnv secret("GMAIL_SYNC_SECRET_MANAGER_SECRET", "projects/p/secrets/s/versions/3");
        ScopedEnv url("GMAIL_SYNC_SECRET_MANAGER_URL", "http://127.0.0.1:1");
        ScopedEnv token("GMAIL_SYNC_SECRET_MANAGER_TOKEN", "ya29.env");
        qunsetenv("GMAIL_SYNC_MASTER_KEY");
        qunsetenv("GMAIL_SYNC_KEY_FILE");
        auto chain = KeyProviderChain::standard(QString());
        QString error;
        QVERIFY(chain->active(&error));
        QCOMPARE(chain->description(),
                 QStringLiteral("Secret Manager secret projects/p/secrets/s/versions/3"));
        QVERIFY(!chain->currentKey(&error)); // nothing listens there
        QVERIFY2(error.contains(QStringLiteral("projects/p/secrets/s/versions/3")), qPrintable(error));
    }
    {
        ScopedEnv secret("GMAIL_SYNC_SECRET_MANAGER_SECRET", "my-secret");
        auto provider = SecretManagerKeyProvider::fromEnvironment();
        QVERIFY(provider && provider->isConfigured());
        QString error;
        QVERIFY(!provider->currentKey(&error));
        QVERIFY2(error.contains(QStringLiteral("projects/PROJECT/secrets/SECRET")), qPrintable(error));
    }
}

void TestKeyProviders::configuredOrder() {
    const QString path = m_dir.filePath(QStringLiteral("order.key"));
    QVERIFY(writeFile(path, KeyBytes.toBase64(), 0600));
    ScopedEnv env("GMAIL_SYNC_MASTER_KEY", QByteArray(32, 'e').toBase64());
    qunsetenv("GMAIL_SYNC_SECRET_MANAGER_SECRET");
    QString error;
    {
        // Default: the key file wins over the environment variable.
        qunsetenv("GMAIL_SYNC_KEY_SOURCES");
        const auto key = KeyProviderChain::standard(path)->currentKey(&error);
        QVERIFY2(key, qPrintable(error));
        QCOMPARE(QByteArray(reinterpret_cast<const char *>(key->data()), 32), KeyBytes);
    }
    {
        ScopedEnv order("GMAIL_SYNC_KEY_SOURCES", "env, key-file");
        const auto key = KeyProviderChain::standard(path)->currentKey(&error);
        QVERIFY2(key, qPrintable(error));
        QCOMPARE(QByteArray(reinterpret_cast<const char *>(key->data()), 32), QByteArray(32, 'e'));
    }
    {
        ScopedEnv order("GMAIL_SYNC_KEY_SOURCES", "key-file,vault9000");
        QVERIFY(!KeyProviderChain::standard(path)->currentKey(&error));
        QVERIFY2(error.contains(QStringLiteral("vault9000")), qPrintable(error));
    }
}

QTEST_GUILESS_MAIN(TestKeyProviders)
#include "TestKeyProviders.moc"
