#include "DemoData.h"

#include "db/Database.h"
#include "db/EmailRepository.h"
#include "db/IntegrationRepository.h"
#include "db/JobRepository.h"
#include "db/MessageFailureRepository.h"
#include "db/Migrator.h"
#include "db/TenantRepository.h"

#include <QJsonObject>

namespace ui {

namespace {

db::EmailRecord message(const QString &id, const QString &thread, const QString &subject,
                        const QString &fromName, const QString &from, const QStringList &to,
                        const QDateTime &date, const QStringList &labels, const QString &html,
                        const QString &text) {
    db::EmailRecord r;
    r.gmailMessageId = id;
    r.threadId = thread;
    r.historyId = 1000 + id.mid(1).toLongLong();
    r.subject = subject;
    r.fromName = fromName;
    r.fromAddress = from;
    r.to = to;
    r.sentAt = date;
    r.internalDate = date;
    r.labels = labels;
    r.snippet = text.left(120);
    r.bodyHtml = html;
    r.bodyText = text;
    return r;
}

} // namespace

bool DemoData::seed(QString *error) {
    auto failed = [error](const QString &what) {
        if (error)
            *error = what;
        return false;
    };
    QSqlDatabase conn = db::Database::connection();
    db::Migrator migrator(conn);
    if (!migrator.migrate())
        return failed(migrator.errorString());
    db::TenantRepository tenants(conn);
    db::IntegrationRepository integrations(conn);
    db::JobRepository jobs(conn);
    db::EmailRepository emails(conn);

    struct T {
        const char *id, *name, *address;
    };
    const QList<T> all{{"acme", "ACME Corp", "ops@acme.example"},
                       {"globex", "Globex", "mail@globex.example"},
                       {"initech", "Initech", "tps@initech.example"},
                       {"umbrella", "Umbrella", "it@umbrella.example"},
                       {"hooli", "Hooli", "admin@hooli.example"}};
    for (const T &t : all) {
        db::Tenant tenant;
        tenant.id = QLatin1String(t.id);
        tenant.displayName = QLatin1String(t.name);
        tenant.gmailAddress = QLatin1String(t.address);
        if (!tenants.add(tenant))
            return failed(tenants.errorString());
        // Demo rows only: the "keys" are a placeholder, never real credentials.
        if (QLatin1String(t.id) != QLatin1String("hooli") &&
            !integrations.upsert(tenant.id, db::IntegrationRepository::Gmail,
                                 QLatin1String(t.id) == QLatin1String("globex")
                                     ? QStringLiteral("service_account")
                                     : QStringLiteral("oauth"),
                                 QByteArrayLiteral("demo-placeholder"), QStringLiteral("demo")))
            return failed(integrations.errorString());
    }
    if (!integrations.setStatus(QStringLiteral("umbrella"), db::IntegrationRepository::Gmail,
                                QStringLiteral("needs_reauth"),
                                QStringLiteral("invalid_grant: token revoked by the user")))
        return failed(integrations.errorString());

    // Finished history for the charts: a few jobs per tenant, run now (durations vary by kind).
    const QString worker = QStringLiteral("demo-host:4242:1");
    auto runJob = [&](const QString &tenant, const ::jobs::JobParams &params, qint64 processed, bool fail,
                      const QList<db::FailedMessage> &failures = {}) -> bool {
        const auto id = jobs.enqueue(tenant, params, true);
        if (!id)
            return false;
        std::optional<db::SyncJob> job;
        db::ClaimOptions options;
        options.workerId = worker;
        options.onlyJobId = *id;
        if (!jobs.claimNext(options, &job) || !job)
            return false;
        db::JobCounts counts;
        counts.processed = processed;
        counts.inserted = processed * 9 / 10;
        counts.updated = processed / 10;
        counts.failed = failures.size();
        if (!jobs.checkpoint(*id, worker, {{QStringLiteral("page"), 3}}, counts))
            return false;
        db::MessageFailureRepository failed(conn);
        if (!failed.record(tenant, *id, failures, db::MessageFailureRepository::kDefaultMaxAttempts))
            return false;
        if (fail) {
            bool final = false;
            return jobs.failStep(
                *id, worker, QStringLiteral("Gmail answered 403 userRateLimitExceeded 6 times"),
                QStringLiteral("GET /gmail/v1/users/me/messages/18c2f…: 403 userRateLimitExceeded\n"
                               "retried with backoff 2 s, 4 s, 8 s, 16 s, 32 s"),
                true, 0, 1, &final);
        }
        return jobs.succeed(*id, worker);
    };
    if (!runJob(QStringLiteral("acme"), ::jobs::InitialParams{}, 41250, false) ||
        !runJob(QStringLiteral("acme"), ::jobs::IncrementalParams{}, 312, false,
                {{QStringLiteral("18c2f4e07b1d9a03"), db::MessageFailure::Kind::Fetch,
                  QStringLiteral("Gmail answered 500 backendError (6 attempts)")},
                 {QStringLiteral("18c2f51a9c0e7b44"), db::MessageFailure::Kind::TooLarge,
                  QStringLiteral("the message is 41 MB, over the size cap")}}) ||
        !runJob(QStringLiteral("globex"), ::jobs::InitialParams{}, 18800, false) ||
        !runJob(QStringLiteral("initech"),
                ::jobs::HistoricalParams{QDate(2024, 1, 1), QDate(2024, 3, 31), false}, 5200, false) ||
        !runJob(QStringLiteral("umbrella"), ::jobs::IncrementalParams{}, 40, true))
        return failed(jobs.errorString());

    // One sync running with progress, one tenant with a stuck lease, one job queued.
    const auto lease = tenants.tryAcquireLease(QStringLiteral("globex"), worker);
    if (!lease || !lease->acquired)
        return failed(tenants.errorString());
    const auto running = jobs.enqueue(QStringLiteral("globex"), ::jobs::IncrementalParams{}, true);
    std::optional<db::SyncJob> claimed;
    db::ClaimOptions options;
    options.workerId = worker;
    options.onlyJobId = running.value_or(0);
    db::JobCounts runningCounts;
    runningCounts.processed = 2840;
    runningCounts.inserted = 2790;
    runningCounts.updated = 50;
    if (!running || !jobs.claimNext(options, &claimed) || !claimed ||
        !jobs.checkpoint(*running, worker, {{QStringLiteral("page"), 29}}, runningCounts) ||
        !jobs.progress(*running, QStringLiteral("globex"), QStringLiteral("fetching"), 2840, 6500, 47.5))
        return failed(jobs.errorString());
    const auto stuck = tenants.tryAcquireLease(QStringLiteral("initech"), QStringLiteral("old-host:917:2"));
    if (!stuck || !stuck->acquired)
        return failed(tenants.errorString());
    if (!jobs.enqueue(QStringLiteral("hooli"), ::jobs::InitialParams{}, false))
        return failed(jobs.errorString());

    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QList<db::EmailRecord> acme{
        message(QStringLiteral("m1"), QStringLiteral("t1"), QStringLiteral("Quarterly report Q3"),
                QStringLiteral("Dana Scully"), QStringLiteral("dana@acme.example"),
                {QStringLiteral("ops@acme.example")}, now.addDays(-2),
                {QStringLiteral("INBOX"), QStringLiteral("IMPORTANT")},
                QStringLiteral(
                    "<p>Hi team,</p><p>the <b>Q3 report</b> is attached. Revenue is up 12%.</p>"
                    "<script>alert('x')</script><img src=\"https://tracker.example/p.gif\">"
                    "<p>Details on <a href=\"https://intranet.acme.example/q3\">the intranet</a>.</p>"),
                QStringLiteral("Hi team, the Q3 report is attached. Revenue is up 12%.")),
        message(QStringLiteral("m2"), QStringLiteral("t1"), QStringLiteral("Re: Quarterly report Q3"),
                QStringLiteral("Fox Mulder"), QStringLiteral("fox@acme.example"),
                {QStringLiteral("dana@acme.example")}, now.addDays(-1),
                {QStringLiteral("INBOX"), QStringLiteral("SENT")}, QString(),
                QStringLiteral(
                    "Thanks Dana.\n\nCan we go over the numbers on Monday?\n\n> the Q3 report is attached")),
        message(
            QStringLiteral("m3"), QStringLiteral("t2"), QStringLiteral("Server maintenance on Saturday"),
            QStringLiteral("IT Desk"), QStringLiteral("it@acme.example"),
            {QStringLiteral("all@acme.example")}, now.addDays(-3), {QStringLiteral("INBOX")}, QString(),
            QStringLiteral("The mail server is down for maintenance on Saturday from 06:00 to 08:00 UTC.")),
        message(QStringLiteral("m4"), QStringLiteral("t3"), QStringLiteral("Invoice 2024-117"),
                QStringLiteral("Billing"), QStringLiteral("billing@supplier.example"),
                {QStringLiteral("ops@acme.example")}, now.addDays(-5),
                {QStringLiteral("INBOX"), QStringLiteral("CATEGORY_UPDATES")}, QString(),
                QStringLiteral("Please find invoice 2024-117 attached. Payment due in 30 days.")),
        message(QStringLiteral("m5"), QStringLiteral("t4"), QStringLiteral("Welcome aboard!"),
                QStringLiteral("HR"), QStringLiteral("hr@acme.example"), {QStringLiteral("ops@acme.example")},
                now.addDays(-9), {QStringLiteral("INBOX"), QStringLiteral("STARRED")}, QString(),
                QStringLiteral("Welcome to ACME. Your onboarding starts Monday.")),
    };
    auto withAttachment = acme;
    withAttachment[0].attachmentsJson = QByteArrayLiteral(
        R"([{"filename":"Q3-report.pdf","mimeType":"application/pdf","size":482133,"attachmentId":"a1"}])");
    withAttachment[3].attachmentsJson = QByteArrayLiteral(
        R"([{"filename":"invoice-2024-117.pdf","mimeType":"application/pdf","size":90412,"attachmentId":"a2"}])");
    if (!emails.upsert(QStringLiteral("acme"), withAttachment))
        return failed(emails.errorString());
    if (!emails.upsert(
            QStringLiteral("globex"),
            {message(QStringLiteral("m6"), QStringLiteral("g1"), QStringLiteral("Shipping schedule"),
                     QStringLiteral("Hank Scorpio"), QStringLiteral("hank@globex.example"),
                     {QStringLiteral("mail@globex.example")}, now.addDays(-4), {QStringLiteral("INBOX")},
                     QString(), QStringLiteral("The new shipping schedule starts next week."))}))
        return failed(emails.errorString());
    if (!tenants.recordSuccessfulSync(QStringLiteral("acme"), 1005) ||
        !tenants.recordSuccessfulSync(QStringLiteral("globex"), 1006) ||
        !tenants.setWatch(QStringLiteral("acme"), QStringLiteral("projects/demo/topics/gmail"),
                          now.addDays(6)))
        return failed(tenants.errorString());
    return true;
}

} // namespace ui
