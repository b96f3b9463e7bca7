// gmail::QuotaPacer and QuotaPacerRegistry with a fake clock: exact waits, long-run rate, pauses,
// in-flight cap, the adaptive rate (AIMD); gmail::QuotaProfile (the two regimes of
// developers.google.com/workspace/gmail/api/reference/quota, overrides, the environment).
#include "gmail/QuotaPacer.h"
#include "gmail/QuotaPacerRegistry.h"

#include <QTest>

#include <thread>

using gmail::QuotaPacer;
using gmail::QuotaPacerSettings;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {

struct FakeClock {
    steady_clock::time_point t{steady_clock::duration(1'000'000'000)};
    QuotaPacer::Clock clock() {
        return [this] { return t; };
    }
};

double ms(nanoseconds d) {
    return duration<double, std::milli>(d).count();
}

} // namespace

class TestQuotaPacer final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void burstThenExactDeficitWait();
    void refillIsCappedAtBurst();
    void longRunRateMatchesCeiling();
    void manyThreadsShareOneBucket();
    void pauseHoldsEveryoneBack();
    void inFlightCapBlocksAndCancels();
    void registryGivesOnePacerPerTenant();
    void costsFollowGooglesTable();
    void profilesHoldBothRegimes();
    void overridesAndBadValues();
    void environmentPicksTheProfile();
    void rateLimitDecreasesOncePerEvent();
    void probesBackUpToTheCeiling();
    void decreasedRateSpacesReservations();
    void scatteredRefusalsDoNotSlowDown();
    void settlesNearALowerRealLimit();
};

void TestQuotaPacer::burstThenExactDeficitWait() {
    FakeClock c;
    QuotaPacer pacer(QuotaPacerSettings{250.0, 50.0, 4}, c.clock());
    QCOMPARE(ms(pacer.reserve(50)), 0.0);     // the burst
    QCOMPARE(ms(pacer.reserve(5)), 20.0);     // 5 units at 250/s
    QCOMPARE(ms(pacer.reserve(250)), 1020.0); // a batch of 50 gets, queued behind the previous one
    c.t += 1020ms;
    QCOMPARE(ms(pacer.reserve(0)), 0.0);
}

void TestQuotaPacer::refillIsCappedAtBurst() {
    FakeClock c;
    QuotaPacer pacer(QuotaPacerSettings{250.0, 50.0, 4}, c.clock());
    QCOMPARE(ms(pacer.reserve(50)), 0.0);
    c.t += 10s; // idle: the bucket refills to the burst, not to 2,500 units
    QCOMPARE(ms(pacer.reserve(100)), 200.0);
}

void TestQuotaPacer::longRunRateMatchesCeiling() {
    // A sync that always waits as told: 2,000 batches of 50 gets (250 units each).
    FakeClock c;
    QuotaPacer pacer(QuotaPacerSettings{250.0, 50.0, 4}, c.clock());
    const auto start = c.t;
    qint64 units = 0;
    for (int i = 0; i < 2000; ++i) {
        c.t += pacer.reserve(250);
        units += 250;
        c.t += 3ms; // the request itself
    }
    const double seconds = duration<double>(c.t - start).count();
    const double rate = units / seconds;
    // Never above the ceiling beyond the one initial burst; and not far below it either.
    QVERIFY2((units - 50) / seconds <= 250.0 + 1e-6, qPrintable(QString::number(rate)));
    QVERIFY2(rate >= 0.99 * 250.0, qPrintable(QString::number(rate)));
    QCOMPARE(pacer.unitsReserved(), units);
}

void TestQuotaPacer::manyThreadsShareOneBucket() {
    // Real clock, real threads: 4 threads × 25 reservations of 5 units = 500 units at 1,000 units/s.
    QuotaPacer pacer(QuotaPacerSettings{1000.0, 10.0, 4});
    const auto start = steady_clock::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&pacer] {
            for (int i = 0; i < 25; ++i)
                std::this_thread::sleep_for(pacer.reserve(5));
        });
    }
    for (auto &t : threads)
        t.join();
    const double elapsed = duration<double>(steady_clock::now() - start).count();
    QVERIFY2(elapsed >= 0.47, qPrintable(QString::number(elapsed))); // (500 − 10) / 1000
    QVERIFY2(elapsed < 4.0, qPrintable(QString::number(elapsed)));   // generous: a busy machine
}

