// gmail::GmailClient + MessageParser against the real `gmail-sandbox` (testsupport::SandboxProcess):
// a full fetch of a generated mailbox, the same under injected faults, and quota pacing measured
// against the sandbox's per-user quota.
#include "SandboxProcess.h"

#include "auth/StaticTokenProvider.h"
#include "gmail/GmailClient.h"
#include "gmail/MessageParser.h"
#include "gmail/QuotaPacerRegistry.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QTest>
#include <QThread>

#include <atomic>

using gmail::FetchResult;
using gmail::GmailClient;
using gmail::GmailClientSettings;
using namespace std::chrono_literals;

namespace {

constexpr int kMessages = 300;

GmailClientSettings settingsFor(const testsupport::SandboxProcess &sandbox) {
    GmailClientSettings s;
    // The sandbox charges the legacy costs unless started with --quota-profile.
    s.quota = *gmail::QuotaProfile::fromName(gmail::QuotaProfile::Legacy);
    s.baseUrl = sandbox.url();
    s.backoffBase = 20ms;
    s.backoffCap = 200ms;
    s.requestTimeout = 10000ms;
    return s;
}

QStringList allIds(GmailClient &client) {
    QStringList ids;
    QString pageToken;
    do {
        const auto page = client.listMessages({}, {}, true, pageToken, 100);
        if (!page) {
            qWarning("list failed: %s", qPrintable(client.errorString()));
            return {};
        }
        for (const auto &m : page->messages)
            ids.append(m.id);
        pageToken = page->nextPageToken;
    } while (!pageToken.isEmpty());
    return ids;
}

} // namespace

class TestGmailClientSandbox final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void fullFetchAndParse();
    void faultsAreRetriedAndNothingIsLost();
    void historyFromTheProfileId();
    void pacingRunsNearTheQuotaWithout429();
    void twoWorkerThreadsShareOnePacer();

private:
    std::unique_ptr<testsupport::SandboxProcess> m_sandbox;
    std::unique_ptr<auth::StaticTokenProvider> m_tokens;
};

void TestGmailClientSandbox::initTestCase() {
    m_sandbox = std::make_unique<testsupport::SandboxProcess>(
        QStringList{QStringLiteral("--user"), QStringLiteral("a@example.com"), QStringLiteral("--generate"),
                    QString::number(kMessages)});
    QVERIFY2(m_sandbox->isRunning(), qPrintable(m_sandbox->errorString()));
    const QString token = m_sandbox->accessToken(QStringLiteral("a@example.com"));
    QVERIFY(!token.isEmpty());
    m_tokens = std::make_unique<auth::StaticTokenProvider>(token);
}

void TestGmailClientSandbox::cleanupTestCase() {
    m_sandbox.reset();
}

void TestGmailClientSandbox::init() {
    int status = 0;
    m_sandbox->control("DELETE", QStringLiteral("/_sandbox/faults"), {}, &status);
    QCOMPARE(status, 200);
    m_sandbox->control("POST", QStringLiteral("/_sandbox/stats/reset"), {}, &status);
    QCOMPARE(status, 200);
}

