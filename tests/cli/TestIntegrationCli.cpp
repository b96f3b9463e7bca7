#include "TestDatabase.h"
#include "auth/Jwt.h"
#include "crypto/MasterKey.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

#include <memory>

// `gmail-sync integration …` and `keys rotate` through the real binary, against a real database.
class TestIntegrationCli final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void setFromStdinAndShowJsonWithoutSecrets();
    void serviceAccountFromFile();
    void malformedKeysFailNamingTheField_data();
    void malformedKeysFailNamingTheField();
    void deactivate();
    void looseKeyFileIsRefused();
    void rotateWithKeyFiles();
    void rotateNeedsNewKeyFileForEnvKey();
    void rotateKilledBeforeCommitLosesNothing();
    void keychainIsTheDefaultSource();

private:
    struct Result {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };
    Result run(const QStringList &args, const QByteArray &stdinData = {}, const QStringList &extraEnv = {});
    // Runs gmail-sync inside tests/support/with-keyring.sh (a private D-Bus session with gnome-keyring
    // whose keyring file lives under this test's HOME, so it persists from one run to the next).
    Result runWithKeyring(const QStringList &args, const QByteArray &stdinData = {});
    bool m_keyring = false;
    QString writeKeyFile(const QString &name, const QByteArray &key, int mode);
    QByteArray oauthJson() const;

    QString m_binary;
    QByteArray m_masterKey;
    QByteArray m_privateKeyPem;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<testsupport::TestDatabase> m_testDb;
};

namespace {
const QByteArray RefreshToken = "1//0gCliRefreshTokenSecret-zyxwvutsrq";
const QByteArray ClientSecret = "GOCSPX-CliClientSecret123";
const QByteArray AccessToken = "ya29.CliAccessTokenSecret456";
} // namespace

void TestIntegrationCli::initTestCase() {
    m_binary = qEnvironmentVariable("GSA_BIN_DIR") + QStringLiteral("/gmail-sync");
    QVERIFY2(QFile::exists(m_binary), qPrintable(m_binary));
    m_masterKey = QByteArray(32, '\x5a');
    QString error;
    const auto pem = auth::Jwt::generateRsaPrivateKeyPem(2048, &error);
    QVERIFY2(pem, qPrintable(error));
    m_privateKeyPem = *pem;
}

void TestIntegrationCli::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_testDb = std::make_unique<testsupport::TestDatabase>();
    QVERIFY2(m_testDb->isValid(), qPrintable(m_testDb->errorString()));
    const Result added = run({QStringLiteral("tenant"), QStringLiteral("add"), QStringLiteral("acme"),
                              QStringLiteral("--email"), QStringLiteral("acme@example.com")});
    QVERIFY2(added.exitCode == 0, added.err.constData());
}

void TestIntegrationCli::cleanup() {
    m_testDb.reset();
    m_dir.reset();
}

TestIntegrationCli::Result TestIntegrationCli::run(const QStringList &args, const QByteArray &stdinData,
                                                   const QStringList &extraEnv) {
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &name : env.keys()) {
        if (name.startsWith(QLatin1String("GMAIL_SYNC_")))
            env.remove(name);
    }
    // No keychain reachable unless a test asks for one: a stray user keyring must not be used.
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QStringLiteral("unix:path=/nonexistent/gsa"));
    env.insert(QStringLiteral("GMAIL_SYNC_MASTER_KEY"), QString::fromLatin1(m_masterKey.toBase64()));
    for (const QString &entry : extraEnv) {
        const QString name = entry.section(QLatin1Char('='), 0, 0);
        const QString value = entry.section(QLatin1Char('='), 1);
        if (value.isEmpty())
            env.remove(name);
        else
            env.insert(name, value);
    }
    if (m_keyring) {
        env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
        env.remove(QStringLiteral("GMAIL_SYNC_MASTER_KEY"));
        env.insert(QStringLiteral("HOME"), m_dir->filePath(QStringLiteral("home")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir->filePath(QStringLiteral("home/.local/share")));
    }
    process.setProcessEnvironment(env);
    const QStringList fullArgs = QStringList{QStringLiteral("--database"), m_testDb->url()} + args;
    if (m_keyring)
        process.start(qEnvironmentVariable("GSA_SOURCE_DIR") +
                          QStringLiteral("/tests/support/with-keyring.sh"),
                      QStringList{m_binary} + fullArgs);
    else
        process.start(m_binary, fullArgs);
    if (!process.waitForStarted(10000))
        return {};
    process.write(stdinData);
    process.closeWriteChannel();
    if (!process.waitForFinished(60000))
        return {};
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            process.readAllStandardOutput(), process.readAllStandardError()};
}

