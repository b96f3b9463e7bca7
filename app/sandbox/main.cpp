// gmail-sandbox: a Gmail API / OAuth / Pub/Sub sandbox on 127.0.0.1 for tests
// and the demo. Prints one line {"url": "http://127.0.0.1:PORT"} on stdout once
// it listens; logs go to stderr.

#include "MailLoader.h"
#include "Mailbox.h"
#include "MailboxGenerator.h"
#include "SandboxServer.h"
#include "gmail/QuotaProfile.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <iconv.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace {

int g_signalFd[2] = {-1, -1};

// Only async-signal-safe work here: wake the event loop through a socket pair
// (the pattern of Qt's "Calling Qt Functions From Unix Signal Handlers").
void onSignal(int) {
    const char c = 1;
    [[maybe_unused]] const auto n = ::write(g_signalFd[0], &c, 1);
}

bool installSignalHandlers(QCoreApplication &app) {
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalFd) != 0)
        return false;
    auto *notifier = new QSocketNotifier(g_signalFd[1], QSocketNotifier::Read, &app);
    QObject::connect(notifier, &QSocketNotifier::activated, &app, [notifier]() {
        notifier->setEnabled(false);
        char c = 0;
        [[maybe_unused]] const auto n = ::read(g_signalFd[1], &c, 1);
        QCoreApplication::quit();
    });
    struct sigaction sa {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    return ::sigaction(SIGTERM, &sa, nullptr) == 0 && ::sigaction(SIGINT, &sa, nullptr) == 0;
}

// glibc unloads an iconv (gconv) module when its last descriptor closes, and GMime opens and closes a
// descriptor for every part it converts, so each message paid a dlopen/dlclose pair (measured: about 40%
// of the server's time in 100-call batches). One descriptor per common charset, never closed, keeps the
// modules loaded for the life of the process.
void pinCharsetConverters() {
    static const char *const charsets[] = {
        "ISO-8859-1",   "ISO-8859-2",   "ISO-8859-3",   "ISO-8859-4",   "ISO-8859-5",   "ISO-8859-6",
        "ISO-8859-7",   "ISO-8859-8",   "ISO-8859-9",   "ISO-8859-13",  "ISO-8859-15",  "WINDOWS-1250",
        "WINDOWS-1251", "WINDOWS-1252", "WINDOWS-1253", "WINDOWS-1254", "WINDOWS-1255", "WINDOWS-1256",
        "WINDOWS-1257", "KOI8-R",       "KOI8-U",       "ISO-2022-JP",  "SHIFT_JIS",    "EUC-JP",
        "GB2312",       "GBK",          "GB18030",      "BIG5",         "EUC-KR",       "UTF-16",
        "UTF-7"};
    for (const char *charset : charsets)
        [[maybe_unused]] const iconv_t pinned = iconv_open("UTF-8", charset);
}

} // namespace

