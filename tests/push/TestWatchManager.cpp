// push::WatchManager against the real gmail-sandbox (users.watch / users.stop) and PostgreSQL.
#include "SyncTestEnv.h"

#include "push/WatchManager.h"

#include <QTest>

namespace {

const QString Topic = QStringLiteral("projects/demo/topics/gmail");

QJsonArray sandboxWatches(testsupport::SandboxProcess &sandbox) {
    return sandbox.control("GET", QStringLiteral("/_sandbox/watches"))
        .object()
        .value(QStringLiteral("watches"))
        .toArray();
}

db::Tenant tenant(const QString &id) {
    db::TenantRepository tenants(db::Database::connection());
    return tenants.find(id).value_or(db::Tenant{});
}

} // namespace

class TestWatchManager final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_env.init());
        QVERIFY(m_env.addMailbox(QStringLiteral("acme"), QStringLiteral("alice@acme.example"), 3, 5));
        QVERIFY(m_env.addMailbox(QStringLiteral("beta"), QStringLiteral("bob@beta.example"), 3, 5));
    }

    void watchStoresExpiration() {
        push::WatchManager manager(settings());
        QDateTime expires;
        QVERIFY2(manager.watch(QStringLiteral("acme"), Topic, &expires), qPrintable(manager.errorString()));
        const db::Tenant row = tenant(QStringLiteral("acme"));
        QCOMPARE(row.watchTopic, Topic);
        QCOMPARE(row.watchExpiresAt.toMSecsSinceEpoch(), expires.toMSecsSinceEpoch());
        // Gmail (and the sandbox) keep a watch for 7 days.
        const qint64 days = QDateTime::currentDateTimeUtc().secsTo(row.watchExpiresAt);
        QVERIFY2(days > 6 * 86400 && days <= 7 * 86400 + 60, qPrintable(QString::number(days)));
        const QJsonArray watches = sandboxWatches(m_env.sandbox);
        QCOMPARE(watches.size(), 1);
        QCOMPARE(watches.first().toObject().value(QStringLiteral("topicName")).toString(), Topic);
    }

    void badTopicIsRefused() {
        push::WatchManager manager(settings());
        QVERIFY(!manager.watch(QStringLiteral("acme"), QStringLiteral("gmail-topic")));
        QVERIFY(manager.errorString().contains(QStringLiteral("projects/PROJECT/topics/TOPIC")));
    }

    void renewsOnlyWatchesExpiringWithinADay() {
        db::TenantRepository tenants(db::Database::connection());
        const QDateTime soon = QDateTime::currentDateTimeUtc().addSecs(3600);
        QVERIFY(tenants.setWatch(QStringLiteral("acme"), Topic, soon));
        push::WatchManager manager(settings());
        // Beta has no watch and no default topic is configured: left alone.
        push::WatchManager::RenewReport report = manager.renewDue();
        QCOMPARE(report.renewed, 1);
        QCOMPARE(report.failed, 0);
        const QDateTime renewed = tenant(QStringLiteral("acme")).watchExpiresAt;
        QVERIFY(renewed > QDateTime::currentDateTimeUtc().addDays(6));
        QVERIFY(tenant(QStringLiteral("beta")).watchTopic.isEmpty());
        // Nothing is due any more.
        report = manager.renewDue();
        QCOMPARE(report.renewed, 0);
        QCOMPARE(tenant(QStringLiteral("acme")).watchExpiresAt, renewed);
    }

    void defaultTopicStartsMissingWatches() {
        push::WatchManager::Settings s = settings();
        s.defaultTopic = QStringLiteral("projects/demo/topics/default");
        push::WatchManager manager(s);
        const auto report = manager.renewDue();
        QCOMPARE(report.renewed, 1); // beta only: acme's watch is fresh
        QCOMPARE(tenant(QStringLiteral("beta")).watchTopic, s.defaultTopic);
        QCOMPARE(tenant(QStringLiteral("acme")).watchTopic, Topic);
    }

    void stopClearsTheWatch() {
        push::WatchManager manager(settings());
        QVERIFY2(manager.stop(QStringLiteral("acme")), qPrintable(manager.errorString()));
        const db::Tenant row = tenant(QStringLiteral("acme"));
        QVERIFY(row.watchTopic.isEmpty());
        QVERIFY(!row.watchExpiresAt.isValid());
        for (const QJsonValue &w : sandboxWatches(m_env.sandbox))
            QVERIFY(w.toObject().value(QStringLiteral("email")).toString() !=
                    QLatin1String("alice@acme.example"));
    }

    void failuresAreReported() {
        push::WatchManager::Settings s = settings();
        s.tokenProviderFactory = [](const QString &) {
            return std::make_shared<auth::StaticTokenProvider>(QStringLiteral("revoked"));
        };
        db::TenantRepository tenants(db::Database::connection());
        QVERIFY(tenants.setWatch(QStringLiteral("beta"), Topic, QDateTime::currentDateTimeUtc().addSecs(60)));
        push::WatchManager manager(s);
        const auto report = manager.renewDue();
        QCOMPARE(report.failed, 1);
        QVERIFY(report.errors.first().startsWith(QStringLiteral("beta: ")));
        QVERIFY(!report.errors.first().contains(QStringLiteral("revoked")));
    }

private:
    push::WatchManager::Settings settings() {
        push::WatchManager::Settings s;
        s.gmailApiUrl = m_env.sandbox.url();
        s.tokenProviderFactory = m_env.options.tokenProviderFactory;
        return s;
    }

    synctest::Env m_env{{QStringLiteral("--user"), QStringLiteral("seed@example.com")}};
};

QTEST_GUILESS_MAIN(TestWatchManager)
#include "TestWatchManager.moc"
