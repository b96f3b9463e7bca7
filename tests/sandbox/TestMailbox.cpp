#include "Mailbox.h"
#include "MailboxStore.h"

#include <QRegularExpression>
#include <QTest>
#include <QThread>

using namespace sandbox;

class TestMailbox : public QObject {
    Q_OBJECT

private:
    static QByteArray mail(const QByteArray &messageId, const QByteArray &extraHeaders = {}) {
        return "From: a@example.com\r\nTo: b@example.com\r\nSubject: hi\r\nMessage-ID: " + messageId +
               "\r\n" + extraHeaders + "\r\nbody\r\n";
    }

private Q_SLOTS:
    void addAssignsGmailLikeIdsAndHistory() {
        Mailbox box(QStringLiteral("User@Example.com"));
        const quint64 start = box.historyId();
        const StoredMessage m =
            box.add(mail("<1@x>"), {QStringLiteral("INBOX"), QStringLiteral("UNREAD")}, 1700000000000);
        QVERIFY(QRegularExpression(QStringLiteral("^[0-9a-f]{16}$")).match(m.id).hasMatch());
        QCOMPARE(m.threadId, m.id); // a new thread is named after its first message
        QCOMPARE(m.historyId, start + 1);
        QCOMPARE(box.historyId(), start + 1);
        QCOMPARE(m.labelIds, (QStringList{QStringLiteral("INBOX"), QStringLiteral("UNREAD")}));
        QCOMPARE(box.messagesTotal(), 1);
        QCOMPARE(box.threadsTotal(), 1);

        const StoredMessage second = box.add(mail("<2@x>"), {}, 1700000000000);
        QVERIFY(second.id != m.id);
        QCOMPARE(second.historyId, start + 2);

        const QList<HistoryRecord> history = box.historySince(start);
        QCOMPARE(history.size(), 2);
        QCOMPARE(history[0].type, HistoryRecord::Type::MessageAdded);
        QCOMPARE(history[0].id, start + 1);
        QCOMPARE(history[0].messageId, m.id);
        QCOMPARE(history[0].messageLabelIds, m.labelIds);
        QCOMPARE(box.historySince(start + 1).size(), 1);
        QCOMPARE(box.historySince(start + 2).size(), 0);
    }

    void idsFollowInternalDate() {
        Mailbox box(QStringLiteral("u@example.com"));
        // 1700000000000 ms = 0x18BCFE56800; shifted by 20 bits that is 0x18BCFE56800xxxxx.
        const StoredMessage m = box.add(mail("<1@x>"), {}, 1700000000000);
        QVERIFY2(m.id.startsWith(QStringLiteral("18bcfe56800")), qPrintable(m.id));
    }

    void listOrderNewestFirst() {
        Mailbox box(QStringLiteral("u@example.com"));
        const QString middle = box.add(mail("<m@x>"), {}, 2000).id;
        const QString oldest = box.add(mail("<o@x>"), {}, 1000).id;
        const QString newest = box.add(mail("<n@x>"), {}, 3000).id;
        const QList<StoredMessage> all = box.messages();
        QCOMPARE(all.size(), 3);
        QCOMPARE(all[0].id, newest);
        QCOMPARE(all[1].id, middle);
        QCOMPARE(all[2].id, oldest);
    }

    void threadsByInReplyToAndReferences() {
        Mailbox box(QStringLiteral("u@example.com"));
        const StoredMessage root = box.add(mail("<root@x>"), {}, 1000);
        const StoredMessage reply = box.add(mail("<r1@x>", "In-Reply-To: <root@x>\r\n"), {}, 3000);
        // Only References, folded over two lines, naming an unknown id first.
        const StoredMessage deep =
            box.add(mail("<r2@x>", "References: <unknown@x>\r\n <r1@x>\r\n"), {}, 2000);
        const StoredMessage other = box.add(mail("<other@x>", "In-Reply-To: <nowhere@x>\r\n"), {}, 4000);
        const StoredMessage forced = box.add(mail("<f@x>"), {}, 5000, root.threadId);

        QCOMPARE(reply.threadId, root.id);
        QCOMPARE(deep.threadId, root.id);
        QCOMPARE(other.threadId, other.id);
        QCOMPARE(forced.threadId, root.id);
        QCOMPARE(box.threadsTotal(), 2);

        const QList<StoredMessage> thread = box.thread(root.id);
        QCOMPARE(thread.size(), 4);
        QCOMPARE(thread[0].id, root.id); // oldest first
        QCOMPARE(thread[1].id, deep.id);
        QCOMPARE(thread[2].id, reply.id);
        QCOMPARE(thread[3].id, forced.id);
        QVERIFY(box.thread(QStringLiteral("0000000000000000")).isEmpty());
    }

    void removeRecordsDeletion() {
        Mailbox box(QStringLiteral("u@example.com"));
        const StoredMessage a = box.add(mail("<a@x>"), {QStringLiteral("INBOX")}, 1000);
        const StoredMessage b = box.add(mail("<b@x>", "In-Reply-To: <a@x>\r\n"), {}, 2000);
        const quint64 before = box.historyId();
        QVERIFY(box.remove(a.id));
        QVERIFY(!box.remove(a.id));
        QVERIFY(!box.message(a.id));
        QCOMPARE(box.historyId(), before + 1);
        QCOMPARE(box.messagesTotal(), 1);
        QCOMPARE(box.threadsTotal(), 1);
        QCOMPARE(box.thread(a.threadId).size(), 1);
        const QList<HistoryRecord> history = box.historySince(before);
        QCOMPARE(history.size(), 1);
        QCOMPARE(history[0].type, HistoryRecord::Type::MessageDeleted);
        QCOMPARE(history[0].messageId, a.id);
        QCOMPARE(history[0].threadId, a.threadId);
        QVERIFY(box.remove(b.id));
        QCOMPARE(box.threadsTotal(), 0);
    }

