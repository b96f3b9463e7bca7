#include "demo/DemoSeeder.h"

#include "db/Database.h"
#include "db/EmailRepository.h"
#include "db/IntegrationRepository.h"
#include "db/JobRepository.h"
#include "db/MessageFailureRepository.h"
#include "db/Migrator.h"
#include "db/TenantRepository.h"

#include <QJsonObject>

namespace demo {

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

QList<db::EmailRecord> acmeMail(const QDateTime &now) {
    QList<db::EmailRecord> acme{
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
    acme[0].attachmentsJson = QByteArrayLiteral(
        R"([{"filename":"Q3-report.pdf","mimeType":"application/pdf","size":482133,"attachmentId":"a1"}])");
    acme[3].attachmentsJson = QByteArrayLiteral(
        R"([{"filename":"invoice-2024-117.pdf","mimeType":"application/pdf","size":90412,"attachmentId":"a2"}])");
    return acme;
}

// The repositories on one connection and the first error, so each seeding step reads as a list.
class Seeding final {
public:
    explicit Seeding(QSqlDatabase conn)
        : m_conn(conn)
        , m_tenants(conn)
        , m_integrations(conn)
        , m_jobs(conn)
        , m_emails(conn) {}

    bool tenants();
    bool history();
    bool activity();
    bool mail();
    QString error() const { return m_error; }

private:
    bool failed(const QString &error) {
        m_error = error;
        return false;
    }
    bool finishedJob(const QString &tenant, const ::jobs::JobParams &params, qint64 processed, bool fail,
                     const QList<db::FailedMessage> &failures = {});
    bool runningJob();

    const QString m_worker = QStringLiteral("demo-host:4242:1");
    QSqlDatabase m_conn;
    db::TenantRepository m_tenants;
    db::IntegrationRepository m_integrations;
    db::JobRepository m_jobs;
    db::EmailRepository m_emails;
    QString m_error;
};

bool Seeding::tenants() {
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
        if (!m_tenants.add(tenant))
            return failed(m_tenants.errorString());
        // Demo rows only: the "keys" are a placeholder, never real credentials.
        if (tenant.id != QLatin1String("hooli") &&
            !m_integrations.upsert(tenant.id, db::IntegrationRepository::Gmail,
                                   tenant.id == QLatin1String("globex") ? QStringLiteral("service_account")
                                                                        : QStringLiteral("oauth"),
                                   QByteArrayLiteral("demo-placeholder"), QStringLiteral("demo")))
            return failed(m_integrations.errorString());
    }
    if (!m_integrations.setStatus(QStringLiteral("umbrella"), db::IntegrationRepository::Gmail,
                                  QStringLiteral("needs_reauth"),
                                  QStringLiteral("invalid_grant: token revoked by the user")))
        return failed(m_integrations.errorString());
    return true;
}

// A job claimed, checkpointed and finished now (succeeded, or failed after retries).
bool Seeding::finishedJob(const QString &tenant, const ::jobs::JobParams &params, qint64 processed, bool fail,
                          const QList<db::FailedMessage> &failures) {
    const auto id = m_jobs.enqueue(tenant, params, true);
    if (!id)
        return false;
    std::optional<db::SyncJob> job;
    db::ClaimOptions options;
    options.workerId = m_worker;
    options.onlyJobId = *id;
    if (!m_jobs.claimNext(options, &job) || !job)
        return false;
    db::JobCounts counts;
    counts.processed = processed;
    counts.inserted = processed * 9 / 10;
    counts.updated = processed / 10;
    counts.failed = failures.size();
    if (!m_jobs.checkpoint(*id, m_worker, {{QStringLiteral("page"), 3}}, counts))
        return false;
    db::MessageFailureRepository failedMessages(m_conn);
    if (!failedMessages.record(tenant, *id, failures, db::MessageFailureRepository::kDefaultMaxAttempts))
        return false;
    if (fail) {
        bool final = false;
        return m_jobs.failStep(
            *id, m_worker, QStringLiteral("Gmail answered 403 userRateLimitExceeded 6 times"),
            QStringLiteral("GET /gmail/v1/users/me/messages/18c2f…: 403 userRateLimitExceeded\n"
                           "retried with backoff 2 s, 4 s, 8 s, 16 s, 32 s"),
            true, 0, 1, &final);
    }
    return m_jobs.succeed(*id, m_worker);
}

// Finished history for the charts: a few jobs per tenant, run now (durations vary by kind).
bool Seeding::history() {
    if (!finishedJob(QStringLiteral("acme"), ::jobs::InitialParams{}, 41250, false) ||
        !finishedJob(QStringLiteral("acme"), ::jobs::IncrementalParams{}, 312, false,
                     {{QStringLiteral("18c2f4e07b1d9a03"), db::MessageFailure::Kind::Fetch,
                       QStringLiteral("Gmail answered 500 backendError (6 attempts)")},
                      {QStringLiteral("18c2f51a9c0e7b44"), db::MessageFailure::Kind::TooLarge,
                       QStringLiteral("the message is 41 MB, over the size cap")}}) ||
        !finishedJob(QStringLiteral("globex"), ::jobs::InitialParams{}, 18800, false) ||
        !finishedJob(QStringLiteral("initech"),
                     ::jobs::HistoricalParams{QDate(2024, 1, 1), QDate(2024, 3, 31), false}, 5200, false) ||
        !finishedJob(QStringLiteral("umbrella"), ::jobs::IncrementalParams{}, 40, true))
        return failed(m_jobs.errorString());
    return true;
}

bool Seeding::runningJob() {
    const auto running = m_jobs.enqueue(QStringLiteral("globex"), ::jobs::IncrementalParams{}, true);
    std::optional<db::SyncJob> claimed;
    db::ClaimOptions options;
    options.workerId = m_worker;
    options.onlyJobId = running.value_or(0);
    db::JobCounts counts;
    counts.processed = 2840;
    counts.inserted = 2790;
    counts.updated = 50;
    return running && m_jobs.claimNext(options, &claimed) && claimed &&
           m_jobs.checkpoint(*running, m_worker, {{QStringLiteral("page"), 29}}, counts) &&
           m_jobs.progress(*running, QStringLiteral("globex"), QStringLiteral("fetching"), 2840, 6500, 47.5);
}

// One sync running with progress, one tenant with a stuck lease, one job queued.
bool Seeding::activity() {
    const auto lease = m_tenants.tryAcquireLease(QStringLiteral("globex"), m_worker);
    if (!lease || !lease->acquired)
        return failed(m_tenants.errorString());
    if (!runningJob())
        return failed(m_jobs.errorString());
    const auto stuck = m_tenants.tryAcquireLease(QStringLiteral("initech"), QStringLiteral("old-host:917:2"));
    if (!stuck || !stuck->acquired)
        return failed(m_tenants.errorString());
    if (!m_jobs.enqueue(QStringLiteral("hooli"), ::jobs::InitialParams{}, false))
        return failed(m_jobs.errorString());
    return true;
}

bool Seeding::mail() {
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (!m_emails.upsert(QStringLiteral("acme"), acmeMail(now)))
        return failed(m_emails.errorString());
    if (!m_emails.upsert(
            QStringLiteral("globex"),
            {message(QStringLiteral("m6"), QStringLiteral("g1"), QStringLiteral("Shipping schedule"),
                     QStringLiteral("Hank Scorpio"), QStringLiteral("hank@globex.example"),
                     {QStringLiteral("mail@globex.example")}, now.addDays(-4), {QStringLiteral("INBOX")},
                     QString(), QStringLiteral("The new shipping schedule starts next week."))}))
        return failed(m_emails.errorString());
    if (!m_tenants.recordSuccessfulSync(QStringLiteral("acme"), 1005) ||
        !m_tenants.recordSuccessfulSync(QStringLiteral("globex"), 1006) ||
        !m_tenants.setWatch(QStringLiteral("acme"), QStringLiteral("projects/demo/topics/gmail"),
                            now.addDays(6)))
        return failed(m_tenants.errorString());
    return true;
}

} // namespace

bool DemoSeeder::seed(QString *error) {
    QSqlDatabase conn = db::Database::connection();
    db::Migrator migrator(conn);
    if (!migrator.migrate()) {
        if (error)
            *error = migrator.errorString();
        return false;
    }
    Seeding seeding(conn);
    if (seeding.tenants() && seeding.history() && seeding.activity() && seeding.mail())
        return true;
    if (error)
        *error = seeding.error();
    return false;
}

} // namespace demo