void TestQuotaPacer::pauseHoldsEveryoneBack() {
    FakeClock c;
    QuotaPacer pacer(QuotaPacerSettings{250.0, 50.0, 4}, c.clock());
    pacer.pause(2s);
    QCOMPARE(ms(pacer.reserve(1)), 2000.0);
    c.t += 1500ms;
    QCOMPARE(ms(pacer.reserve(1)), 500.0);
    pacer.pause(100ms); // a shorter pause does not shorten the running one
    QCOMPARE(ms(pacer.reserve(1)), 500.0);
    c.t += 500ms;
    QCOMPARE(ms(pacer.reserve(1)), 0.0);
}

void TestQuotaPacer::inFlightCapBlocksAndCancels() {
    QuotaPacer pacer(QuotaPacerSettings{250.0, 50.0, 2});
    QVERIFY(pacer.acquireSlot({}));
    QVERIFY(pacer.acquireSlot({}));
    std::atomic_bool cancel{false};
    std::atomic_bool third{false};
    std::thread waiter([&] { third = pacer.acquireSlot([&] { return cancel.load(); }); });
    std::this_thread::sleep_for(150ms);
    QVERIFY(!third.load()); // still blocked
    pacer.releaseSlot();
    waiter.join();
    QVERIFY(third.load());

    std::thread cancelled([&] { third = pacer.acquireSlot([&] { return cancel.load(); }); });
    cancel = true;
    cancelled.join();
    QVERIFY(!third.load());
}

void TestQuotaPacer::registryGivesOnePacerPerTenant() {
    auto &registry = gmail::QuotaPacerRegistry::instance();
    const auto a1 = registry.pacerFor(QStringLiteral("tenant-a"));
    const auto a2 = registry.pacerFor(QStringLiteral("tenant-a"), QuotaPacerSettings{10.0, 1.0, 1});
    const auto b = registry.pacerFor(QStringLiteral("tenant-b"));
    QCOMPARE(a1.get(), a2.get());
    QVERIFY(a1.get() != b.get());
    QCOMPARE(a2->settings().unitsPerSecond,
             100.0); // the first settings stay // the first caller's settings stay
    registry.remove(QStringLiteral("tenant-a"));
    QVERIFY(registry.pacerFor(QStringLiteral("tenant-a")).get() != a1.get());
}

void TestQuotaPacer::costsFollowGooglesTable() {
    // developers.google.com/workspace/gmail/api/reference/quota, the table before May 1, 2026.
    const auto legacy = gmail::QuotaProfile::fromName(QStringLiteral("legacy"));
    QVERIFY(legacy);
    QCOMPARE(legacy->cost(QStringLiteral("getProfile")), 1);
    QCOMPARE(legacy->cost(QStringLiteral("history.list")), 2);
    QCOMPARE(legacy->cost(QStringLiteral("messages.list")), 5);
    QCOMPARE(legacy->cost(QStringLiteral("messages.get")), 5);
    QCOMPARE(legacy->cost(QStringLiteral("messages.attachments.get")), 5);
    QCOMPARE(legacy->cost(QStringLiteral("threads.get")), 10);
    QCOMPARE(legacy->cost(QStringLiteral("watch")), 100);
    QCOMPARE(legacy->cost(QStringLiteral("not.a.method")), 5);
}