int main(int argc, char *argv[]) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("gmail-sandbox"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Gmail API sandbox server (see app/sandbox/README.md)."));
    parser.addHelpOption();
    const QCommandLineOption host(QStringLiteral("host"), QStringLiteral("Address to listen on."),
                                  QStringLiteral("ADDRESS"), QStringLiteral("127.0.0.1"));
    const QCommandLineOption port(QStringLiteral("port"), QStringLiteral("Port (0 = any free port)."),
                                  QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption user(QStringLiteral("user"), QStringLiteral("A mailbox to create (repeatable)."),
                                  QStringLiteral("EMAIL"));
    const QCommandLineOption generate(QStringLiteral("generate"),
                                      QStringLiteral("Generate N messages in each user's mailbox."),
                                      QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Generator seed."),
                                  QStringLiteral("S"), QStringLiteral("1"));
    const QCommandLineOption days(QStringLiteral("days"),
                                  QStringLiteral("Spread generated mail over the last D days."),
                                  QStringLiteral("D"), QStringLiteral("180"));
    const QCommandLineOption mailDir(
        QStringLiteral("mail-dir"),
        QStringLiteral("Load .eml/mbox files from PATH into each user's mailbox."), QStringLiteral("PATH"));
    const QCommandLineOption quota(
        QStringLiteral("quota-units-per-second"),
        QStringLiteral("Per-user quota in units/s (legacy Gmail: 250, 2026: 100); 0 = unlimited; default: "
                       "the --quota-profile's rate, or unlimited without one."),
        QStringLiteral("U"));
    const QCommandLineOption quotaProfile(
        QStringLiteral("quota-profile"),
        QStringLiteral(
            "Gmail quota regime to enforce: legacy (15,000 units/user/min, messages.get 5) or 2026 "
            "(6,000 units/user/min, messages.get 20, threads.get 40)."),
        QStringLiteral("NAME"));
    parser.addOptions({host, port, user, generate, seed, days, mailDir, quota, quotaProfile});
    parser.process(app);

    const auto fail = [](const QString &message) {
        std::fprintf(stderr, "gmail-sandbox: %s\n", qPrintable(message));
        return 2;
    };
    bool ok = false;
    const int portValue = parser.value(port).toInt(&ok);
    if (!ok || portValue < 0 || portValue > 65535)
        return fail(QStringLiteral("--port must be 0..65535"));
    const int count = parser.value(generate).toInt(&ok);
    if (!ok || count < 0)
        return fail(QStringLiteral("--generate must be a non-negative number"));
    const quint32 seedValue = parser.value(seed).toUInt(&ok);
    if (!ok)
        return fail(QStringLiteral("--seed must be a non-negative number"));
    const int daysValue = parser.value(days).toInt(&ok);
    if (!ok || daysValue < 1)
        return fail(QStringLiteral("--days must be a positive number"));
    QString profileError;
    const std::optional<gmail::QuotaProfile> profile = gmail::QuotaProfile::fromName(
        parser.isSet(quotaProfile) ? parser.value(quotaProfile) : gmail::QuotaProfile::Legacy, &profileError);
    if (!profile)
        return fail(QStringLiteral("--quota-profile: ") + profileError);
    double quotaValue = parser.isSet(quotaProfile) ? profile->userUnitsPerSecond() : 0.0;
    if (parser.isSet(quota)) {
        quotaValue = parser.value(quota).toDouble(&ok);
        if (!ok || quotaValue < 0)
            return fail(QStringLiteral("--quota-units-per-second must be a non-negative number"));
    }
    const QHostAddress address(parser.value(host));
    if (address.isNull())
        return fail(QStringLiteral("--host must be an IP address"));

    pinCharsetConverters();
    sandbox::SandboxServer server;
    server.setDefaultQuota(*profile, quotaValue);
    const QDateTime end = QDateTime::currentDateTimeUtc();
    // Mailboxes are built on a thread of their own: glibc gives it its own malloc arena, so the long-lived
    // messages and the generator's garbage stay out of the arena the server thread allocates from
    // (measured: with 100k messages in the same arena, malloc took a third of the server's time).
    QString setupError;
    std::thread setup([&]() {
        for (const QString &email : parser.values(user)) {
            const std::shared_ptr<sandbox::Mailbox> box = server.mailboxes().create(email);
            if (count > 0) {
                sandbox::MailboxGenerator::Options options;
                options.count = count;
                options.seed = seedValue;
                options.days = daysValue;
                options.end = end;
                sandbox::MailboxGenerator::generate(*box, options);
            }
            if (parser.isSet(mailDir)) {
                QString error;
                if (!sandbox::MailLoader::load(*box, parser.value(mailDir), &error)) {
                    setupError = QStringLiteral("cannot load %1: %2").arg(parser.value(mailDir), error);
                    return;
                }
            }
            std::fprintf(stderr, "gmail-sandbox: mailbox %s with %d messages\n", qPrintable(box->email()),
                         box->messagesTotal());
        }
    });
    setup.join();
    if (!setupError.isEmpty())
        return fail(setupError);

    if (!installSignalHandlers(app))
        return fail(QStringLiteral("cannot install signal handlers"));
    if (!server.listen(address, quint16(portValue)))
        return fail(server.errorString());

    // The one line on stdout that SandboxProcess and the demo wait for.
    QUrl url = server.baseUrl();
    url.setHost(address.toString());
    const QByteArray line =
        QJsonDocument(QJsonObject{{QStringLiteral("url"), url.toString()}}).toJson(QJsonDocument::Compact);
    std::fprintf(stdout, "%s\n", line.constData());
    std::fflush(stdout);
    std::fprintf(stderr, "gmail-sandbox: listening on %s\n", qPrintable(url.toString()));

    return app.exec();
}
