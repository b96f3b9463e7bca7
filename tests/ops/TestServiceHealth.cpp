#include "PrivateCluster.h"
#include "db/Database.h"
#include "db/JobRepository.h"
#include "db/Migrator.h"
#include "db/TenantRepository.h"
#include "ops/ServiceHealth.h"
#include "ops/ServiceMetrics.h"

#include <QProcess>
#include <QSqlQuery>
#include <QTemporaryFile>
#include <QtTest>

#include <memory>

// /health and /metrics as the use-case layer computes them (the HTTP API serves these): readiness turns
// false when PostgreSQL stops or the schema is behind; the metrics text is read by the Prometheus
// project's own parser (python3-prometheus-client), not by ours.
class TestServiceHealth final : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<testsupport::PrivateCluster> m_cluster;

    // The families and samples the reference parser reads from `text`, one "name{labels} value" per line.
    static QStringList parsedByPrometheus(const QByteArray &text, QString *error) {
        QTemporaryFile file;
        if (!file.open()) {
            *error = QStringLiteral("no temporary file");
            return {};
        }
        file.write(text);
        file.flush();
        QProcess p;
        p.start(
            QStringLiteral("/usr/bin/python3"),
            {QStringLiteral("-c"),
             QStringLiteral("import sys\n"
                            "from prometheus_client.parser import text_string_to_metric_families as parse\n"
                            "for f in parse(open(sys.argv[1]).read()):\n"
                            "    for s in f.samples:\n"
                            "        labels = ','.join('%s=%r' % kv for kv in sorted(s.labels.items()))\n"
                            "        print('%s %s{%s} %r' % (f.type, s.name, labels, s.value))\n"),
             file.fileName()});
        p.waitForFinished(30000);
        if (p.exitCode() != 0) {
            *error = QString::fromUtf8(p.readAllStandardError());
            return {};
        }
        return QString::fromUtf8(p.readAllStandardOutput()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    }

private Q_SLOTS:
    void initTestCase() {
        m_cluster = std::make_unique<testsupport::PrivateCluster>();
        QVERIFY2(m_cluster->isValid(), qPrintable(m_cluster->errorString()));
        QString error;
        QVERIFY2(m_cluster->openMigrated(&error), qPrintable(error));
        db::TenantRepository tenants(db::Database::connection());
        db::Tenant t;
        t.id = QStringLiteral("acme");
        t.gmailAddress = QStringLiteral("ops@acme.example");
        QVERIFY(tenants.add(t));
        db::JobRepository jobs(db::Database::connection());
        QVERIFY(jobs.enqueue(QStringLiteral("acme"), ::jobs::InitialParams{}, false));
        QVERIFY(jobs.enqueue(QStringLiteral("acme"), ::jobs::IncrementalParams{}, false));
    }

    void cleanupTestCase() {
        db::Database::closeThreadConnection();
        m_cluster.reset();
    }

    void readyWithTheQueuesFigures() {
        const auto r = ops::ServiceHealth::check(db::Database::connection());
        QVERIFY2(r.ready, qPrintable(r.error));
        QCOMPARE(r.queueDepth, 2);
        QCOMPARE(r.schemaVersion, db::Migrator::latestVersion());
        const QJsonObject o = r.toJson();
        QCOMPARE(o.value(QStringLiteral("status")).toString(), QStringLiteral("ready"));
        QCOMPARE(o.value(QStringLiteral("queue")).toObject().value(QStringLiteral("depth")).toInt(), 2);
        QVERIFY(o.value(QStringLiteral("queue"))
                    .toObject()
                    .value(QStringLiteral("oldestQueuedSeconds"))
                    .isDouble());
    }

    void metricsParseWithThePrometheusParser() {
        QString error;
        const auto text = ops::ServiceMetrics::render(db::Database::connection(), true, &error);
        QVERIFY2(text, qPrintable(error));
        const QStringList samples = parsedByPrometheus(*text, &error);
        QVERIFY2(!samples.isEmpty(), qPrintable(error + QString::fromUtf8(*text)));
        QVERIFY2(
            samples.contains(QStringLiteral("counter gsa_jobs_total{kind='initial',status='queued'} 1.0")),
            qPrintable(samples.join(QLatin1Char('\n'))));
        QVERIFY(samples.contains(QStringLiteral("gauge gsa_queue_depth{} 2.0")));
        QVERIFY(samples.contains(QStringLiteral("gauge gsa_tenant_emails{tenant='acme'} 0.0")));
        QVERIFY(samples.filter(QStringLiteral("gsa_build_info{version=")).size() == 1);
        // Without the flag, no per-tenant series.
        const auto bounded = ops::ServiceMetrics::render(db::Database::connection(), false, &error);
        QVERIFY(bounded && !bounded->contains("gsa_tenant_"));
    }

    void labelValuesAreEscaped() {
        db::ServiceStats s;
        s.jobs.append({QStringLiteral("in\"it\\al\nx"), QStringLiteral("queued"), 3, 0, 0});
        QString error;
        const QStringList samples = parsedByPrometheus(ops::ServiceMetrics::render(s), &error);
        QVERIFY2(samples.filter(QStringLiteral("gsa_jobs_total")).size() == 1, qPrintable(error));
        QVERIFY2(samples.filter(QStringLiteral("gsa_jobs_total"))
                     .first()
                     .contains(QStringLiteral("kind='in\"it\\\\al\\nx'")),
                 qPrintable(samples.join(QLatin1Char('|'))));
    }

    void unreadyWhenTheSchemaIsBehind() {
        QSqlQuery q(db::Database::connection());
        QVERIFY(q.exec(QStringLiteral("SELECT max(version) FROM schema_migrations")) && q.next());
        const int latest = q.value(0).toInt();
        q.prepare(QStringLiteral("DELETE FROM schema_migrations WHERE version = :v"));
        q.bindValue(QStringLiteral(":v"), latest);
        QVERIFY(q.exec());
        const auto r = ops::ServiceHealth::check(db::Database::connection());
        QVERIFY(!r.ready);
        QVERIFY(r.databaseReachable);
        QVERIFY2(r.error.contains(QStringLiteral("gmail-sync migrate")), qPrintable(r.error));
        q.prepare(QStringLiteral("INSERT INTO schema_migrations (version, name) VALUES (:v, 'restored')"));
        q.bindValue(QStringLiteral(":v"), latest);
        QVERIFY(q.exec());
        QVERIFY(ops::ServiceHealth::check(db::Database::connection()).ready);
    }

    void unreadyWhenPostgresStops() {
        QVERIFY2(m_cluster->stop(), qPrintable(m_cluster->errorString()));
        const auto r = ops::ServiceHealth::check(db::Database::connection());
        QVERIFY(!r.ready);
        QVERIFY(!r.databaseReachable);
        QCOMPARE(r.toJson().value(QStringLiteral("status")).toString(), QStringLiteral("unready"));
        QVERIFY2(m_cluster->start(), qPrintable(m_cluster->errorString()));
        QTRY_VERIFY_WITH_TIMEOUT(
            [] {
                QString e;
                db::Database::closeThreadConnection();
                return db::Database::open(&e) && ops::ServiceHealth::check(db::Database::connection()).ready;
            }(),
            15000);
    }
};

QTEST_GUILESS_MAIN(TestServiceHealth)
#include "TestServiceHealth.moc"
