#include "ConnectCommand.h"

#include "CliContext.h"
#include "InterruptGuard.h"
#include "auth/OAuthLoopbackFlow.h"
#include "db/TenantRepository.h"
#include "ops/ConnectMailbox.h"

#include <QEventLoop>
#include <QProcess>
#include <QTimer>

namespace cli {

namespace {

struct ConnectArgs {
    QString tenantId;
    auth::OAuthLoopbackFlow::Params params;
    bool openBrowser = true;
};

void announce(CliContext &context, const ConnectArgs &args, const QUrl &url) {
    context.err() << "Open this address in a browser to connect tenant " << args.tenantId << ":" << Qt::endl
                  << url.toString(QUrl::FullyEncoded) << Qt::endl
                  << "Waiting for the browser (up to " << args.params.timeoutSeconds
                  << " s; Ctrl-C to cancel)..." << Qt::endl;
    // QDesktopServices needs QtGui; xdg-open does the same on a desktop and honours $BROWSER.
    if (args.openBrowser)
        QProcess::startDetached(QStringLiteral("xdg-open"), {url.toString(QUrl::FullyEncoded)});
}

int store(CliContext &context, const ConnectArgs &args, const auth::OAuthLoopbackFlow::Result &result) {
    db::Tenant tenant;
    tenant.id = args.tenantId;
    const ops::ConnectMailbox connect(context.options().keyFile);
    const auto stored =
        connect.withOAuthGrant(tenant, {args.params.clientId, args.params.clientSecret, result});
    if (!stored.ok)
        return context.fail(QStringLiteral("connect %1: %2").arg(args.tenantId, stored.error));
    context.out() << "connected tenant " << args.tenantId << " to " << result.email
                  << " (refresh token sealed with master key " << stored.keyId << ")" << Qt::endl;
    return ExitSuccess;
}

// The browser flow on this thread's event loop until consent, refusal, timeout or Ctrl-C.
int runFlow(CliContext &context, const ConnectArgs &args) {
    auth::OAuthLoopbackFlow flow(args.params);
    QEventLoop loop;
    int exitCode = ExitFailure;
    QObject::connect(&flow, &auth::OAuthLoopbackFlow::authorizationUrlReady, &loop,
                     [&](const QUrl &url) { announce(context, args, url); });
    QObject::connect(&flow, &auth::OAuthLoopbackFlow::failed, &loop, [&](const QString &message, bool) {
        exitCode = context.fail(QStringLiteral("connect %1: %2").arg(args.tenantId, message));
        loop.quit();
    });
    QObject::connect(&flow, &auth::OAuthLoopbackFlow::succeeded, &loop,
                     [&](const auth::OAuthLoopbackFlow::Result &result) {
                         exitCode = store(context, args, result);
                         loop.quit();
                     });
    InterruptGuard interrupt;
    interrupt.onInterrupt([&flow] { flow.cancel(); });
    // Started from the loop: a failure to listen must not quit the loop before it runs.
    QTimer::singleShot(0, &flow, &auth::OAuthLoopbackFlow::start);
    loop.exec();
    return exitCode;
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
    ConnectArgs connect;
    connect.tenantId = parser.positionalArguments().constFirst();
    if (!db::TenantRepository::isValidId(connect.tenantId))
        return context.usageError(QStringLiteral("\"%1\" is not a valid tenant id").arg(connect.tenantId),
                                  usage());
    if (parser.value(clientId).isEmpty())
        return context.usageError(QStringLiteral("--client-id is required"), usage());
    bool ok = false;
    connect.params.timeoutSeconds = parser.value(timeout).toInt(&ok);
    if (!ok || connect.params.timeoutSeconds < 1)
        return context.usageError(QStringLiteral("--timeout takes a positive number of seconds"), usage());
    connect.params.authorizationUrl = QUrl(context.options().oauthAuthUrl);
    connect.params.tokenUrl = QUrl(context.options().oauthTokenUrl);
    connect.params.gmailApiUrl = QUrl(context.options().gmailApiUrl);
    connect.params.clientId = parser.value(clientId);
    connect.params.clientSecret = parser.value(clientSecret);
    connect.openBrowser = !parser.isSet(noBrowser);

    QString error;
    if (!context.openDatabase(&error))
        return context.fail(error);
    // The vault first: a missing master key should stop us before the user goes through consent.
    const auto preflight = ops::ConnectMailbox(context.options().keyFile).preflight(connect.tenantId);
    if (!preflight.ok)
        return context.fail(preflight.error);
    if (preflight.tenant)
        connect.params.loginHint = preflight.tenant->gmailAddress;
    return runFlow(context, connect);
}

} // namespace cli

GSA_REGISTER_COMMAND(cli::ConnectCommand)