void TestQuotaPacer::profilesHoldBothRegimes() {
    // Since May 1, 2026: 6,000 units/user/min, messages.get 20 and messages.attachments.get 20 (the live
    // table), threads.get 40 (Nylas, May 2026); the per-project minute is 1,200,000 in both.
    const auto current = gmail::QuotaProfile::fromName(QStringLiteral("2026"));
    QVERIFY(current);
    QCOMPARE(current->userUnitsPerMinute, 6000.0);
    QCOMPARE(current->userUnitsPerSecond(), 100.0);
    QCOMPARE(current->projectUnitsPerMinute, 1200000.0);
    QCOMPARE(current->cost(QStringLiteral("messages.get")), 20);
    QCOMPARE(current->cost(QStringLiteral("messages.attachments.get")), 20);
    QCOMPARE(current->cost(QStringLiteral("threads.get")), 40);
    QCOMPARE(current->cost(QStringLiteral("history.list")), 2);
    QCOMPARE(current->cost(QStringLiteral("messages.list")), 5);
    const auto legacy = gmail::QuotaProfile::fromName(QStringLiteral(" Legacy "));
    QVERIFY(legacy);
    QCOMPARE(legacy->userUnitsPerSecond(), 250.0);
    // The default is the stricter regime.
    QCOMPARE(gmail::QuotaProfile::defaultName(), QStringLiteral("2026"));
    QString error;
    QVERIFY(!gmail::QuotaProfile::fromName(QStringLiteral("2025"), &error));
    QVERIFY2(error.contains(QLatin1String("2025")) && error.contains(QLatin1String("legacy")),
             qPrintable(error));
    // The pacer keeps 3 % below the per-user limit.
    QCOMPARE(QuotaPacerSettings::forProfile(*current).unitsPerSecond, 97.0);
}

void TestQuotaPacer::overridesAndBadValues() {
    QString error;
    const auto p =
        gmail::QuotaProfile::resolve(QStringLiteral("legacy"), 30000, 600000,
                                     QStringLiteral(" messages.get=20, users.threads.get:40 "), &error);
    QVERIFY2(p, qPrintable(error));
    QCOMPARE(p->userUnitsPerMinute, 30000.0);
    QCOMPARE(p->projectUnitsPerMinute, 600000.0);
    QCOMPARE(p->cost(QStringLiteral("messages.get")), 20);
    QCOMPARE(p->cost(QStringLiteral("threads.get")), 40);
    QCOMPARE(p->cost(QStringLiteral("history.list")), 2); // untouched
    QCOMPARE(p->name, QStringLiteral("legacy+overrides"));
    const auto plain = gmail::QuotaProfile::resolve({}, 0, 0, {}, &error);
    QVERIFY(plain);
    QCOMPARE(plain->name, QStringLiteral("2026")); // empty name: the default
    QVERIFY(
        !gmail::QuotaProfile::resolve(QStringLiteral("2026"), 0, 0, QStringLiteral("messages.get"), &error));
    QVERIFY2(error.contains(QLatin1String("messages.get")), qPrintable(error));
    QVERIFY(!gmail::QuotaProfile::resolve(QStringLiteral("2026"), 0, 0, QStringLiteral("messages.get=-3"),
                                          &error));
    QVERIFY(!gmail::QuotaProfile::resolve(QStringLiteral("2026"), 0, 0, QStringLiteral("messages.get=0"),
                                          &error));
}

