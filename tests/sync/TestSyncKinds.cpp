#include "SyncTestEnv.h"
#include "db/Migrator.h"

#include "sync/GmailMailSource.h"

#include <QJsonDocument>
#include <QSqlQuery>
#include <QTest>

using synctest::Env;

// The sync kinds end to end: real gmail-sandbox, real PostgreSQL, the real Gmail client. After every job
// the `emails` table must equal the mailbox (ids and labels; GET /_sandbox/users/{email}/state).
class TestSyncKinds final : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<Env> m_env;

private Q_SLOTS:
    void initTestCase() {
        m_env = std::make_unique<Env>();
        QVERIFY(m_env->init());
    }
    void cleanupTestCase() { m_env.reset(); }

private:
    static int seenIdsOf(qint64 jobId) {
        QSqlQuery q(db::Database::connection());
        q.prepare(QStringLiteral("SELECT count(*) FROM sync_job_seen_ids WHERE job_id = :id"));
        q.bindValue(QStringLiteral(":id"), jobId);
        return q.exec() && q.next() ? q.value(0).toInt() : -1;
    }

    // Empty when every id the table lacks (and only those) is recorded in message_failures, at most
    // `failed` of them, and nothing else differs.
    QString diffBesidesRecordedFailures(const QString &tenantId, qint64 failed) {
        const auto box = m_env->mailboxState(tenantId);
        const auto table = m_env->tableState(tenantId);
        QSqlQuery q(db::Database::connection());
        q.prepare(QStringLiteral("SELECT gmail_message_id FROM message_failures WHERE tenant_id = :t"));
        q.bindValue(QStringLiteral(":t"), tenantId);
        QSet<QString> recorded;
        if (q.exec())
            while (q.next())
                recorded.insert(q.value(0).toString());
        int missing = 0;
        for (auto it = box.cbegin(); it != box.cend(); ++it) {
            if (!table.contains(it.key())) {
                if (!recorded.contains(it.key()))
                    return QStringLiteral("missing and not recorded: %1").arg(it.key());
                ++missing;
            } else if (table.value(it.key()) != it.value()) {
                return QStringLiteral("labels of %1 differ").arg(it.key());
            }
        }
        for (auto it = table.cbegin(); it != table.cend(); ++it) {
            if (!box.contains(it.key()))
                return QStringLiteral("extra %1").arg(it.key());
        }
        return missing <= failed ? QString()
                                 : QStringLiteral("%1 missing, %2 failed").arg(missing).arg(failed);
    }