void TestGmailClientSandbox::fullFetchAndParse() {
    GmailClient client(settingsFor(*m_sandbox), m_tokens.get());
    const auto profile = client.profile();
    QVERIFY2(profile, qPrintable(client.errorString()));
    QCOMPARE(profile->emailAddress, QStringLiteral("a@example.com"));
    QVERIFY(profile->historyId > 0);

    const QStringList ids = allIds(client);
    QCOMPARE(ids.size(), kMessages);
    const QList<FetchResult> results = client.getMessagesRaw(ids);
    QCOMPARE(results.size(), kMessages);
    const gmail::MessageParser parser;
    int withSubject = 0;
    int withBody = 0;
    for (const FetchResult &r : results) {
        QVERIFY2(r.status == FetchResult::Status::Ok, qPrintable(r.error));
        QVERIFY(!r.message.raw.isEmpty());
        QVERIFY(r.message.internalDate > 0);
        gmail::ParseContext context;
        context.internalDate = QDateTime::fromMSecsSinceEpoch(r.message.internalDate, Qt::UTC);
        context.labelIds = r.message.labelIds;
        const gmail::ParsedMessage m = parser.parse(r.message.raw, context);
        QVERIFY(m.sentAt.isValid());
        withSubject += m.subject.isEmpty() ? 0 : 1;
        withBody += (m.bodyText.isEmpty() && m.bodyHtml.isEmpty()) ? 0 : 1;
    }
    // The generator makes a small share deliberately malformed; nearly all must still read.
    QVERIFY2(withSubject >= kMessages * 9 / 10, qPrintable(QString::number(withSubject)));
    QVERIFY2(withBody >= kMessages * 9 / 10, qPrintable(QString::number(withBody)));
    QCOMPARE(client.stats().retries, 0);
    // 300 ids in batches of ≤ 50: 6 batch requests, not 300 GETs.
    const QJsonObject stats = m_sandbox->control("GET", QStringLiteral("/_sandbox/stats")).object();
    QVERIFY2(client.stats().httpRequests <= 1 + 3 + 6,
             qPrintable(QString::number(client.stats().httpRequests)));
    QVERIFY(!stats.isEmpty());
}

void TestGmailClientSandbox::faultsAreRetriedAndNothingIsLost() {
    int status = 0;
    m_sandbox->control("PUT", QStringLiteral("/_sandbox/faults"),
                       QJsonObject{{QStringLiteral("rate429"), 0.05},
                                   {QStringLiteral("rate500"), 0.03},
                                   {QStringLiteral("rate503"), 0.02},
                                   {QStringLiteral("dropRate"), 0.01},
                                   {QStringLiteral("truncateRate"), 0.01},
                                   {QStringLiteral("seed"), 7}},
                       &status);
    QCOMPARE(status, 200);
    GmailClient client(settingsFor(*m_sandbox), m_tokens.get());
    const QStringList ids = allIds(client);
    QCOMPARE(ids.size(), kMessages);
    const QList<FetchResult> results = client.getMessagesRaw(ids);
    int ok = 0;
    for (const FetchResult &r : results) {
        QVERIFY2(r.status == FetchResult::Status::Ok, qPrintable(r.error));
        ok += r.message.raw.isEmpty() ? 0 : 1;
    }
    QCOMPARE(ok, kMessages);
    const auto s = client.stats();
    QVERIFY2(s.retries + s.innerRetries > 0, "the injected faults were never hit");
    const QJsonObject injected = m_sandbox->control("GET", QStringLiteral("/_sandbox/stats"))
                                     .object()
                                     .value(QStringLiteral("faultsInjected"))
                                     .toObject();
    QVERIFY(!injected.isEmpty());
}

void TestGmailClientSandbox::historyFromTheProfileId() {
    GmailClient client(settingsFor(*m_sandbox), m_tokens.get());
    const auto profile = client.profile();
    QVERIFY(profile);
    const auto page = client.listHistory(profile->historyId);
    QVERIFY2(page, qPrintable(client.errorString()));
    QVERIFY(!page->historyTooOld);
    QVERIFY(page->historyId >= profile->historyId);
    QVERIFY(page->history.isEmpty()); // nothing happened since

    const auto tooOld = client.listHistory(1); // older than anything the sandbox keeps
    QVERIFY2(tooOld, qPrintable(client.errorString()));
    QVERIFY(tooOld->historyTooOld || !tooOld->history.isEmpty());
}

