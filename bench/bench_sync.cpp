// bench_sync: the sync engine end to end against gmail-sandbox and a private PostgreSQL.
//   1. zero latency, no quota: an initial sync of an N-message mailbox (default 100,000): messages/s,
//      peak RSS, and the storage path alone (COPY into staging + ON CONFLICT merge, 500-row transactions)
//      on the same rows as the local limit;
//   2. Gmail-like: 250 quota units/s and 50 ms latency per request: achieved rate as a share of the
//      quota ceiling (messages.get costs 5 units → 50 messages/s), 429s seen, failed jobs.
// Usage: bench_sync [N] [M]   (M: messages for part 2, default 3000). Needs gmail-sandbox next to it.
#include "SandboxProcess.h"

#include "auth/StaticTokenProvider.h"
#include "db/Database.h"
#include "db/EmailRepository.h"
#include "db/EmbeddedPostgres.h"
#include "db/JobRepository.h"
#include "db/Migrator.h"
#include "db/TenantRepository.h"
#include "log/Log.h"
#include "sync/JobRunner.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>

#include <libpq-fe.h>

#include <cstdio>
#include <sys/resource.h>

namespace {

qint64 peakRssKb() {
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

bool addTenant(const QString &id, const QString &email) {
    db::TenantRepository tenants(db::Database::connection());
    db::Tenant t;
    t.id = id;
    t.gmailAddress = email;
    if (!tenants.add(t)) {
        std::fprintf(stderr, "tenant: %s\n", qPrintable(tenants.errorString()));
        return false;
    }
    return true;
}

db::SyncJob runInitial(syncengine::SyncOptions options, const QString &tenant, const QString &token) {
    options.tokenProviderFactory = [token](const QString &) {
        return std::make_shared<auth::StaticTokenProvider>(token);
    };
    db::JobRepository jobs(db::Database::connection());
    const qint64 id = *jobs.enqueue(tenant, ::jobs::InitialParams{}, true);
    std::atomic_bool stop{false};
    syncengine::JobRunner runner(options, QStringLiteral("bench:1:main"), stop, {});
    for (int round = 0; round < 10; ++round) {
        db::ClaimOptions claim;
        claim.workerId = QStringLiteral("bench:1:main");
        claim.onlyJobId = id;
        std::optional<db::SyncJob> job;
        if (!jobs.claimNext(claim, &job) || !job)
            break;
        runner.run(*job);
    }
    return jobs.find(id).value_or(db::SyncJob{});
}

double cpuSecondsOfSelf() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// The local limit: one plain COPY of the same rows (as PostgreSQL's own text format) straight into
// `emails` for a fresh tenant, in one transaction, with the table's indexes and triggers in place.
// Returns rows/s, or -1.
double plainCopyRate(const QString &fromTenant, const QString &toTenant) {
    static const char *columns =
        "gmail_message_id, gmail_thread_id, history_id, subject, from_name, from_address, to_addresses, "
        "to_names, cc_addresses, cc_names, bcc_addresses, bcc_names, reply_to, message_id_header, "
        "in_reply_to, "
        "references_header, "
        "sent_at, internal_date, labels, snippet, body_html, body_text, attachments, priority, "
        "size_estimate, parse_warnings";
    PGconn *conn = db::Database::nativeHandle(db::Database::connection());
    if (!conn)
        return -1;
    // Tenant ids here are the benchmark's own constants (no quoting concerns).
    const QByteArray out = QByteArrayLiteral("COPY (SELECT '") + toTenant.toUtf8() + "', " + columns +
                           " FROM emails WHERE tenant_id = '" + fromTenant.toUtf8() + "') TO STDOUT";
    PGresult *res = PQexec(conn, out.constData());
    if (PQresultStatus(res) != PGRES_COPY_OUT) {
        std::fprintf(stderr, "copy out: %s", PQerrorMessage(conn));
        PQclear(res);
        return -1;
    }
    PQclear(res);
    QByteArray data;
    qint64 rows = 0;
    char *line = nullptr;
    int n = 0;
    while ((n = PQgetCopyData(conn, &line, 0)) > 0) {
        data.append(line, n);
        PQfreemem(line);
        ++rows;
    }
    PQclear(PQgetResult(conn));
    QElapsedTimer timer;
    timer.start();
    PQclear(PQexec(conn, "BEGIN"));
    const QByteArray in = QByteArrayLiteral("COPY emails (tenant_id, ") + columns + ") FROM STDIN";
    res = PQexec(conn, in.constData());
    const bool copying = PQresultStatus(res) == PGRES_COPY_IN;
    PQclear(res);
    if (!copying)
        return -1;
    constexpr qsizetype Chunk = 1 << 20;
    for (qsizetype i = 0; i < data.size(); i += Chunk)
        PQputCopyData(conn, data.constData() + i, int(std::min(Chunk, data.size() - i)));
    PQputCopyEnd(conn, nullptr);
    res = PQgetResult(conn);
    const bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    if (!ok)
        std::fprintf(stderr, "copy in: %s", PQerrorMessage(conn));
    PQclear(res);
    PQclear(PQexec(conn, ok ? "COMMIT" : "ROLLBACK"));
    return ok ? double(rows) / (double(timer.nsecsElapsed()) / 1e9) : -1;
}

} // namespace

int main(int argc, char *argv[]) {
    QCoreApplication app(argc, argv);
    const int n = argc > 1 ? QByteArray(argv[1]).toInt() : 100000;
    const int m = argc > 2 ? QByteArray(argv[2]).toInt() : 3000;
    if (qEnvironmentVariableIsEmpty("GSA_BIN_DIR"))
        qputenv("GSA_BIN_DIR", QCoreApplication::applicationDirPath().toUtf8());
    QString error;
    logging::LogOptions logOptions;
    QTemporaryDir logDir;
    logOptions.directory = logDir.path();
    logOptions.toStderr = false;
    logOptions.minimumLevel = logging::Level::Info;
    if (!logging::Log::init(logOptions, &error))
        return 1;

    QTemporaryDir pgBase;
    db::EmbeddedPostgres pg(pgBase.path());
    if (!pg.start()) {
        std::fprintf(stderr, "postgres: %s\n", qPrintable(pg.errorString()));
        return 1;
    }
    db::Database::setDefaultSettings(pg.settings());
    if (!db::Database::open(&error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    db::Migrator migrator(db::Database::connection());
    if (!migrator.migrate()) {
        std::fprintf(stderr, "%s\n", qPrintable(migrator.errorString()));
        return 1;
    }

#ifndef NDEBUG
    std::printf("WARNING: a debug build (unoptimised engine, same PostgreSQL): the ratios below understate "
                "the product; measure with `cmake --preset release && cmake --build --preset release`.\n");
#endif
    // 1. Zero latency, no quota.
    std::printf("generating %d messages in gmail-sandbox…\n", n);
    std::fflush(stdout);
    testsupport::SandboxProcess fast({QStringLiteral("--user"), QStringLiteral("bench@example.com"),
                                      QStringLiteral("--generate"), QString::number(n),
                                      QStringLiteral("--days"), QStringLiteral("25"),
                                      QStringLiteral("--quota-units-per-second"), QStringLiteral("0")},
                                     600000);
    if (!fast.isRunning()) {
        std::fprintf(stderr, "sandbox: %s\n", qPrintable(fast.errorString()));
        return 1;
    }
    if (!addTenant(QStringLiteral("bench"), QStringLiteral("bench@example.com")))
        return 1;
    syncengine::SyncOptions options;
    options.gmailApiUrl = fast.url();
    options.quotaProfile.userUnitsPerMinute = 6e10; // no pacing
    options.quotaProfile.projectUnitsPerMinute = 0;
    const qint64 rssBefore = peakRssKb();
    const double cpuBefore = cpuSecondsOfSelf();
    QElapsedTimer timer;
    timer.start();
    const db::SyncJob job =
        runInitial(options, QStringLiteral("bench"), fast.accessToken(QStringLiteral("bench@example.com")));
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    const qint64 rssPeak = peakRssKb();
    const double cpu = cpuSecondsOfSelf() - cpuBefore;
    const double e2e = double(job.inserted) / seconds;
    std::printf("end to end: %s, %lld inserted, %lld skipped in %.1f s = %.0f messages/s; peak RSS %lld MB "
                "(%lld MB before); sync process CPU %.1f s\n",
                qPrintable(job.status), job.inserted, job.skipped, seconds, e2e, rssPeak / 1024,
                rssBefore / 1024, cpu);

    // The storage path alone on the same rows: read them back, store them for a fresh tenant.
    double copySeconds = 0;
    qsizetype copied = 0;
    {
        db::EmailRepository emails(db::Database::connection());
        const auto rows = emails.list(QStringLiteral("bench"), {}, n + 1000);
        if (!rows || !addTenant(QStringLiteral("copy"), QStringLiteral("copy@example.com")))
            return 1;
        timer.restart();
        for (qsizetype i = 0; i < rows->size(); i += 500) {
            if (!emails.upsert(QStringLiteral("copy"), rows->mid(i, 500))) {
                std::fprintf(stderr, "%s\n", qPrintable(emails.errorString()));
                return 1;
            }
        }
        copySeconds = double(timer.nsecsElapsed()) / 1e9;
        copied = rows->size();
    }
    const double copyRate = double(copied) / copySeconds;
    std::printf("engine's storage path alone (COPY into staging + ON CONFLICT merge, 500-row transactions): "
                "%lld rows in %.1f s = %.0f rows/s; end to end is %.0f%% of it\n",
                qint64(copied), copySeconds, copyRate, 100.0 * e2e / copyRate);
    if (!addTenant(QStringLiteral("plain"), QStringLiteral("plain@example.com")))
        return 1;
    const double plainRate = plainCopyRate(QStringLiteral("bench"), QStringLiteral("plain"));
    std::printf("plain COPY of the same rows into emails (one transaction): %.0f rows/s; "
                "end to end is %.0f%% of it (target >= 50%%)\n",
                plainRate, 100.0 * e2e / plainRate);
    std::fflush(stdout);

    // 2. Gmail-like quota and latency.
    testsupport::SandboxProcess slow({QStringLiteral("--user"), QStringLiteral("quota@example.com"),
                                      QStringLiteral("--generate"), QString::number(m),
                                      QStringLiteral("--days"), QStringLiteral("25")});
    if (!slow.isRunning() || !addTenant(QStringLiteral("quota"), QStringLiteral("quota@example.com")))
        return 1;
    slow.control("PUT", QStringLiteral("/_sandbox/faults"),
                 {{QStringLiteral("latencyMs"), 50}, {QStringLiteral("quotaUnitsPerSecond"), 250}});
    syncengine::SyncOptions quota;
    quota.gmailApiUrl = slow.url();
    quota.quotaProfile = *gmail::QuotaProfile::fromName(gmail::QuotaProfile::Legacy); // 250 units/s
    timer.restart();
    const db::SyncJob paced =
        runInitial(quota, QStringLiteral("quota"), slow.accessToken(QStringLiteral("quota@example.com")));
    const double pacedSeconds = double(timer.nsecsElapsed()) / 1e9;
    const QJsonObject stats = slow.control("GET", QStringLiteral("/_sandbox/stats")).object();
    const double rate = double(paced.processed) / pacedSeconds;
    std::printf(
        "250 units/s + 50 ms: %s, %lld messages in %.1f s = %.1f messages/s = %.0f%% of the 50/s ceiling; "
        "attempts %d; sandbox stats: %s\n",
        qPrintable(paced.status), paced.processed, pacedSeconds, rate, 100.0 * rate / 50.0, paced.attempts,
        QJsonDocument(stats).toJson(QJsonDocument::Compact).left(600).constData());
    // Where the time went (fetch / parse / commit), from the engine's own "job settled" log lines.
    logging::Log::flush();
    QFile log(logging::Log::filePath());
    if (log.open(QIODevice::ReadOnly)) {
        for (const QByteArray &line : log.readAll().split('\n')) {
            if (line.contains("job settled"))
                std::printf("%s\n", line.constData());
        }
    }
    db::Database::closeThreadConnection();
    pg.stop();
    return job.status == QLatin1String("succeeded") && paced.status == QLatin1String("succeeded") ? 0 : 1;
}
