// Quota regimes against gmail-sandbox with 50 ms of latency per request (issue 10, part 5):
//   1. each profile (legacy, 2026) enforced by the sandbox and configured in the client: units/s the
//      sandbox accepted ÷ the profile's per-user limit (target ≥ 95 %);
//   2. the sandbox enforcing less than the client is configured for (2026 client = 100 units/s, sandbox
//      60 units/s): when the adaptive pacer settles at ≥ 90 % of the real limit (10-s moving average,
//      target within a minute), the rate after that, and the share of requests answered 429 (< 2 %).
// The client is GmailClient + QuotaPacer as the engine sets them up (QuotaPacerSettings::forProfile).
// Needs GSA_BIN_DIR (where gmail-sandbox is). Usage: bench_quota [seconds per profile run] [seconds of
// the lower-limit run]
#include "SandboxProcess.h"

#include "auth/StaticTokenProvider.h"
#include "gmail/GmailClient.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonObject>

#include <cstdio>
#include <memory>

namespace {

const QString User = QStringLiteral("quota@example.com");

struct Sample {
    double t = 0;
    double units = 0;
    double requests = 0;
    double rejected = 0;
};

Sample sample(testsupport::SandboxProcess &sandbox, double t) {
    const QJsonObject stats = sandbox.control("GET", QStringLiteral("/_sandbox/stats")).object();
    Sample s;
    s.t = t;
    s.units = stats.value(QStringLiteral("unitsUsed")).toObject().value(User).toDouble();
    const QJsonObject requests = stats.value(QStringLiteral("requests")).toObject();
    for (auto it = requests.begin(); it != requests.end(); ++it) {
        // Gmail API calls only (each part of a batch is one), not the batch envelopes or control calls.
        if (it.key() != u"control" && it.key() != u"batch" && it.key() != u"unknown")
            s.requests += it.value().toDouble();
    }
    s.rejected = stats.value(QStringLiteral("responses429")).toDouble();
    return s;
}

struct Run {
    QList<Sample> samples;
    int ok = 0;
    int failed = 0;
    double finalRate = 0;
    int decreases = 0;
};

// Fetches the mailbox's ids round and round for `seconds`, sampling the sandbox's counters between
// small chunks.
Run fetchFor(testsupport::SandboxProcess &sandbox, const gmail::QuotaProfile &profile, const QStringList &ids,
             double seconds, int chunk) {
    auth::StaticTokenProvider tokens(sandbox.accessToken(User));
    gmail::GmailClientSettings settings;
    settings.baseUrl = sandbox.url();
    settings.quota = profile;
    settings.pacer = std::make_shared<gmail::QuotaPacer>(gmail::QuotaPacerSettings::forProfile(profile));
    gmail::GmailClient client(settings, &tokens);
    sandbox.control("POST", QStringLiteral("/_sandbox/stats/reset"));
    Run run;
    QElapsedTimer timer;
    timer.start();
    run.samples.append(sample(sandbox, 0));
    qsizetype next = 0;
    while (timer.nsecsElapsed() / 1e9 < seconds) {
        QStringList part;
        for (int i = 0; i < chunk; ++i)
            part.append(ids.at(next++ % ids.size()));
        for (const auto &r : client.getMessagesRaw(part))
            (r.status == gmail::FetchResult::Status::Ok ? run.ok : run.failed) += 1;
        run.samples.append(sample(sandbox, timer.nsecsElapsed() / 1e9));
    }
    run.finalRate = settings.pacer->currentRate();
    run.decreases = settings.pacer->decreases();
    return run;
}

// Units/s accepted between the samples nearest to `from` and `to`.
double rateBetween(const QList<Sample> &s, double from, double to) {
    const Sample *a = &s.first();
    const Sample *b = &s.last();
    for (const Sample &x : s) {
        if (x.t <= from)
            a = &x;
        if (x.t <= to)
            b = &x;
    }
    return b->t > a->t ? (b->units - a->units) / (b->t - a->t) : 0;
}

QStringList listIds(testsupport::SandboxProcess &sandbox) {
    auth::StaticTokenProvider tokens(sandbox.accessToken(User));
    gmail::GmailClientSettings settings;
    settings.baseUrl = sandbox.url();
    gmail::GmailClient client(settings, &tokens);
    QStringList ids;
    QString pageToken;
    do {
        const auto page = client.listMessages({}, {}, true, pageToken, 500);
        if (!page) {
            std::fprintf(stderr, "%s\n", qPrintable(client.errorString()));
            return {};
        }
        for (const auto &m : page->messages)
            ids.append(m.id);
        pageToken = page->nextPageToken;
    } while (!pageToken.isEmpty());
    return ids;
}

} // namespace

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    const double profileSeconds = argc > 1 ? std::atof(argv[1]) : 40;
    const double lowerSeconds = argc > 2 ? std::atof(argv[2]) : 120;
    bool allOk = true;

    for (const QString &name : {gmail::QuotaProfile::Legacy, gmail::QuotaProfile::Current}) {
        const gmail::QuotaProfile profile = *gmail::QuotaProfile::fromName(name);
        testsupport::SandboxProcess sandbox({QStringLiteral("--user"), User, QStringLiteral("--generate"),
                                             QStringLiteral("600"), QStringLiteral("--quota-profile"), name});
        if (!sandbox.isRunning()) {
            std::fprintf(stderr, "sandbox: %s\n", qPrintable(sandbox.errorString()));
            return 1;
        }
        const QStringList ids = listIds(sandbox);
        sandbox.control("PUT", QStringLiteral("/_sandbox/faults"), {{QStringLiteral("latencyMs"), 50}});
        const int perSecond =
            int(profile.userUnitsPerSecond() / profile.cost(QStringLiteral("messages.get")));
        const Run run = fetchFor(sandbox, profile, ids, profileSeconds, std::max(5, perSecond));
        const Sample &last = run.samples.last();
        const double rate = last.units / last.t;
        const double share = rate / profile.userUnitsPerSecond();
        const double rejectedShare = last.requests > 0 ? last.rejected / last.requests : 0;
        std::printf(
            "{\"bench\":\"quota\",\"run\":\"profile\",\"profile\":\"%s\",\"limitUnitsPerSecond\":%.1f,"
            "\"seconds\":%.1f,\"messagesOk\":%d,\"failed\":%d,\"unitsPerSecond\":%.1f,"
            "\"ceilingShare\":%.3f,\"requests\":%.0f,\"responses429\":%.0f,\"share429\":%.4f,"
            "\"pacerDecreases\":%d}\n",
            qPrintable(name), profile.userUnitsPerSecond(), last.t, run.ok, run.failed, rate, share,
            last.requests, last.rejected, rejectedShare, run.decreases);
        std::fflush(stdout);
        allOk = allOk && share >= 0.95 && run.failed == 0;
    }

    // The sandbox enforces less than the client is configured for.
    {
        const gmail::QuotaProfile profile = *gmail::QuotaProfile::fromName(gmail::QuotaProfile::Current);
        const double real = 60;
        testsupport::SandboxProcess sandbox({QStringLiteral("--user"), User, QStringLiteral("--generate"),
                                             QStringLiteral("600"), QStringLiteral("--quota-profile"),
                                             gmail::QuotaProfile::Current});
        if (!sandbox.isRunning()) {
            std::fprintf(stderr, "sandbox: %s\n", qPrintable(sandbox.errorString()));
            return 1;
        }
        const QStringList ids = listIds(sandbox);
        sandbox.control("PUT", QStringLiteral("/_sandbox/faults"),
                        {{QStringLiteral("latencyMs"), 50}, {QStringLiteral("quotaUnitsPerSecond"), real}});
        const Run run = fetchFor(sandbox, profile, ids, lowerSeconds, 5);
        // Settled: from here on every 10-s window runs at ≥ 90 % of the real limit.
        double settledAt = -1;
        for (const Sample &s : run.samples) {
            bool holds = s.t + 10 <= run.samples.last().t;
            for (double t = s.t; holds && t + 10 <= run.samples.last().t; t += 2)
                holds = rateBetween(run.samples, t, t + 10) >= 0.9 * real;
            if (holds) {
                settledAt = s.t;
                break;
            }
        }
        const Sample &last = run.samples.last();
        const double after = settledAt >= 0 ? rateBetween(run.samples, settledAt, last.t) : 0;
        const double overall = last.units / last.t;
        const double rejectedShare = last.requests > 0 ? last.rejected / last.requests : 0;
        std::printf(
            "{\"bench\":\"quota\",\"run\":\"lower-limit\",\"configuredUnitsPerSecond\":%.1f,"
            "\"realUnitsPerSecond\":%.1f,\"seconds\":%.1f,\"settledAfterSeconds\":%.1f,"
            "\"unitsPerSecondAfterSettling\":%.1f,\"shareAfterSettling\":%.3f,\"unitsPerSecondOverall\":%.1f,"
            "\"messagesOk\":%d,\"failed\":%d,\"requests\":%.0f,\"responses429\":%.0f,\"share429\":%.4f,"
            "\"pacerDecreases\":%d,\"pacerRateAtEnd\":%.1f}\n",
            profile.userUnitsPerSecond(), real, last.t, settledAt, after, after / real, overall, run.ok,
            run.failed, last.requests, last.rejected, rejectedShare, run.decreases, run.finalRate);
        allOk = allOk && settledAt >= 0 && settledAt <= 60 && rejectedShare < 0.02 && run.failed == 0;
    }
    return allOk ? 0 : 1;
}
