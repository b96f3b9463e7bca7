#pragma once

#include "TestDatabase.h"

#include "db/ConnectionSettings.h"
#include "db/Database.h"
#include "db/Migrator.h"

#include <QSqlQuery>
#include <QTest>

// Sync tests: a migrated database of their own as the process default, plus tenants in it.
namespace synctest {

// Returns false (with a QTest failure message) when the database cannot be prepared.
inline bool prepare(testsupport::TestDatabase &tdb) {
    if (!tdb.isValid()) {
        qWarning("%s", qPrintable(tdb.errorString()));
        return false;
    }
    QString error;
    if (!tdb.openMigrated(&error)) {
        qWarning("%s", qPrintable(error));
        return false;
    }
    return true;
}

// Test fixture data only (the product adds tenants through db::TenantRepository).
inline bool addTenant(const QString &id, const QString &email) {
    QSqlQuery q(db::Database::connection());
    q.prepare(QStringLiteral("INSERT INTO tenants (id, gmail_address) VALUES (:id, :email)"));
    q.bindValue(QStringLiteral(":id"), id);
    q.bindValue(QStringLiteral(":email"), email);
    return q.exec();
}

// Runs one scalar query of test-only inspection SQL.
inline QVariant scalar(const QString &sql) {
    QSqlQuery q(db::Database::connection());
    if (!q.exec(sql) || !q.next())
        return {};
    return q.value(0);
}

} // namespace synctest

namespace synctest {

// A second, independent connection in this thread (concurrency tests: another "worker").
inline QSqlDatabase extraConnection(const QString &name) {
    const db::ConnectionSettings s = db::Database::defaultSettings();
    QSqlDatabase c = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
    c.setHostName(s.host);
    c.setPort(s.port);
    c.setUserName(s.user);
    c.setPassword(s.password);
    c.setDatabaseName(s.database);
    c.setConnectOptions(s.options);
    c.open();
    return c;
}

} // namespace synctest
