#include "ConnectCommand.h"

#include "CliContext.h"
#include "auth/CredentialStore.h"
#include "auth/OAuthLoopbackFlow.h"
#include "crypto/KeyProviderChain.h"
#include "db/Database.h"
#include "db/TenantRepository.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTimer>

#include <atomic>
#include <csignal>

namespace cli {

namespace {

std::atomic_bool s_interrupted{false};

extern "C" void onConnectInterrupt(int) {
    s_interrupted = true;
}

} // namespace

int ConnectCommand::run(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    const QCommandLineOption clientId(QStringLiteral("client-id"),
                                      QStringLiteral("OAuth client id (installed app)."),
                                      QStringLiteral("ID"));
    const QCommandLineOption clientSecret(QStringLiteral("client-secret"),
                                          QStringLiteral("OAuth client secret of the installed app."),
                                          QStringLiteral("SECRET"));
    const QCommandLineOption timeout(QStringLiteral("timeout"),
                                     QStringLiteral("Give up after this many seconds (default 300)."),
                                     QStringLiteral("SECONDS"), QStringLiteral("300"));
    const QCommandLineOption noBrowser(QStringLiteral("no-browser"),
                                       QStringLiteral("Only print the address; do not start a browser."));
    parser.addOptions({clientId, clientSecret, timeout, noBrowser});
    if (const int rc = parse(context, parser, args, 1, 1); rc >= 0)
        return rc;
    const QString tenantId = parser.positionalArguments().constFirst();
    if (!db::TenantRepository::isValidId(tenantId))
        return context.usageError(QStringLiteral("\"%1\" is not a valid tenant id").arg(tenantId), usage());
    if (parser.value(clientId).isEmpty())
        return context.usageError(QStringLiteral("--client-id is required"), usage());
    bool ok = false;
    const int timeoutSeconds = parser.value(timeout).toInt(&ok);
    if (!ok || timeoutSeconds < 1)
        return context.usageError(QStringLiteral("--timeout takes a positive number of seconds"), usage());

    QString error;
    if (!context.openDatabase(&error))
        return context.fail(error);
    db::TenantRepository tenants(db::Database::connection());
    const auto tenant = tenants.find(tenantId);
    if (!tenant && !tenants.isNotFound())
        return context.fail(tenants.errorString());
    // The vault first: a missing master key should stop us before the user goes through consent.
    auto providers = crypto::KeyProviderChain::standard(context.options().keyFile);
    const auto vault = providers->vault({}, &error);
    if (!vault)
        return context.fail(QStringLiteral("no master key for the credentials vault: %1").arg(error));

    auth::OAuthLoopbackFlow::Params params;
    params.authorizationUrl = QUrl(context.options().oauthAuthUrl);
    params.tokenUrl = QUrl(context.options().oauthTokenUrl);
    params.gmailApiUrl = QUrl(context.options().gmailApiUrl);
    params.clientId = parser.value(clientId);
    params.clientSecret = parser.value(clientSecret);
    params.timeoutSeconds = timeoutSeconds;
    if (tenant)
        params.loginHint = tenant->gmailAddress;
    auth::OAuthLoopbackFlow flow(params);

    QEventLoop loop;
    int exitCode = ExitFailure;
    QObject::connect(&flow, &auth::OAuthLoopbackFlow::authorizationUrlReady, &loop, [&](const QUrl &url) {
        context.err() << "Open this address in a browser to connect tenant " << tenantId << ":" << Qt::endl
                      << url.toString(QUrl::FullyEncoded) << Qt::endl
                      << "Waiting for the browser (up to " << timeoutSeconds << " s; Ctrl-C to cancel)..."
                      << Qt::endl;
        if (!parser.isSet(noBrowser)) {
            // QDesktopServices needs QtGui; xdg-open does the same on a desktop and honours $BROWSER.
            QProcess::startDetached(QStringLiteral("xdg-open"), {url.toString(QUrl::FullyEncoded)});
        }
    });
    QObject::connect(&flow, &auth::OAuthLoopbackFlow::failed, &loop, [&](const QString &message, bool) {
        exitCode = context.fail(QStringLiteral("connect %1: %2").arg(tenantId, message));
        loop.quit();
    });
    QObject::connect(
        &flow, &auth::OAuthLoopbackFlow::succeeded, &loop,
        [&](const auth::OAuthLoopbackFlow::Result &result) {
            exitCode = [&]() -> int {
                if (tenant && tenant->gmailAddress.compare(result.email, Qt::CaseInsensitive) != 0)
                    return context.fail(QStringLiteral("the browser signed in as %1, but tenant %2 is %3; "
                                                       "nothing was stored")
                                            .arg(result.email, tenantId, tenant->gmailAddress));
                if (!tenant) {
                    db::Tenant fresh;
                    fresh.id = tenantId;
                    fresh.displayName = tenantId;
                    fresh.gmailAddress = result.email;
                    if (!tenants.add(fresh))
                        return context.fail(tenants.errorString());
                }
                QJsonObject keys{
                    {QStringLiteral("clientId"), params.clientId},
                    {QStringLiteral("clientSecret"), params.clientSecret},
                    {QStringLiteral("refreshToken"), result.refreshToken},
                    {QStringLiteral("accessToken"), result.accessToken},
                    {QStringLiteral("expiresAt"), result.accessTokenExpiresAt.toString(Qt::ISODate)}};
                auth::CredentialStore store(*vault, db::Database::connection());
                if (!store.store(tenantId, auth::CredentialStore::AuthType::OAuth,
                                 QJsonDocument(keys).toJson(QJsonDocument::Compact)))
                    return context.fail(store.errorString());
                context.out() << "connected tenant " << tenantId << " to " << result.email
                              << " (refresh token sealed with master key " << vault->currentKeyId() << ")"
                              << Qt::endl;
                return ExitSuccess;
            }();
            loop.quit();
        });

    s_interrupted = false;
    std::signal(SIGINT, onConnectInterrupt);
    std::signal(SIGTERM, onConnectInterrupt);
    QTimer interruptPoll;
    QObject::connect(&interruptPoll, &QTimer::timeout, &loop, [&] {
        if (s_interrupted)
            flow.cancel();
    });
    interruptPoll.start(200);
    // Started from the loop: a failure to listen must not quit the loop before it runs.
    QTimer::singleShot(0, &flow, &auth::OAuthLoopbackFlow::start);
    loop.exec();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    return exitCode;
}

} // namespace cli

GSA_REGISTER_COMMAND(cli::ConnectCommand)