void TestQuotaPacer::environmentPicksTheProfile() {
    qputenv("GMAIL_SYNC_QUOTA_PROFILE", "legacy");
    qputenv("GMAIL_SYNC_QUOTA_USER_PER_MINUTE", "9000");
    qputenv("GMAIL_SYNC_QUOTA_COSTS", "messages.get=7");
    QString error;
    auto p = gmail::QuotaProfile::fromEnvironment(&error);
    QVERIFY2(p, qPrintable(error));
    QCOMPARE(p->userUnitsPerMinute, 9000.0);
    QCOMPARE(p->projectUnitsPerMinute, 1200000.0);
    QCOMPARE(p->cost(QStringLiteral("messages.get")), 7);
    qputenv("GMAIL_SYNC_QUOTA_USER_PER_MINUTE", "fast");
    QVERIFY(!gmail::QuotaProfile::fromEnvironment(&error));
    QVERIFY2(error.contains(QLatin1String("GMAIL_SYNC_QUOTA_USER_PER_MINUTE")), qPrintable(error));
    // A bad value falls back to the stricter regime, not to the configured one.
    QCOMPARE(gmail::QuotaProfile::fromEnvironmentOrDefault().name, QStringLiteral("2026"));
    qunsetenv("GMAIL_SYNC_QUOTA_PROFILE");
    qunsetenv("GMAIL_SYNC_QUOTA_USER_PER_MINUTE");
    qunsetenv("GMAIL_SYNC_QUOTA_COSTS");
    p = gmail::QuotaProfile::fromEnvironment(&error);
    QVERIFY(p);
    QCOMPARE(p->name, QStringLiteral("2026"));
    QCOMPARE(p->cost(QStringLiteral("messages.get")), 20);
}

void TestQuotaPacer::rateLimitDecreasesOncePerEvent() {
    FakeClock c;
    QuotaPacerSettings s;
    s.unitsPerSecond = 100;
    QuotaPacer pacer(s, c.clock());
    QCOMPARE(pacer.currentRate(), 100.0);
    const auto sentEarly = c.t;
    c.t += 100ms;
    const auto sentLater = c.t;
    c.t += 50ms;
    QVERIFY(pacer.onRateLimited(sentLater)); // ×0.7
    QCOMPARE(pacer.currentRate(), 70.0);
    // Answers to requests sent before the decrease belong to the same burst of 429s: counted once.
    QVERIFY(!pacer.onRateLimited(sentEarly));
    QVERIFY(!pacer.onRateLimited(sentLater));
    QCOMPARE(pacer.currentRate(), 70.0);
    // A request sent after the decrease and refused again is a new event.
    c.t += 10ms;
    QVERIFY(pacer.onRateLimited(c.t));
    QVERIFY(qAbs(pacer.currentRate() - 49.0) < 0.1);
    QCOMPARE(pacer.decreases(), 2);
    // Never below the floor.
    for (int i = 0; i < 50; ++i) {
        c.t += 1ms;
        pacer.onRateLimited(c.t);
    }
    QCOMPARE(pacer.currentRate(), s.minUnitsPerSecond);
}

void TestQuotaPacer::probesBackUpToTheCeiling() {
    FakeClock c;
    QuotaPacerSettings s;
    s.unitsPerSecond = 100;
    QuotaPacer pacer(s, c.clock());
    QVERIFY(pacer.onRateLimited(c.t));
    QCOMPARE(pacer.currentRate(), 70.0);
    c.t += s.probeInterval - 1ms;
    (void)pacer.reserve(0);
    QCOMPARE(pacer.currentRate(), 70.0); // not a full clean interval yet
    c.t += 1ms;
    (void)pacer.reserve(0);
    QCOMPARE(pacer.currentRate(), 80.0); // fast recovery: half the gap to 90 % of the rate at the loss
    c.t += s.probeInterval;
    (void)pacer.reserve(0);
    QCOMPARE(pacer.currentRate(), 85.0);
    c.t += 20 * s.probeInterval;
    (void)pacer.reserve(0);
    QVERIFY(pacer.currentRate() > 90.0);
    QVERIFY(pacer.currentRate() < 91.0); // then slowly: 0.05 % of the ceiling per interval
    c.t += 120s;
    (void)pacer.reserve(0);
    QCOMPARE(pacer.currentRate(), 100.0); // up to the ceiling, not beyond
    c.t += 60s;
    (void)pacer.reserve(0);
    QCOMPARE(pacer.currentRate(), 100.0);
}

