// gmail::QuotaPacer and QuotaPacerRegistry with a fake clock: exact waits, long-run rate, pauses,
// in-flight cap. Limits from developers.google.com/gmail/api/reference/quota (250 units/user/s).
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
    QCOMPARE(a2->settings().unitsPerSecond, 250.0); // the first caller's settings stay
    registry.remove(QStringLiteral("tenant-a"));
    QVERIFY(registry.pacerFor(QStringLiteral("tenant-a")).get() != a1.get());
}

void TestQuotaPacer::costsFollowGooglesTable() {
    // developers.google.com/gmail/api/reference/quota
    QCOMPARE(gmail::QuotaCost::GetProfile, 1);
    QCOMPARE(gmail::QuotaCost::HistoryList, 2);
    QCOMPARE(gmail::QuotaCost::MessagesList, 5);
    QCOMPARE(gmail::QuotaCost::MessagesGet, 5);
    QCOMPARE(gmail::QuotaCost::AttachmentsGet, 5);
    QCOMPARE(gmail::QuotaCost::ThreadsGet, 10);
    QCOMPARE(gmail::QuotaCost::Watch, 100);
}

QTEST_GUILESS_MAIN(TestQuotaPacer)
#include "TestQuotaPacer.moc"
