#include "TestDatabase.h"
#include "db/Database.h"
#include "db/EmailRepository.h"
#include "db/Migrator.h"
#include "db/TenantRepository.h"
#include "db/ThreadRepository.h"

#include <QSet>
#include <QtTest>

#include <memory>

using namespace db;

// The thread list's SQL against a real PostgreSQL: the `threads` summaries kept by the triggers of
// migration 0005, keyset paging, and full-text search over emails.search_vector.
class TestThreadRepository final : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<testsupport::TestDatabase> m_testDb;
    const QDateTime m_base = QDateTime(QDate(2024, 3, 1), QTime(12, 0), Qt::UTC);

    EmailRecord email(const QString &id, const QString &thread, int minutes, const QString &from,
                      const QString &subject, const QString &body, const QStringList &labels = {}) const {
        EmailRecord r;
        r.gmailMessageId = id;
        r.threadId = thread;
        r.historyId = 100 + minutes;
        r.subject = subject;
        r.fromName = from;
        r.fromAddress = from.toLower() + QStringLiteral("@example.com");
        r.to = {QStringLiteral("me@example.com")};
        r.internalDate = m_base.addSecs(60 * minutes);
        r.sentAt = r.internalDate;
        r.labels = labels;
        r.snippet = body.left(50);
        r.bodyText = body;
        return r;
    }

    void addTenant(const QString &id) {
        TenantRepository tenants(Database::connection());
        Tenant t;
        t.id = id;
        t.gmailAddress = id + QStringLiteral("@example.com");
        QVERIFY2(tenants.add(t), qPrintable(tenants.errorString()));
    }

