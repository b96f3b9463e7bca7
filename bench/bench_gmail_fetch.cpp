// A full fetch through GmailClient (batch get + QuotaPacer at its defaults) against gmail-sandbox
// enforcing Gmail's real per-user quota of 250 units/s: how close to the ceiling (50 messages/s)
// a healthy sync runs, and how many 429s it draws. Needs GSA_BIN_DIR (where gmail-sandbox is).
// Usage: bench_gmail_fetch [messages]
#include "SandboxProcess.h"

#include "auth/StaticTokenProvider.h"
#include "gmail/GmailClient.h"
#include "gmail/QuotaPacerRegistry.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonObject>

#include <cstdio>

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    const int count = argc > 1 ? std::atoi(argv[1]) : 1500;
    testsupport::SandboxProcess sandbox({QStringLiteral("--user"), QStringLiteral("a@example.com"),
                                         QStringLiteral("--generate"), QString::number(count),
                                         QStringLiteral("--quota-units-per-second"), QStringLiteral("250")});
    if (!sandbox.isRunning()) {
        std::fprintf(stderr, "sandbox: %s\n", qPrintable(sandbox.errorString()));
        return 1;
    }
    auth::StaticTokenProvider tokens(sandbox.accessToken(QStringLiteral("a@example.com")));
    gmail::GmailClientSettings settings;
    settings.baseUrl = sandbox.url();
    // The legacy regime, as the sandbox charges without --quota-profile (250 units/s, messages.get 5).
    settings.quota = *gmail::QuotaProfile::fromName(gmail::QuotaProfile::Legacy);
    settings.pacer = gmail::QuotaPacerRegistry::instance().pacerFor(
        QStringLiteral("bench"), gmail::QuotaPacerSettings::forProfile(settings.quota));
    gmail::GmailClient client(settings, &tokens);

    QStringList ids;
    QString pageToken;
    do {
        const auto page = client.listMessages({}, {}, true, pageToken, 500);
        if (!page) {
            std::fprintf(stderr, "%s\n", qPrintable(client.errorString()));
            return 1;
        }
        for (const auto &m : page->messages)
            ids.append(m.id);
        pageToken = page->nextPageToken;
    } while (!pageToken.isEmpty());

    sandbox.control("POST", QStringLiteral("/_sandbox/stats/reset"));
    const qint64 unitsBefore = settings.pacer->unitsReserved();
    QElapsedTimer timer;
    timer.start();
    int ok = 0;
    for (const auto &r : client.getMessagesRaw(ids))
        ok += r.status == gmail::FetchResult::Status::Ok ? 1 : 0;
    const double seconds = timer.nsecsElapsed() / 1e9;
    const double units = static_cast<double>(settings.pacer->unitsReserved() - unitsBefore);
    const QJsonObject stats = sandbox.control("GET", QStringLiteral("/_sandbox/stats")).object();
    std::printf(
        "{\"bench\":\"gmail_fetch\",\"messages\":%lld,\"ok\":%d,\"seconds\":%.2f,\"messagesPerSecond\":%.1f,"
        "\"unitsPerSecond\":%.1f,\"ceilingShare\":%.3f,\"responses429\":%d,\"retries\":%lld,\"innerRetries\":"
        "%lld,"
        "\"batchSize\":%d}\n",
        static_cast<long long>(ids.size()), ok, seconds, ok / seconds, units / seconds,
        units / seconds / 250.0, stats.value(QStringLiteral("responses429")).toInt(),
        static_cast<long long>(client.stats().retries), static_cast<long long>(client.stats().innerRetries),
        client.currentBatchSize());
    return ok == ids.size() ? 0 : 1;
}
