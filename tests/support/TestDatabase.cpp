#include "TestDatabase.h"

#include "db/ConnectionSettings.h"
#include "db/Database.h"
#include "db/Migrator.h"

#include <QAtomicInt>
#include <QCoreApplication>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <QUrlQuery>

namespace testsupport {

QString TestDatabase::clusterUrl() {
    return qEnvironmentVariable("GSA_TEST_DATABASE_URL");
}

TestDatabase::TestDatabase() {
    const QUrl cluster(clusterUrl());
    if (clusterUrl().isEmpty() || !cluster.isValid()) {
        m_error = QStringLiteral(
            "GSA_TEST_DATABASE_URL is not set: run the test through ctest (pg_cluster fixture)");
        return;
    }
    m_name = QStringLiteral("t_%1_%2")
                 .arg(QCoreApplication::applicationPid())
                 .arg(QRandomGenerator::global()->generate() & 0xffffff, 6, 16, QLatin1Char('0'));
    if (!exec(QStringLiteral("CREATE DATABASE %1").arg(m_name)))
        return;
    QUrl url = cluster;
    url.setPath(QLatin1Char('/') + m_name);
    m_url = url.toString();
}

TestDatabase::~TestDatabase() {
    if (isValid())
        exec(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(m_name));
}

bool TestDatabase::openMigrated(QString *error) const {
    if (!isValid()) {
        *error = m_error;
        return false;
    }
    return openMigratedDefault(m_url, error);
}

bool openMigratedDefault(const QString &url, QString *error) {
    const auto settings = db::ConnectionSettings::fromUrl(url, error);
    if (!settings)
        return false;
    db::Database::setDefaultSettings(*settings);
    if (!db::Database::open(error))
        return false;
    db::Migrator migrator(db::Database::connection());
    if (!migrator.migrate()) {
        *error = migrator.errorString();
        return false;
    }
    return true;
}

bool TestDatabase::exec(const QString &sql) {
    static QAtomicInt counter;
    const QString connName = QStringLiteral("testsupport-admin-%1").arg(counter.fetchAndAddRelaxed(1));
    bool ok = false;
    {
        const QUrl cluster(clusterUrl());
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connName);
        db.setHostName(QUrlQuery(cluster).queryItemValue(QStringLiteral("host")));
        db.setUserName(cluster.userName());
        db.setDatabaseName(cluster.path().mid(1));
        if (!db.open()) {
            m_error = QStringLiteral("cannot reach the test cluster: ") + db.lastError().text();
        } else {
            QSqlQuery q(db);
            ok = q.exec(sql);
            if (!ok)
                m_error = sql + QStringLiteral(": ") + q.lastError().text();
        }
    }
    QSqlDatabase::removeDatabase(connName);
    return ok;
}

} // namespace testsupport
