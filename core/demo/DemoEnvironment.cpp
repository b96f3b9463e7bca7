#include "DemoEnvironment.h"

#include "auth/CredentialJson.h"
#include "auth/CredentialStore.h"
#include "auth/TokenManager.h"
#include "crypto/KeyFileProvider.h"
#include "crypto/KeyProviderChain.h"
#include "crypto/MasterKey.h"
#include "crypto/Vault.h"
#include "db/Database.h"
#include "db/TenantRepository.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QStandardPaths>
#include <QTimer>

#include <map>
#include <mutex>

namespace demo {

DemoEnvironment::DemoEnvironment(Options options)
    : m_options(std::move(options)) {}

DemoEnvironment::~DemoEnvironment() {
    if (m_sandbox.state() != QProcess::NotRunning) {
        m_sandbox.terminate(); // SIGTERM: the sandbox exits cleanly
        if (!m_sandbox.waitForFinished(5000)) {
            m_sandbox.kill();
            m_sandbox.waitForFinished(2000);
        }
    }
}

bool DemoEnvironment::fail(const QString &message) {
    m_error = message;
    return false;
}

QUrl DemoEnvironment::tokenUrl() const {
    QUrl url = m_url;
    url.setPath(QStringLiteral("/token"));
    return url;
}

bool DemoEnvironment::startSandbox(int timeoutMs) {
    QString program = m_options.sandboxProgram;
    if (program.isEmpty())
        program = QCoreApplication::applicationDirPath() + QStringLiteral("/gmail-sandbox");
    if (!QFileInfo(program).isExecutable())
        return fail(
            QStringLiteral("the Gmail API sandbox was not found at %1 (build the gmail-sandbox target)")
                .arg(program));
    m_sandbox.setProgram(program);
    m_sandbox.setArguments(
        {QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--user"), m_options.email,
         QStringLiteral("--generate"), QString::number(m_options.messages), QStringLiteral("--days"),
         QString::number(m_options.days), QStringLiteral("--seed"), QString::number(m_options.seed)});
    m_sandbox.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_sandbox.start(QIODevice::ReadOnly);
    if (!m_sandbox.waitForStarted(10000))
        return fail(QStringLiteral("cannot start %1: %2").arg(program, m_sandbox.errorString()));

    // The sandbox prints exactly one line, {"url": "..."}, once it listens.
    QElapsedTimer clock;
    clock.start();
    while (!m_sandbox.canReadLine()) {
        if (m_sandbox.state() == QProcess::NotRunning)
            return fail(QStringLiteral("the Gmail API sandbox exited before it was ready (exit code %1)")
                            .arg(m_sandbox.exitCode()));
        const qint64 left = timeoutMs - clock.elapsed();
        if (left <= 0)
            return fail(QStringLiteral("the Gmail API sandbox did not become ready within %1 s")
                            .arg(timeoutMs / 1000));
        m_sandbox.waitForReadyRead(int(qMin<qint64>(left, 1000)));
    }
    const QJsonObject ready = QJsonDocument::fromJson(m_sandbox.readLine()).object();
    m_url = QUrl(ready.value(QLatin1String("url")).toString());
    if (!m_url.isValid() || m_url.isEmpty())
        return fail(QStringLiteral("the Gmail API sandbox printed no URL"));
    return true;
}

bool DemoEnvironment::prepareKeyFile() {
    m_keyFile = m_options.keyFile;
    if (m_keyFile.isEmpty())
        m_keyFile = qEnvironmentVariable(crypto::KeyFileProvider::VariableName);
    if (!m_keyFile.isEmpty() || qEnvironmentVariableIsSet("GMAIL_SYNC_MASTER_KEY"))
        return true;
    // No master key configured: the demo keeps its own key file (mode 0600) beside its data, so that it
    // runs on a headless machine with no keychain. Real installations choose a provider in Settings.
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
    if (!QDir().mkpath(dir))
        return fail(QStringLiteral("cannot create %1").arg(dir));
    m_keyFile = dir + QStringLiteral("/demo-master.key");
    if (QFileInfo::exists(m_keyFile))
        return true;
    QString error;
    const auto key = crypto::MasterKey::generate(&error);
    if (!key || !crypto::KeyFileProvider::writeKeyFile(m_keyFile, *key, &error))
        return fail(QStringLiteral("cannot create the demo master key: %1").arg(error));
    return true;
}

std::optional<QString> DemoEnvironment::grantRefreshToken() {
    // The sandbox's control shortcut for a consent the user would give in the browser (see
    // app/sandbox/README.md); the OAuth browser flow itself is `gmail-sync connect`.
    QNetworkAccessManager network;
    QUrl url = m_url;
    url.setPath(QStringLiteral("/_sandbox/oauth/refresh-tokens"));
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setTransferTimeout(30000);
    const QJsonObject body{
        {QStringLiteral("email"), m_options.email},
        {QStringLiteral("clientId"), m_options.oauthClientId},
        {QStringLiteral("scopes"), QStringLiteral("https://www.googleapis.com/auth/gmail.readonly")}};
    std::unique_ptr<QNetworkReply> reply(
        network.post(request, QJsonDocument(body).toJson(QJsonDocument::Compact)));
    QEventLoop loop;
    QObject::connect(reply.get(), &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const QString token =
        QJsonDocument::fromJson(reply->readAll()).object().value(QLatin1String("refresh_token")).toString();
    if (reply->error() != QNetworkReply::NoError || token.isEmpty()) {
        fail(QStringLiteral("the sandbox granted no refresh token: %1").arg(reply->errorString()));
        return std::nullopt;
    }
    return token;
}

bool DemoEnvironment::connectTenant() {
    db::TenantRepository tenants(db::Database::connection());
    const auto existing = tenants.find(m_options.tenantId);
    if (!existing) {
        if (!tenants.isNotFound())
            return fail(tenants.errorString());
        db::Tenant tenant;
        tenant.id = m_options.tenantId;
        tenant.displayName = m_options.displayName;
        tenant.gmailAddress = m_options.email;
        if (!tenants.add(tenant))
            return fail(tenants.errorString());
    } else if (existing->gmailAddress.compare(m_options.email, Qt::CaseInsensitive) != 0) {
        return fail(QStringLiteral("tenant \"%1\" exists with another address (%2)")
                        .arg(m_options.tenantId, existing->gmailAddress));
    }

    if (!prepareKeyFile())
        return false;
    QString error;
    auto chain = crypto::KeyProviderChain::standard(m_keyFile);
    auto vault = chain->vault({}, &error);
    if (!vault)
        return fail(QStringLiteral("no master key for the credentials vault: %1").arg(error));
    m_vault = std::make_shared<crypto::Vault>(std::move(*vault));

    const auto refreshToken = grantRefreshToken();
    if (!refreshToken)
        return false;
    auth::CredentialJson::OAuthKeys keys;
    keys.clientId = m_options.oauthClientId;
    keys.clientSecret = QStringLiteral("demo-client-secret");
    keys.refreshToken = *refreshToken;
    auth::CredentialStore store(*m_vault, db::Database::connection());
    if (!store.store(m_options.tenantId, auth::CredentialStore::AuthType::OAuth,
                     auth::CredentialJson::oauth(keys)))
        return fail(store.errorString());
    return true;
}

syncengine::SyncOptions DemoEnvironment::syncOptions(syncengine::SyncOptions base) const {
    base.gmailApiUrl = m_url;
    // The demo's sandbox charges the legacy costs (no --quota-profile): pace to match it.
    base.quotaProfile = *gmail::QuotaProfile::fromName(gmail::QuotaProfile::Legacy);
    // One TokenManager per tenant, shared by every worker thread: one refresh in flight per tenant.
    struct Managers {
        std::mutex mutex;
        std::map<QString, std::shared_ptr<auth::TokenManager>> byTenant;
    };
    auto managers = std::make_shared<Managers>();
    const QUrl tokenEndpoint = tokenUrl();
    const std::shared_ptr<crypto::Vault> vault = m_vault;
    base.tokenProviderFactory = [managers, tokenEndpoint, vault](
                                    const QString &tenantId) -> std::shared_ptr<common::AccessTokenProvider> {
        std::lock_guard lock(managers->mutex);
        auto &manager = managers->byTenant[tenantId];
        if (!manager) {
            auth::TokenManager::Params params;
            params.tenantId = tenantId;
            params.oauthTokenUrl = tokenEndpoint;
            // The manager keeps a reference to the vault; the lambda's copy keeps the vault alive.
            manager = std::shared_ptr<auth::TokenManager>(new auth::TokenManager(params, *vault),
                                                          [vault](auth::TokenManager *m) { delete m; });
        }
        return manager;
    };
    return base;
}

} // namespace demo