void TestGmailClientSandbox::pacingRunsNearTheQuotaWithout429() {
    // The sandbox enforces 1,000 units/user/s (4× Gmail's, to keep the test short); the pacer is set to
    // the same ceiling. 300 gets (1,500 units) must take ≈ 1.5 s, not far less (over quota) and not
    // far more (wasted capacity), with (almost) no 429.
    int status = 0;
    m_sandbox->control("PUT", QStringLiteral("/_sandbox/faults"),
                       QJsonObject{{QStringLiteral("quotaUnitsPerSecond"), 1000}}, &status);
    QCOMPARE(status, 200);
    GmailClientSettings s = settingsFor(*m_sandbox);
    s.pacer = std::make_shared<gmail::QuotaPacer>(gmail::QuotaPacerSettings{1000.0, 50.0, 4});
    GmailClient client(s, m_tokens.get());
    const QStringList ids = allIds(client);
    QCOMPARE(ids.size(), kMessages);
    m_sandbox->control("POST", QStringLiteral("/_sandbox/stats/reset"));
    const qint64 unitsBefore = s.pacer->unitsReserved();
    QElapsedTimer timer;
    timer.start();
    const QList<FetchResult> results = client.getMessagesRaw(ids);
    const double seconds = timer.elapsed() / 1000.0;
    for (const FetchResult &r : results)
        QVERIFY2(r.status == FetchResult::Status::Ok, qPrintable(r.error));
    const double units = static_cast<double>(s.pacer->unitsReserved() - unitsBefore);
    const double rate = units / seconds;
    const QJsonObject stats = m_sandbox->control("GET", QStringLiteral("/_sandbox/stats")).object();
    const int rejected = stats.value(QStringLiteral("responses429")).toInt();
    qInfo("paced fetch: %d messages, %.0f units in %.2f s = %.0f units/s (%.0f %% of the ceiling), %d × 429",
          kMessages, units, seconds, rate, rate / 10.0, rejected);
    QVERIFY2(rate >= 0.9 * 1000 * (units - 50) / units, qPrintable(QString::number(rate)));
    QVERIFY2(rejected <= 2, qPrintable(QString::number(rejected)));
}

void TestGmailClientSandbox::twoWorkerThreadsShareOnePacer() {
    // As the sync engine runs it: one GmailClient per worker QThread, one QuotaPacer per tenant.
    int status = 0;
    m_sandbox->control("PUT", QStringLiteral("/_sandbox/faults"),
                       QJsonObject{{QStringLiteral("quotaUnitsPerSecond"), 1000}}, &status);
    QCOMPARE(status, 200);
    GmailClient lister(settingsFor(*m_sandbox), m_tokens.get());
    const QStringList ids = allIds(lister);
    QCOMPARE(ids.size(), kMessages);
    m_sandbox->control("POST", QStringLiteral("/_sandbox/stats/reset"));

    const auto pacer = gmail::QuotaPacerRegistry::instance().pacerFor(
        QStringLiteral("sandbox-two-threads"), gmail::QuotaPacerSettings{1000.0, 50.0, 4});
    GmailClientSettings s = settingsFor(*m_sandbox);
    s.pacer = pacer;
    std::atomic_int ok{0};
    QList<QThread *> threads;
    for (int t = 0; t < 2; ++t) {
        const QStringList half = ids.mid(t * kMessages / 2, kMessages / 2);
        threads.append(QThread::create([s, half, &ok, tokens = m_tokens.get()] {
            GmailClient client(s, tokens); // created on, and used by, this worker thread
            for (const FetchResult &r : client.getMessagesRaw(half))
                ok += r.status == FetchResult::Status::Ok ? 1 : 0;
        }));
    }
    QElapsedTimer timer;
    timer.start();
    for (QThread *t : threads)
        t->start();
    for (QThread *t : threads) {
        QVERIFY(t->wait(60000));
        delete t;
    }
    const double seconds = timer.elapsed() / 1000.0;
    QCOMPARE(ok.load(), kMessages);
    const double rate = kMessages * 5 / seconds;
    const int rejected = m_sandbox->control("GET", QStringLiteral("/_sandbox/stats"))
                             .object()
                             .value(QStringLiteral("responses429"))
                             .toInt();
    qInfo("two threads, one pacer: %.0f units/s against a 1000 units/s quota, %d × 429", rate, rejected);
    QVERIFY2(rate <= 1000 * 1.1, qPrintable(QString::number(rate))); // shared: not 2 × the ceiling
    QVERIFY2(rate >= 0.85 * 1000 * (kMessages * 5 - 50) / (kMessages * 5), qPrintable(QString::number(rate)));
    QVERIFY2(rejected <= 2, qPrintable(QString::number(rejected)));
}

QTEST_GUILESS_MAIN(TestGmailClientSandbox)
#include "TestGmailClientSandbox.moc"