TestIntegrationCli::Result TestIntegrationCli::runWithKeyring(const QStringList &args,
                                                              const QByteArray &stdinData) {
    m_keyring = true;
    Result result = run(args, stdinData);
    m_keyring = false;
    return result;
}

QString TestIntegrationCli::writeKeyFile(const QString &name, const QByteArray &key, int mode) {
    const QString path = m_dir->filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(key.toBase64()) < 0)
        return {};
    file.close();
    ::chmod(QFile::encodeName(path).constData(), mode_t(mode));
    return path;
}

QByteArray TestIntegrationCli::oauthJson() const {
    return "{\"clientId\":\"42-cli.apps.googleusercontent.com\",\"clientSecret\":\"" + ClientSecret +
           "\",\"refreshToken\":\"" + RefreshToken + "\",\"accessToken\":\"" + AccessToken +
           "\",\"expiresAt\":\"2031-05-06T07:08:09Z\"}";
}

void TestIntegrationCli::setFromStdinAndShowJsonWithoutSecrets() {
    const Result set = run({QStringLiteral("integration"), QStringLiteral("set"), QStringLiteral("acme"),
                            QStringLiteral("--auth"), QStringLiteral("oauth"), QStringLiteral("--keys-file"),
                            QStringLiteral("-")},
                           oauthJson());
    QVERIFY2(set.exitCode == 0, set.err.constData());
    const QString keyId =
        crypto::MasterKey::idFor(reinterpret_cast<const unsigned char *>(m_masterKey.constData()));
    QVERIFY2(set.out.contains(keyId.toLatin1()), set.out.constData());

    const Result show = run({QStringLiteral("integration"), QStringLiteral("show"), QStringLiteral("acme"),
                             QStringLiteral("--json")});
    QVERIFY2(show.exitCode == 0, show.err.constData());
    QJsonParseError parseError;
    const QJsonObject json = QJsonDocument::fromJson(show.out, &parseError).object();
    QVERIFY2(parseError.error == QJsonParseError::NoError, show.out.constData());
    QCOMPARE(json.value(QStringLiteral("tenantId")).toString(), QStringLiteral("acme"));
    QCOMPARE(json.value(QStringLiteral("status")).toString(), QStringLiteral("active"));
    QCOMPARE(json.value(QStringLiteral("authType")).toString(), QStringLiteral("oauth"));
    QCOMPARE(json.value(QStringLiteral("keyId")).toString(), keyId);
    QCOMPARE(json.value(QStringLiteral("clientId")).toString(),
             QStringLiteral("42-cli.apps.googleusercontent.com"));
    QVERIFY(json.value(QStringLiteral("tokenExpiresAt")).toString().startsWith(QStringLiteral("2031-05-06")));
    QVERIFY(json.value(QStringLiteral("lastUsedAt")).isNull());
    for (const QByteArray &secret : {RefreshToken, ClientSecret, AccessToken}) {
        QVERIFY(!show.out.contains(secret) && !show.err.contains(secret));
        QVERIFY(!set.out.contains(secret) && !set.err.contains(secret));
    }
    // The plain-text form holds no secret either.
    const Result text = run({QStringLiteral("integration"), QStringLiteral("show"), QStringLiteral("acme")});
    QVERIFY2(text.exitCode == 0, text.err.constData());
    QVERIFY(text.out.contains("status:        active"));
    for (const QByteArray &secret : {RefreshToken, ClientSecret, AccessToken})
        QVERIFY(!text.out.contains(secret));
}