void TestQuotaPacer::decreasedRateSpacesReservations() {
    FakeClock c;
    QuotaPacer pacer(QuotaPacerSettings{100.0, 0.0, 4}, c.clock());
    QCOMPARE(ms(pacer.reserve(100)), 1000.0);
    c.t += 1s;
    QVERIFY(pacer.onRateLimited(c.t));
    QCOMPARE(ms(pacer.reserve(70)), 1000.0); // 70 units at 70 units/s
}

void TestQuotaPacer::scatteredRefusalsDoNotSlowDown() {
    // Refusals without a quota time (random throttling, "Too many concurrent requests") slow the
    // rate only when three come without a success between them; AIMD would collapse under them.
    FakeClock c;
    QuotaPacerSettings s;
    s.unitsPerSecond = 100;
    QuotaPacer pacer(s, c.clock());
    for (int i = 0; i < 100; ++i) {
        c.t += 10ms;
        QVERIFY(!pacer.onRateLimited(c.t, false));
        pacer.onSuccess();
        c.t += 10ms;
        QVERIFY(!pacer.onRateLimited(c.t, false));
        pacer.onSuccess();
    }
    QCOMPARE(pacer.currentRate(), 100.0);
    c.t += 10ms;
    QVERIFY(!pacer.onRateLimited(c.t, false));
    QVERIFY(!pacer.onRateLimited(c.t, false));
    QVERIFY(pacer.onRateLimited(c.t, false)); // the third in a row
    QCOMPARE(pacer.currentRate(), 70.0);
    c.t += 10ms;
    QVERIFY(pacer.onRateLimited(c.t, true)); // the quota naming its time counts at once
}

void TestQuotaPacer::settlesNearALowerRealLimit() {
    // A simulated server that admits 60 units/s (a token bucket holding 100 units, charged per call
    // as Gmail charges each call of a batch) and a client configured for 97 (2026 with headroom)
    // sending batches of 4 gets at 20 units as fast as the pacer allows, 50 ms apart at least.
    // The pacer must settle near 60 within a minute and draw few refusals.
    FakeClock c;
    QuotaPacerSettings s;
    s.unitsPerSecond = 97;
    QuotaPacer pacer(s, c.clock());
    const double limit = 60;
    double bucket = 100;
    auto last = c.t;
    int refused = 0;
    int calls = 0;
    double acceptedLate = 0;
    const auto start = c.t;
    while (c.t - start < 240s) {
        const int parts = std::clamp(int(pacer.currentRate() * 0.5 / 20), 1, 4); // as GmailClient
        c.t += duration_cast<steady_clock::duration>(pacer.reserve(20 * parts));
        bucket = std::min(100.0, bucket + duration<double>(c.t - last).count() * limit);
        last = c.t;
        const auto sentAt = c.t;
        c.t += 50ms; // latency
        bool limited = false;
        for (int i = 0; i < parts; ++i, ++calls) {
            if (bucket >= 20) {
                bucket -= 20;
                if (c.t - start >= 60s)
                    acceptedLate += 20;
            } else {
                ++refused;
                limited = true;
            }
        }
        if (limited) {
            pacer.onRateLimited(sentAt);
            pacer.pause(500ms);
        }
    }
    const double rate = acceptedLate / 180.0;
    qInfo(
        "simulated: %.1f units/s after the first minute against a 60 units/s limit; %d of %d calls refused; "
        "%d decreases",
        rate, refused, calls, pacer.decreases());
    QVERIFY2(rate >= 0.9 * limit, qPrintable(QString::number(rate)));
    QVERIFY2(refused * 50 <= calls, qPrintable(QStringLiteral("%1 of %2").arg(refused).arg(calls)));
}

QTEST_GUILESS_MAIN(TestQuotaPacer)
#include "TestQuotaPacer.moc"