private Q_SLOTS:
    void init() {
        m_testDb = std::make_unique<testsupport::TestDatabase>();
        QVERIFY2(m_testDb->isValid(), qPrintable(m_testDb->errorString()));
        QString error;
        QVERIFY2(m_testDb->openMigrated(&error), qPrintable(error));
        addTenant(QStringLiteral("acme"));
        addTenant(QStringLiteral("globex"));
        EmailRepository emails(Database::connection());
        QVERIFY(emails.upsert(
            QStringLiteral("acme"),
            {email(QStringLiteral("a1"), QStringLiteral("t1"), 1, QStringLiteral("Alice"),
                   QStringLiteral("Budget 2024"), QStringLiteral("Please review the budget draft."),
                   {QStringLiteral("INBOX")}),
             email(QStringLiteral("a2"), QStringLiteral("t1"), 5, QStringLiteral("Bob"),
                   QStringLiteral("Re: Budget 2024"),
                   QStringLiteral("Looks fine, but the xylophone line is too high."),
                   {QStringLiteral("INBOX"), QStringLiteral("IMPORTANT")}),
             email(QStringLiteral("a3"), QStringLiteral("t2"), 3, QStringLiteral("Carol"),
                   QStringLiteral("Lunch"), QStringLiteral("Pizza on Friday?")),
             email(QStringLiteral("a4"), QStringLiteral("t3"), 7, QStringLiteral("Dave"),
                   QStringLiteral("Status"), QStringLiteral("All systems nominal.")),
             email(QStringLiteral("a5"), QStringLiteral("t4"), 9, QStringLiteral("Erin"),
                   QStringLiteral("Offsite"), QStringLiteral("The offsite moves to May."))}));
        QVERIFY(emails.upsert(
            QStringLiteral("globex"),
            {email(QStringLiteral("g1"), QStringLiteral("t1"), 2, QStringLiteral("Gina"),
                   QStringLiteral("Globex news"), QStringLiteral("Quarterly numbers attached."))}));
    }

    void cleanup() {
        Database::closeThreadConnection();
        m_testDb.reset();
    }

    void summariesFollowTheEmails() {
        ThreadRepository threads(Database::connection());
        auto page = threads.page({QStringLiteral("acme"), QString()}, std::nullopt, 50);
        QVERIFY2(page, qPrintable(threads.errorString()));
        QCOMPARE(page->threads.size(), 4);
        QVERIFY(!page->next);
        // Newest first: t4 (minute 9), t3 (7), t1 (5), t2 (3).
        QCOMPARE(page->threads.at(0).threadId, QStringLiteral("t4"));
        const ThreadSummary &t1 = page->threads.at(2);
        QCOMPARE(t1.threadId, QStringLiteral("t1"));
        QCOMPARE(t1.subject, QStringLiteral("Budget 2024")); // the first message's subject
        QCOMPARE(t1.messageCount, 2);
        QCOMPARE(t1.participants, (QStringList{QStringLiteral("Alice"), QStringLiteral("Bob")}));
        QCOMPARE(t1.labels, (QStringList{QStringLiteral("IMPORTANT"), QStringLiteral("INBOX")}));
        QCOMPARE(t1.lastDate, m_base.addSecs(5 * 60));
        QCOMPARE(t1.firstDate, m_base.addSecs(60));

        // A label change and a deletion reach the summary through the triggers.
        EmailRepository emails(Database::connection());
        QVERIFY(emails.applyLabelChanges(
            QStringLiteral("acme"),
            {{QStringLiteral("a1"), {QStringLiteral("STARRED")}, {QStringLiteral("INBOX")}}}));
        QCOMPARE(emails.remove(QStringLiteral("acme"), {QStringLiteral("a2")}).value_or(-1), 1);
        QVERIFY(emails.remove(QStringLiteral("acme"), {QStringLiteral("a3")}));
        page = threads.page({QStringLiteral("acme"), QString()}, std::nullopt, 50);
        QVERIFY(page);
        QCOMPARE(page->threads.size(), 3); // t2 lost its only message
        const auto it =
            std::find_if(page->threads.cbegin(), page->threads.cend(),
                         [](const ThreadSummary &t) { return t.threadId == QLatin1String("t1"); });
        QVERIFY(it != page->threads.cend());
        QCOMPARE(it->messageCount, 1);
        QCOMPARE(it->participants, QStringList{QStringLiteral("Alice")});
        QCOMPARE(it->labels, QStringList{QStringLiteral("STARRED")});
    }

    void pagesCoverEveryThreadOnce() {
        ThreadRepository threads(Database::connection());
        QList<QString> seen;
        std::optional<ThreadCursor> after;
        int pages = 0;
        do {
            const auto page = threads.page({}, after, 2); // every tenant
            QVERIFY2(page, qPrintable(threads.errorString()));
            for (const ThreadSummary &t : page->threads)
                seen.append(t.tenantId + QLatin1Char('/') + t.threadId);
            after = page->next;
            QVERIFY(++pages <= 5);
        } while (after);
        QCOMPARE(pages, 3);
        QCOMPARE(seen, (QList<QString>{QStringLiteral("acme/t4"), QStringLiteral("acme/t3"),
                                       QStringLiteral("acme/t1"), QStringLiteral("acme/t2"),
                                       QStringLiteral("globex/t1")}));
    }

    void searchFindsAWordInTheBody() {
        ThreadRepository threads(Database::connection());
        auto page = threads.page({QStringLiteral("acme"), QStringLiteral("xylophone")}, std::nullopt, 50);
        QVERIFY2(page, qPrintable(threads.errorString()));
        QCOMPARE(page->threads.size(), 1);
        QCOMPARE(page->threads.at(0).threadId, QStringLiteral("t1"));
        QCOMPARE(page->threads.at(0).messageCount, 2); // the whole thread, not only the hit

        // Web search syntax: phrase, exclusion, OR; never an error for odd input.
        page = threads.page({QStringLiteral("acme"), QStringLiteral("\"budget draft\"")}, std::nullopt, 50);
        QVERIFY(page);
        QCOMPARE(page->threads.size(), 1);
        page = threads.page({QStringLiteral("acme"), QStringLiteral("pizza or offsite")}, std::nullopt, 50);
        QVERIFY(page);
        QCOMPARE(page->threads.size(), 2);
        page = threads.page({QStringLiteral("acme"), QStringLiteral("budget -xylophone")}, std::nullopt, 50);
        QVERIFY(page);
        QCOMPARE(page->threads.size(), 1); // the match in a1 still names its thread
        page = threads.page({QStringLiteral("acme"), QStringLiteral("nonexistentword")}, std::nullopt, 50);
        QVERIFY(page);
        QVERIFY(page->threads.isEmpty());
        page = threads.page({QStringLiteral("acme"), QStringLiteral("\"unbalanced ( & |")}, std::nullopt, 50);
        QVERIFY2(page, qPrintable(threads.errorString()));

        // Search is per tenant unless asked for all.
        page = threads.page({QStringLiteral("acme"), QStringLiteral("quarterly")}, std::nullopt, 50);
        QVERIFY(page && page->threads.isEmpty());
        page = threads.page({QString(), QStringLiteral("quarterly")}, std::nullopt, 50);
        QVERIFY(page);
        QCOMPARE(page->threads.size(), 1);
        QCOMPARE(page->threads.at(0).tenantId, QStringLiteral("globex"));
    }

    void messagesOfAThread() {
        ThreadRepository threads(Database::connection());
        const auto messages = threads.messages(QStringLiteral("acme"), QStringLiteral("t1"));
        QVERIFY2(messages, qPrintable(threads.errorString()));
        QCOMPARE(messages->size(), 2);
        QCOMPARE(messages->at(0).gmailMessageId, QStringLiteral("a1")); // oldest first
        QCOMPARE(messages->at(1).fromName, QStringLiteral("Bob"));
        QCOMPARE(messages->at(1).to, QStringList{QStringLiteral("me@example.com")});
        QCOMPARE(messages->at(1).labels, (QStringList{QStringLiteral("INBOX"), QStringLiteral("IMPORTANT")}));
        QVERIFY(messages->at(1).bodyHtml.isNull());
        QVERIFY(messages->at(1).bodyText.contains(QLatin1String("xylophone")));
    }
};

QTEST_GUILESS_MAIN(TestThreadRepository)
#include "TestThreadRepository.moc"