void TestIntegrationCli::serviceAccountFromFile() {
    const QJsonObject sa{
        {QStringLiteral("type"), QStringLiteral("service_account")},
        {QStringLiteral("project_id"), QStringLiteral("acme")},
        {QStringLiteral("private_key"), QString::fromLatin1(m_privateKeyPem)},
        {QStringLiteral("client_email"), QStringLiteral("sync@acme.iam.gserviceaccount.com")},
        {QStringLiteral("token_uri"), QStringLiteral("https://oauth2.googleapis.com/token")}};
    const QString path = m_dir->filePath(QStringLiteral("sa.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QJsonDocument(sa).toJson());
    file.close();
    const Result set = run({QStringLiteral("integration"), QStringLiteral("set"), QStringLiteral("acme"),
                            QStringLiteral("--auth"), QStringLiteral("service-account"),
                            QStringLiteral("--keys-file"), path});
    QVERIFY2(set.exitCode == 0, set.err.constData());
    const Result show = run({QStringLiteral("integration"), QStringLiteral("show"), QStringLiteral("acme"),
                             QStringLiteral("--json")});
    QVERIFY2(show.exitCode == 0, show.err.constData());
    const QJsonObject json = QJsonDocument::fromJson(show.out).object();
    QCOMPARE(json.value(QStringLiteral("authType")).toString(), QStringLiteral("service_account"));
    QCOMPARE(json.value(QStringLiteral("clientEmail")).toString(),
             QStringLiteral("sync@acme.iam.gserviceaccount.com"));
    QCOMPARE(json.value(QStringLiteral("subject")).toString(), QStringLiteral("acme@example.com"));
    QVERIFY(!show.out.contains("PRIVATE KEY"));
    for (const QByteArray &line : m_privateKeyPem.split('\n')) {
        if (!line.isEmpty() && !line.startsWith("-----"))
            QVERIFY(!show.out.contains(line));
    }
}

void TestIntegrationCli::malformedKeysFailNamingTheField_data() {
    QTest::addColumn<QString>("auth");
    QTest::addColumn<QByteArray>("keys");
    QTest::addColumn<QString>("expected");
    QTest::newRow("not JSON") << "oauth" << QByteArray("{\"clientId\": ") << "keys JSON is malformed";
    QTest::newRow("no refreshToken") << "oauth"
                                     << QByteArray("{\"clientId\":\"a\",\"clientSecret\":\"" + ClientSecret +
                                                   "\"}")
                                     << "missing field \"refreshToken\"";
    QTest::newRow("no clientSecret") << "oauth"
                                     << QByteArray("{\"clientId\":\"a\",\"refreshToken\":\"" + RefreshToken +
                                                   "\"}")
                                     << "missing field \"clientSecret\"";
    QTest::newRow("wrong type") << "service-account" << QByteArray("{\"type\":\"authorized_user\"}")
                                << "field \"type\" must be \"service_account\"";
    QTest::newRow("bad private_key")
        << "service-account"
        << QByteArray(
               "{\"type\":\"service_account\",\"client_email\":\"a@b.c\",\"token_uri\":\"https://t\","
               "\"private_key\":\"-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----\\n\"}")
        << "field \"private_key\"";
    QTest::newRow("plain http token_uri")
        << "service-account"
        << QByteArray("{\"type\":\"service_account\",\"client_email\":\"a@b.c\","
                      "\"token_uri\":\"http://oauth2.example.com/token\",\"private_key\":\"x\"}")
        << "must be an https URL";
    QTest::newRow("empty stdin") << "oauth" << QByteArray() << "no keys JSON on stdin";
}

void TestIntegrationCli::malformedKeysFailNamingTheField() {
    QFETCH(QString, auth);
    QFETCH(QByteArray, keys);
    QFETCH(QString, expected);
    const Result set =
        run({QStringLiteral("integration"), QStringLiteral("set"), QStringLiteral("acme"),
             QStringLiteral("--auth"), auth, QStringLiteral("--keys-file"), QStringLiteral("-")},
            keys);
    QCOMPARE(set.exitCode, 1);
    QVERIFY2(set.err.contains(expected.toUtf8()), set.err.constData());
    QVERIFY(!set.err.contains(RefreshToken) && !set.err.contains(ClientSecret));
    // Nothing was stored.
    const Result show = run({QStringLiteral("integration"), QStringLiteral("show"), QStringLiteral("acme")});
    QCOMPARE(show.exitCode, 1);
    QVERIFY2(show.err.contains("no gmail integration"), show.err.constData());
}

void TestIntegrationCli::deactivate() {
    QCOMPARE(run({QStringLiteral("integration"), QStringLiteral("set"), QStringLiteral("acme"),
                  QStringLiteral("--auth"), QStringLiteral("oauth"), QStringLiteral("--keys-file"),
                  QStringLiteral("-")},
                 oauthJson())
                 .exitCode,
             0);
    const Result off =
        run({QStringLiteral("integration"), QStringLiteral("deactivate"), QStringLiteral("acme")});
    QVERIFY2(off.exitCode == 0, off.err.constData());
    const Result show = run({QStringLiteral("integration"), QStringLiteral("show"), QStringLiteral("acme"),
                             QStringLiteral("--json")});
    const QJsonObject json = QJsonDocument::fromJson(show.out).object();
    QCOMPARE(json.value(QStringLiteral("status")).toString(), QStringLiteral("inactive"));
    QVERIFY(json.value(QStringLiteral("statusReason")).toString().contains(QStringLiteral("deactivated")));
    const Result missing =
        run({QStringLiteral("integration"), QStringLiteral("deactivate"), QStringLiteral("nobody")});
    QCOMPARE(missing.exitCode, 1);
}

void TestIntegrationCli::looseKeyFileIsRefused() {
    const QString path = writeKeyFile(QStringLiteral("loose.key"), m_masterKey, 0644);
    QVERIFY(!path.isEmpty());
    const Result set = run({QStringLiteral("--key-file"), path, QStringLiteral("integration"),
                            QStringLiteral("set"), QStringLiteral("acme"), QStringLiteral("--auth"),
                            QStringLiteral("oauth"), QStringLiteral("--keys-file"), QStringLiteral("-")},
                           oauthJson());
    QCOMPARE(set.exitCode, 1);
    QVERIFY2(set.err.contains("group or others") && set.err.contains("chmod 600"), set.err.constData());
}

void TestIntegrationCli::rotateWithKeyFiles() {
    const QString oldKeyFile = writeKeyFile(QStringLiteral("old.key"), QByteArray(32, '\x01'), 0600);
    const QStringList useOld{QStringLiteral("GMAIL_SYNC_MASTER_KEY="),
                             QStringLiteral("GMAIL_SYNC_KEY_FILE=") + oldKeyFile};
    QCOMPARE(run({QStringLiteral("tenant"), QStringLiteral("add"), QStringLiteral("beta"),
                  QStringLiteral("--email"), QStringLiteral("beta@example.com")})
                 .exitCode,
             0);
    for (const QString &tenant : {QStringLiteral("acme"), QStringLiteral("beta")}) {
        const Result set =
            run({QStringLiteral("integration"), QStringLiteral("set"), tenant, QStringLiteral("--auth"),
                 QStringLiteral("oauth"), QStringLiteral("--keys-file"), QStringLiteral("-")},
                oauthJson(), useOld);
        QVERIFY2(set.exitCode == 0, set.err.constData());
    }
    const QString newKeyFile = m_dir->filePath(QStringLiteral("new.key"));
    const Result rotate =
        run({QStringLiteral("keys"), QStringLiteral("rotate"), QStringLiteral("--new-key-file"), newKeyFile},
            {}, useOld);
    QVERIFY2(rotate.exitCode == 0, rotate.err.constData());
    QVERIFY2(rotate.out.contains("re-sealed 2 integration(s)"), rotate.out.constData());
    struct stat st {};
    QCOMPARE(::stat(QFile::encodeName(newKeyFile).constData(), &st), 0);
    QCOMPARE(int(st.st_mode & 0777), 0600);

    // Readable with the new key; the old key alone no longer opens them.
    const QStringList useNew{QStringLiteral("GMAIL_SYNC_MASTER_KEY="),
                             QStringLiteral("GMAIL_SYNC_KEY_FILE=") + newKeyFile};
    for (const QString &tenant : {QStringLiteral("acme"), QStringLiteral("beta")}) {
        const Result show =
            run({QStringLiteral("integration"), QStringLiteral("show"), tenant, QStringLiteral("--json")}, {},
                useNew);
        QVERIFY2(show.exitCode == 0 && show.err.isEmpty(), show.err.constData());
        const QJsonObject json = QJsonDocument::fromJson(show.out).object();
        QVERIFY(json.value(QStringLiteral("keyId")).toString() !=
                crypto::MasterKey::idFor(
                    reinterpret_cast<const unsigned char *>(QByteArray(32, '\x01').constData())));
        QCOMPARE(json.value(QStringLiteral("clientId")).toString(),
                 QStringLiteral("42-cli.apps.googleusercontent.com"));
        const Result stale = run({QStringLiteral("integration"), QStringLiteral("show"), tenant}, {}, useOld);
        QVERIFY2(stale.err.contains("warning"), stale.err.constData());
    }
    // Rotating again onto the same key is refused; nothing changes.
    const Result again =
        run({QStringLiteral("keys"), QStringLiteral("rotate"), QStringLiteral("--new-key-file"), newKeyFile},
            {}, useNew);
    QCOMPARE(again.exitCode, 1);
    QVERIFY2(again.err.contains("is the current key"), again.err.constData());
}

void TestIntegrationCli::rotateKilledBeforeCommitLosesNothing() {
    // `keys rotate` killed after the new key file is written, before the re-sealed rows commit: the key
    // file is whole (and was fsynced), the rows still open with the old key, and a second rotate onto
    // the same file finishes the job. No credential is lost at any point.
    const QString oldKeyFile = writeKeyFile(QStringLiteral("old.key"), QByteArray(32, '\x03'), 0600);
    const QStringList useOld{QStringLiteral("GMAIL_SYNC_MASTER_KEY="),
                             QStringLiteral("GMAIL_SYNC_KEY_FILE=") + oldKeyFile};
    const Result set = run({QStringLiteral("integration"), QStringLiteral("set"), QStringLiteral("acme"),
                            QStringLiteral("--auth"), QStringLiteral("oauth"), QStringLiteral("--keys-file"),
                            QStringLiteral("-")},
                           oauthJson(), useOld);
    QVERIFY2(set.exitCode == 0, set.err.constData());
    const QString newKeyFile = m_dir->filePath(QStringLiteral("new.key"));
    const Result killed =
        run({QStringLiteral("keys"), QStringLiteral("rotate"), QStringLiteral("--new-key-file"), newKeyFile},
            {}, useOld + QStringList{QStringLiteral("GMAIL_SYNC_FAULT_INJECT=kill-after-key-write")});
    QCOMPARE(killed.exitCode, -1); // died by SIGKILL
    QVERIFY(QFile::exists(newKeyFile));
    QCOMPARE(QDir(m_dir->path()).entryList({QStringLiteral("new.key.tmp-*")}, QDir::Files).size(), 0);
    QFile keyFile(newKeyFile);
    QVERIFY(keyFile.open(QIODevice::ReadOnly));
    QCOMPARE(QByteArray::fromBase64(keyFile.readAll().trimmed()).size(), 32); // whole

    const Result stillOld = run({QStringLiteral("integration"), QStringLiteral("show"),
                                 QStringLiteral("acme"), QStringLiteral("--json")},
                                {}, useOld);
    QVERIFY2(stillOld.exitCode == 0 && stillOld.err.isEmpty(), stillOld.err.constData());
    QCOMPARE(QJsonDocument::fromJson(stillOld.out).object().value(QStringLiteral("clientId")).toString(),
             QStringLiteral("42-cli.apps.googleusercontent.com"));

    const Result finish =
        run({QStringLiteral("keys"), QStringLiteral("rotate"), QStringLiteral("--new-key-file"), newKeyFile},
            {}, useOld);
    QVERIFY2(finish.exitCode == 0, finish.err.constData());
    QVERIFY2(finish.out.contains("re-sealed 1 integration(s)"), finish.out.constData());
    const Result withNew = run(
        {QStringLiteral("integration"), QStringLiteral("show"), QStringLiteral("acme"),
         QStringLiteral("--json")},
        {}, {QStringLiteral("GMAIL_SYNC_MASTER_KEY="), QStringLiteral("GMAIL_SYNC_KEY_FILE=") + newKeyFile});
    QVERIFY2(withNew.exitCode == 0 && withNew.err.isEmpty(), withNew.err.constData());
}

void TestIntegrationCli::rotateNeedsNewKeyFileForEnvKey() {
    const Result rotate = run({QStringLiteral("keys"), QStringLiteral("rotate")});
    QCOMPARE(rotate.exitCode, 2);
    QVERIFY2(rotate.err.contains("--new-key-file") && rotate.err.contains("GMAIL_SYNC_MASTER_KEY"),
             rotate.err.constData());
}

void TestIntegrationCli::keychainIsTheDefaultSource() {
    QVERIFY(QDir().mkpath(m_dir->filePath(QStringLiteral("home/.local/share"))));
    const Result set =
        runWithKeyring({QStringLiteral("integration"), QStringLiteral("set"), QStringLiteral("acme"),
                        QStringLiteral("--auth"), QStringLiteral("oauth"), QStringLiteral("--keys-file"),
                        QStringLiteral("-")},
                       oauthJson());
    QVERIFY2(set.exitCode == 0, set.err.constData());
    const qsizetype at = set.out.indexOf("master key ");
    QVERIFY(at > 0);
    const QString firstKey = QString::fromLatin1(set.out.mid(at + 11, 8));

    // A later run (new D-Bus session, same keyring file) finds the same key and opens the keys.
    Result show = runWithKeyring({QStringLiteral("integration"), QStringLiteral("show"),
                                  QStringLiteral("acme"), QStringLiteral("--json")});
    QVERIFY2(show.exitCode == 0 && !show.err.contains("warning"), show.err.constData());
    QJsonObject json = QJsonDocument::fromJson(show.out).object();
    QCOMPARE(json.value(QStringLiteral("keyId")).toString(), firstKey);
    QCOMPARE(json.value(QStringLiteral("clientId")).toString(),
             QStringLiteral("42-cli.apps.googleusercontent.com"));

    const Result rotate = runWithKeyring({QStringLiteral("keys"), QStringLiteral("rotate")});
    QVERIFY2(rotate.exitCode == 0, rotate.err.constData());
    QVERIFY2(rotate.out.contains("re-sealed 1 integration(s)") && rotate.out.contains("keychain now holds"),
             rotate.out.constData());

    show = runWithKeyring({QStringLiteral("integration"), QStringLiteral("show"), QStringLiteral("acme"),
                           QStringLiteral("--json")});
    QVERIFY2(show.exitCode == 0 && !show.err.contains("warning"), show.err.constData());
    json = QJsonDocument::fromJson(show.out).object();
    QVERIFY(json.value(QStringLiteral("keyId")).toString() != firstKey);
    QCOMPARE(json.value(QStringLiteral("clientId")).toString(),
             QStringLiteral("42-cli.apps.googleusercontent.com"));
}

QTEST_GUILESS_MAIN(TestIntegrationCli)
#include "TestIntegrationCli.moc"