private Q_SLOTS:

    void initialSyncMirrorsTheMailbox() {
        Env &env = *m_env;
        QVERIFY(env.addMailbox(QStringLiteral("initial"), QStringLiteral("initial@example.com"), 240, 20));
        qint64 historyId = 0;
        const auto box = env.mailboxState(QStringLiteral("initial"), &historyId);
        QCOMPARE(box.size(), 240);
        const db::SyncJob job =
            env.runToEnd(env.enqueue(QStringLiteral("initial"), QStringLiteral("initial")));
        QVERIFY2(job.status == QLatin1String("succeeded"),
                 qPrintable(job.status + QLatin1Char(' ') + job.errorMessage));
        QCOMPARE(job.inserted, 240);
        QCOMPARE(job.processed, 240);
        QCOMPARE(job.startHistoryId.value_or(0), historyId);
        QVERIFY2(env.diff(QStringLiteral("initial")).isEmpty(),
                 qPrintable(env.diff(QStringLiteral("initial"))));
        db::TenantRepository tenants(db::Database::connection());
        QCOMPARE(tenants.find(QStringLiteral("initial"))->historyId.value_or(0), historyId);
        QVERIFY(tenants.find(QStringLiteral("initial"))->syncLockedBy.isEmpty()); // lease released
        // Parsed content arrived.
        db::EmailRepository emails(db::Database::connection());
        const auto rows = emails.list(QStringLiteral("initial"), {}, 5);
        QVERIFY(rows && rows->size() == 5);
        for (const db::EmailRecord &r : *rows) {
            QVERIFY(!r.threadId.isEmpty());
            QVERIFY(r.internalDate.isValid());
            QVERIFY(!r.fromAddress.isEmpty() || !r.parseWarnings.isEmpty());
        }
        // A second initial sync changes nothing.
        const db::SyncJob again =
            env.runToEnd(env.enqueue(QStringLiteral("initial"), QStringLiteral("initial")));
        QCOMPARE(again.status, QStringLiteral("succeeded"));
        QCOMPARE(again.inserted, 0);
        QCOMPARE(again.deleted, 0);
    }

    void initialSyncCountsOnlyItsWindow() {
        // 60 days of mail, a 30-day window: the messages the list query lets in around the window's
        // start are fetched but neither stored nor counted as processed.
        Env &env = *m_env;
        QVERIFY(env.addMailbox(QStringLiteral("window"), QStringLiteral("window@example.com"), 300, 60));
        const db::SyncJob job =
            env.runToEnd(env.enqueue(QStringLiteral("window"), QStringLiteral("initial")));
        QVERIFY2(job.status == QLatin1String("succeeded"),
                 qPrintable(job.status + QLatin1Char(' ') + job.errorMessage));
        QVERIFY2(job.inserted > 100 && job.inserted < 200, qPrintable(QString::number(job.inserted)));
        QCOMPARE(job.processed, job.inserted + job.updated + job.skipped);
    }

    void incrementalAppliesAddsDeletesAndLabels() {
        Env &env = *m_env;
        const QString t = QStringLiteral("incr");
        QVERIFY(env.addMailbox(t, QStringLiteral("incr@example.com"), 60, 10));
        QCOMPARE(env.runToEnd(env.enqueue(t, QStringLiteral("initial"))).status, QStringLiteral("succeeded"));
        const QStringList ids = env.mailboxState(t).keys();
        QVERIFY(ids.size() == 60);
        const QString a1 = env.addMessage(t, QStringLiteral("new one"));
        const QString a2 = env.addMessage(t, QStringLiteral("new two"),
                                          {QStringLiteral("INBOX"), QStringLiteral("IMPORTANT")});
        const QString a3 = env.addMessage(t, QStringLiteral("added then deleted"));
        QVERIFY(!a1.isEmpty() && !a2.isEmpty() && !a3.isEmpty());
        QVERIFY(env.deleteMessage(t, a3));
        QVERIFY(env.deleteMessage(t, ids.at(0)));
        QVERIFY(env.deleteMessage(t, ids.at(1)));
        QVERIFY(env.modify(t, ids.at(2), {QStringLiteral("STARRED")}, {}));
        QVERIFY(env.modify(t, ids.at(3), {QStringLiteral("TRASH")}, {QStringLiteral("INBOX")}));
        QVERIFY(env.modify(t, ids.at(4), {QStringLiteral("Label_1")}, {}));
        QVERIFY(env.modify(t, ids.at(4), {}, {QStringLiteral("Label_1")}));
        QVERIFY(env.modify(t, a1, {QStringLiteral("STARRED")}, {}));
        qint64 historyId = 0;
        env.mailboxState(t, &historyId);

        const db::SyncJob job = env.runToEnd(env.enqueue(t, QStringLiteral("incremental")));
        QVERIFY2(job.status == QLatin1String("succeeded"), qPrintable(job.errorMessage));
        QCOMPARE(job.inserted, 2);
        QCOMPARE(job.deleted, 2);
        QVERIFY2(env.diff(t).isEmpty(), qPrintable(env.diff(t)));
        db::TenantRepository tenants(db::Database::connection());
        QCOMPARE(tenants.find(t)->historyId.value_or(0), historyId);
        QCOMPARE(job.endHistoryId.value_or(0), historyId);

        // Nothing new: an incremental sync is a no-op that keeps the position.
        const db::SyncJob idle = env.runToEnd(env.enqueue(t, QStringLiteral("push")));
        QCOMPARE(idle.status, QStringLiteral("succeeded"));
        QCOMPARE(idle.inserted + idle.updated + idle.deleted, 0);
        QCOMPARE(tenants.find(t)->historyId.value_or(0), historyId);
    }

    void history404RunsAFullResync() {
        Env &env = *m_env;
        const QString t = QStringLiteral("expired");
        QVERIFY(env.addMailbox(t, QStringLiteral("expired@example.com"), 50, 10));
        QCOMPARE(env.runToEnd(env.enqueue(t, QStringLiteral("initial"))).status, QStringLiteral("succeeded"));
        const QStringList ids = env.mailboxState(t).keys();
        QVERIFY(env.deleteMessage(t, ids.at(0)));
        QVERIFY(env.modify(t, ids.at(1), {QStringLiteral("STARRED")}, {QStringLiteral("UNREAD")}));
        const QString added = env.addMessage(t, QStringLiteral("after expiry"));
        int status = 0;
        env.sandbox.control("POST", QStringLiteral("/_sandbox/users/%1/expire-history").arg(env.email(t)), {},
                            &status);
        QCOMPARE(status, 200);
        const db::SyncJob job = env.runToEnd(env.enqueue(t, QStringLiteral("incremental")));
        QVERIFY2(job.status == QLatin1String("succeeded"), qPrintable(job.errorMessage));
        QVERIFY2(job.errorDetail.contains(QStringLiteral("404")), qPrintable(job.errorDetail));
        QCOMPARE(job.checkpoint.value(QStringLiteral("mode")).toString(), QStringLiteral("resync"));
        QCOMPARE(job.deleted, 1);
        QVERIFY2(env.diff(t).isEmpty(), qPrintable(env.diff(t)));
        QVERIFY(env.tableState(t).contains(added));
        QCOMPARE(seenIdsOf(job.id), 0); // the listed ids are forgotten after the sweep
        // The new position works: the next incremental is a plain one.
        const db::SyncJob next = env.runToEnd(env.enqueue(t, QStringLiteral("incremental")));
        QCOMPARE(next.status, QStringLiteral("succeeded"));
        QCOMPARE(next.checkpoint.value(QStringLiteral("mode")).toString(), QStringLiteral("incremental"));
    }

    void resyncFromAnOldCheckpointListsAgainBeforeTheSweep() {
        // A resync resumed from a checkpoint written before the listed ids were kept in the database
        // (no "seenInDb"): it lists the window again, then sweeps exactly the vanished messages.
        Env &env = *m_env;
        const QString t = QStringLiteral("legacy");
        QVERIFY(env.addMailbox(t, QStringLiteral("legacy@example.com"), 40, 10));
        QCOMPARE(env.runToEnd(env.enqueue(t, QStringLiteral("initial"))).status, QStringLiteral("succeeded"));
        const QStringList ids = env.mailboxState(t).keys();
        QVERIFY(env.deleteMessage(t, ids.at(3)));
        QVERIFY(env.deleteMessage(t, ids.at(7)));
        qint64 historyId = 0;
        env.mailboxState(t, &historyId);
        const qint64 id = env.enqueue(t, QStringLiteral("incremental"));
        const QJsonObject legacy{{QStringLiteral("mode"), QStringLiteral("resync")},
                                 {QStringLiteral("historyId"), QString::number(historyId)},
                                 {QStringLiteral("after"), QDateTime::currentSecsSinceEpoch() - 30 * 86400},
                                 {QStringLiteral("pageToken"), QString()},
                                 {QStringLiteral("listed"), true}};
        QSqlQuery q(db::Database::connection()); // test set-up: an old worker's checkpoint
        q.prepare(QStringLiteral("UPDATE sync_jobs SET checkpoint = CAST(:cp AS jsonb) WHERE id = :id"));
        q.bindValue(QStringLiteral(":cp"),
                    QString::fromUtf8(QJsonDocument(legacy).toJson(QJsonDocument::Compact)));
        q.bindValue(QStringLiteral(":id"), id);
        QVERIFY(q.exec());
        // The upgrade that brings this version runs migration 0010 over such rows (typed checkpoints).
        QVERIFY(q.exec(QStringLiteral("DELETE FROM schema_migrations WHERE version = 10")));
        db::Migrator migrator(db::Database::connection());
        QVERIFY2(migrator.migrate(), qPrintable(migrator.errorString()));
        const db::SyncJob job = env.runToEnd(id);
        QVERIFY2(job.status == QLatin1String("succeeded"), qPrintable(job.errorMessage));
        QCOMPARE(job.deleted, 2);
        QVERIFY2(env.diff(t).isEmpty(), qPrintable(env.diff(t)));
        QCOMPARE(seenIdsOf(id), 0);
    }

    void historicalCoversMonthsExactly() {
        Env &env = *m_env;
        const QString t = QStringLiteral("history");
        QVERIFY(env.addMailbox(t, QStringLiteral("history@example.com"), 300, 150));
        const QDate today = QDate::currentDate();
        const QDate from = today.addDays(-120);
        const QDate to = today.addDays(-40);
        const db::SyncJob job =
            env.runToEnd(env.enqueue(t, QStringLiteral("historical"),
                                     {{QStringLiteral("from"), from.toString(Qt::ISODate)},
                                      {QStringLiteral("to"), to.toString(Qt::ISODate)}}));
        QVERIFY2(job.status == QLatin1String("succeeded"), qPrintable(job.errorMessage));
        QVERIFY(job.checkpoint.value(QStringLiteral("done")).toBool());
        QCOMPARE(job.checkpoint.value(QStringLiteral("month")).toString(),
                 to.toString(QStringLiteral("yyyy-MM")));
        // Expected: every mailbox message with internalDate in [from 00:00Z, to+1 00:00Z), asked of the
        // sandbox with exact epoch bounds (its q after:/before: are exact).
        const qint64 lo = QDateTime(from, QTime(0, 0), Qt::UTC).toSecsSinceEpoch();
        const qint64 hi = QDateTime(to.addDays(1), QTime(0, 0), Qt::UTC).toSecsSinceEpoch();
        QSet<QString> expected;
        QString token;
        const QByteArray auth = "Bearer " + env.sandbox.accessToken(env.email(t)).toUtf8();
        do {
            const auto reply = env.sandbox.request(
                "GET",
                QStringLiteral("/gmail/v1/users/me/"
                               "messages?maxResults=500&includeSpamTrash=true&q=after:%1%20before:%2%3")
                    .arg(lo - 1)
                    .arg(hi)
                    .arg(token.isEmpty() ? QString() : QStringLiteral("&pageToken=") + token),
                {}, {{"Authorization", auth}});
            QCOMPARE(reply.status, 200);
            for (const QJsonValue &m : reply.json().value(QStringLiteral("messages")).toArray())
                expected.insert(m.toObject().value(QStringLiteral("id")).toString());
            token = reply.json().value(QStringLiteral("nextPageToken")).toString();
        } while (!token.isEmpty());
        const auto table = env.tableState(t);
        QVERIFY(expected.size() > 100);
        QVERIFY(expected.size() < 300);
        QCOMPARE(QSet<QString>(table.keyBegin(), table.keyEnd()), expected);
        QCOMPARE(job.inserted, expected.size());
        db::EmailRepository emails(db::Database::connection());
        const auto rows = emails.list(t, {}, 1000); // kept: a range-for over *temporary would dangle
        QVERIFY(rows);
        for (const db::EmailRecord &r : *rows) {
            QVERIFY(r.internalDate.toSecsSinceEpoch() >= lo);
            QVERIFY(r.internalDate.toSecsSinceEpoch() < hi);
        }
        // The tenant's history position is not touched by a historical sync.
        db::TenantRepository tenants(db::Database::connection());
        QVERIFY(!tenants.find(t)->historyId.has_value());
    }

    void faultsAreSurvived() {
        Env &env = *m_env;
        const QString t = QStringLiteral("faulty");
        QVERIFY(env.addMailbox(t, QStringLiteral("faulty@example.com"), 200, 20));
        int status = 0;
        env.sandbox.control("PUT", QStringLiteral("/_sandbox/faults"),
                            {{QStringLiteral("rate429"), 0.08},
                             {QStringLiteral("rate403"), 0.03},
                             {QStringLiteral("rate500"), 0.05},
                             {QStringLiteral("rate503"), 0.05},
                             {QStringLiteral("dropRate"), 0.02},
                             {QStringLiteral("truncateRate"), 0.02},
                             {QStringLiteral("seed"), 11}},
                            &status);
        QCOMPARE(status, 200);
        const db::SyncJob job = env.runToEnd(env.enqueue(t, QStringLiteral("initial")), 20);
        // A message still failing after the client's retries is recorded, not lost: the table holds the
        // mailbox minus exactly the recorded failures (issue 10).
        const QString d1 = diffBesidesRecordedFailures(t, job.failed);
        const QString m1 = env.addMessage(t, QStringLiteral("during faults"));
        QVERIFY(env.modify(t, env.mailboxState(t).keys().first(), {QStringLiteral("STARRED")}, {}));
        const db::SyncJob inc = env.runToEnd(env.enqueue(t, QStringLiteral("incremental")), 20);
        const QJsonObject stats = env.sandbox.control("GET", QStringLiteral("/_sandbox/stats")).object();
        env.sandbox.control("DELETE", QStringLiteral("/_sandbox/faults"));
        QVERIFY2(job.status == QLatin1String("succeeded"), qPrintable(job.errorMessage));
        QVERIFY2(d1.isEmpty(), qPrintable(d1));
        QVERIFY2(inc.status == QLatin1String("succeeded"), qPrintable(inc.errorMessage));
        QVERIFY2(diffBesidesRecordedFailures(t, inc.failed).isEmpty(), qPrintable(env.diff(t)));
        // Without faults, the next sync retries what failed first: then the table equals the mailbox.
        const db::SyncJob after = env.runToEnd(env.enqueue(t, QStringLiteral("incremental")), 20);
        QCOMPARE(after.failed, 0);
        QVERIFY2(env.diff(t).isEmpty(), qPrintable(env.diff(t)));
        QCOMPARE(synctest::scalar(
                     QStringLiteral("SELECT count(*) FROM message_failures WHERE tenant_id = 'faulty'"))
                     .toInt(),
                 0);
        QVERIFY(env.tableState(t).contains(m1));
        // Faults really happened.
        QVERIFY2(QJsonDocument(stats).toJson().contains("fault"), QJsonDocument(stats).toJson().constData());
    }

    void messageDeletedBetweenListAndGetIsSkipped() {
        Env &env = *m_env;
        const QString t = QStringLiteral("racy");
        QVERIFY(env.addMailbox(t, QStringLiteral("racy@example.com"), 30, 10));
        // The real Gmail source, with the race made deterministic: right after the first listing, two
        // listed messages are deleted in the sandbox (as another client would), before they are fetched.
        auto base = env.options.mailSourceFactory;
        testsupport::SandboxProcess *sandbox = &env.sandbox;
        const QString email = env.email(t);
        QStringList victims;
        env.options.mailSourceFactory =
            [&env, sandbox, email, &victims](const QString &tenantId, const QString &addr,
                                             QString *error) -> std::unique_ptr<syncengine::MailSource> {
            class Racing final : public syncengine::MailSource {
            public:
                Racing(std::unique_ptr<syncengine::MailSource> inner,
                       std::function<void(const QStringList &)> onList)
                    : m_inner(std::move(inner))
                    , m_onList(std::move(onList)) {}
                std::optional<syncengine::MailboxProfile> profile(syncengine::SourceError *e) override {
                    return m_inner->profile(e);
                }
                std::optional<syncengine::MessageIdPage>
                listMessages(const QString &q, const QString &p, int n, syncengine::SourceError *e) override {
                    auto page = m_inner->listMessages(q, p, n, e);
                    if (page && m_onList) {
                        m_onList(page->ids);
                        m_onList = {};
                    }
                    return page;
                }
                std::optional<syncengine::SourceFetch> fetchRaw(const QStringList &ids,
                                                                syncengine::SourceError *e) override {
                    return m_inner->fetchRaw(ids, e);
                }
                std::optional<syncengine::SourceHistoryPage>
                listHistory(qint64 s, const QString &p, syncengine::SourceError *e) override {
                    return m_inner->listHistory(s, p, e);
                }
                void cancel() override { m_inner->cancel(); }

            private:
                std::unique_ptr<syncengine::MailSource> m_inner;
                std::function<void(const QStringList &)> m_onList;
            };
            auto inner = syncengine::GmailMailSource::factory(
                env.options.gmailApiUrl, env.options.tokenProviderFactory, env.options.quotaProfile,
                env.options.quotaProject, nullptr)(tenantId, addr, error);
            return std::make_unique<Racing>(
                std::move(inner), [sandbox, email, &victims](const QStringList &ids) {
                    victims = ids.mid(3, 2);
                    for (const QString &id : victims)
                        sandbox->control("DELETE",
                                         QStringLiteral("/_sandbox/users/%1/messages/%2").arg(email, id));
                });
        };
        const db::SyncJob job = env.runToEnd(env.enqueue(t, QStringLiteral("initial")));
        env.options.mailSourceFactory = base;
        QVERIFY2(job.status == QLatin1String("succeeded"), qPrintable(job.errorMessage));
        QCOMPARE(victims.size(), 2);
        QCOMPARE(job.skipped, 2);
        QCOMPARE(job.inserted, 28);
        QVERIFY2(env.diff(t).isEmpty(), qPrintable(env.diff(t)));
    }
};

QTEST_GUILESS_MAIN(TestSyncKinds)
#include "TestSyncKinds.moc"