    void modifyLabelsRecordsChanges() {
        Mailbox box(QStringLiteral("u@example.com"));
        const StoredMessage m =
            box.add(mail("<a@x>"), {QStringLiteral("INBOX"), QStringLiteral("UNREAD")}, 1000);
        const quint64 before = box.historyId();

        QVERIFY(box.modifyLabels(m.id, {QStringLiteral("STARRED"), QStringLiteral("INBOX")},
                                 {QStringLiteral("UNREAD")}));
        const StoredMessage after = *box.message(m.id);
        QCOMPARE(after.labelIds, (QStringList{QStringLiteral("INBOX"), QStringLiteral("STARRED")}));
        QCOMPARE(after.historyId, before + 1);
        QCOMPARE(box.historyId(), before + 1);

        const QList<HistoryRecord> history = box.historySince(before);
        QCOMPARE(history.size(), 2); // one history id holding labelsAdded and labelsRemoved
        QCOMPARE(history[0].id, before + 1);
        QCOMPARE(history[1].id, before + 1);
        QCOMPARE(history[0].type, HistoryRecord::Type::LabelAdded);
        QCOMPARE(history[0].labelIds, QStringList{QStringLiteral("STARRED")});
        QCOMPARE(history[0].messageLabelIds, after.labelIds);
        QCOMPARE(history[1].type, HistoryRecord::Type::LabelRemoved);
        QCOMPARE(history[1].labelIds, QStringList{QStringLiteral("UNREAD")});

        // A change that changes nothing leaves history alone.
        QVERIFY(box.modifyLabels(m.id, {QStringLiteral("INBOX")}, {QStringLiteral("SPAM")}));
        QCOMPARE(box.historyId(), before + 1);
        QVERIFY(!box.modifyLabels(QStringLiteral("ffffffffffffffff"), {QStringLiteral("INBOX")}, {}));
    }

    void expireHistory() {
        Mailbox box(QStringLiteral("u@example.com"));
        box.add(mail("<a@x>"), {}, 1000);
        box.add(mail("<b@x>"), {}, 1000);
        const quint64 current = box.historyId();
        QVERIFY(box.oldestHistoryId() <= current);
        box.expireHistory();
        QCOMPARE(box.oldestHistoryId(), current + 1);
        QVERIFY(box.historySince(0).isEmpty());
        const StoredMessage c = box.add(mail("<c@x>"), {}, 1000);
        QCOMPARE(c.historyId, current + 1);
        QCOMPARE(box.historySince(0).size(), 1);
        QCOMPARE(box.historySince(current).size(), 1);
    }

    void storeFindsCaseInsensitiveAndMe() {
        MailboxStore store;
        QList<QPair<QString, quint64>> changes;
        store.onChanged = [&changes](const QString &email, quint64 id) { changes.append({email, id}); };
        const auto box = store.create(QStringLiteral("Alice@Example.com"));
        QCOMPARE(store.create(QStringLiteral("alice@example.COM")), box);
        QCOMPARE(store.find(QStringLiteral("ALICE@example.com")), box);
        QCOMPARE(store.mailbox(QStringLiteral("me"), QStringLiteral("alice@example.com")), box);
        QCOMPARE(store.mailbox(QStringLiteral("alice@example.com"), QStringLiteral("bob@example.com")), box);
        QVERIFY(!store.find(QStringLiteral("bob@example.com")));
        store.create(QStringLiteral("bob@example.com"));
        QCOMPARE(store.emails(),
                 (QStringList{QStringLiteral("Alice@Example.com"), QStringLiteral("bob@example.com")}));

        const StoredMessage m = box->add(mail("<a@x>"), {}, 1000);
        box->modifyLabels(m.id, {QStringLiteral("STARRED")}, {});
        QCOMPARE(changes.size(), 2);
        QCOMPARE(changes[0].first, QStringLiteral("Alice@Example.com"));
        QCOMPARE(changes[1].second, box->historyId());
    }

    void storedRawCarriesNoSpareCapacity() {
        // 100k-message mailboxes: memory should stay near the raw size.
        QByteArray raw;
        raw.reserve(64 * 1024);
        raw += mail("<big@x>");
        Mailbox box(QStringLiteral("u@example.com"));
        const StoredMessage m = box.add(raw, {}, 1000);
        QCOMPARE(m.raw, raw);
        QVERIFY(box.message(m.id)->raw.capacity() < 1024);
    }

    void concurrentAddsAreSafe() {
        Mailbox box(QStringLiteral("u@example.com"));
        QList<QThread *> threads;
        for (int t = 0; t < 4; ++t) {
            threads.append(QThread::create([&box, t] {
                for (int i = 0; i < 500; ++i)
                    box.add(mail("<" + QByteArray::number(t) + "." + QByteArray::number(i) + "@x>"), {},
                            1000 + i);
            }));
            threads.last()->start();
        }
        for (QThread *thread : threads) {
            QVERIFY(thread->wait(30000));
            delete thread;
        }
        QCOMPARE(box.messagesTotal(), 2000);
        QCOMPARE(box.historySince(0).size(), 2000);
    }
};

QTEST_GUILESS_MAIN(TestMailbox)
#include "TestMailbox.moc"
