#include "Migrator.h"

#include "db/Database.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <libpq-fe.h>

#include <QSet>

#include <algorithm>
#include <optional>

// The migrations live in a static library: its resources must be registered by hand, or the linker
// drops them from the executables.
static void initMigrationResources() {
    Q_INIT_RESOURCE(migrations);
}

namespace db {

namespace {

// Any constant both sides agree on; "gsa-migrate" in ASCII. Transaction-scoped, so a crashed migrator
// cannot leave it held (PostgreSQL docs §9.27.10, pg_advisory_xact_lock).
constexpr qint64 kMigrationLockKey = 0x6773612d6d696772;

} // namespace

Migrator::Migrator(QSqlDatabase db)
    : Migrator(std::move(db), migrations()) {}

Migrator::Migrator(QSqlDatabase db, QList<Migration> migrations)
    : m_db(std::move(db))
    , m_migrations(std::move(migrations)) {
    std::stable_sort(m_migrations.begin(), m_migrations.end(),
                     [](const Migration &a, const Migration &b) { return a.version < b.version; });
}

QList<Migrator::Migration> Migrator::migrations() {
    static const QList<Migration> all = [] {
        initMigrationResources();
        QList<Migration> result;
        static const QRegularExpression pattern(QStringLiteral("^(\\d{4})_[A-Za-z0-9_]+\\.sql$"));
        const QDir dir(QStringLiteral(":/migrations"));
        for (const QString &file : dir.entryList(QDir::Files, QDir::Name)) {
            const QRegularExpressionMatch m = pattern.match(file);
            if (!m.hasMatch())
                continue;
            QFile f(dir.filePath(file));
            if (!f.open(QIODevice::ReadOnly))
                continue;
            result.append({m.captured(1).toInt(), file.chopped(4), QString::fromUtf8(f.readAll())});
        }
        std::sort(result.begin(), result.end(),
                  [](const Migration &a, const Migration &b) { return a.version < b.version; });
        return result;
    }();
    return all;
}

int Migrator::latestVersion() {
    const QList<Migration> all = migrations();
    return all.isEmpty() ? 0 : all.constLast().version;
}

bool Migrator::fail(const QString &message) {
    m_error = message;
    return false;
}

bool Migrator::exec(const QString &sql, const QString &what) {
    QSqlQuery q(m_db);
    if (!q.exec(sql))
        return fail(QStringLiteral("%1 failed: %2").arg(what, Database::describeError(q.lastError())));
    return true;
}

bool Migrator::execScript(const Migration &migration) {
    // QPSQL reads only the first result of a multi-statement string and misses errors after it, so a
    // migration file goes through libpq's PQexec, which stops at and reports the first failing
    // statement (libpq docs §34.3.1).
    PGconn *conn = Database::nativeHandle(m_db);
    if (!conn)
        return fail(
            QStringLiteral("migration %1 failed: no PostgreSQL connection handle").arg(migration.name));
    PGresult *result = PQexec(conn, migration.sql.toUtf8().constData());
    const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    const bool ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
    if (!ok) {
        QString message = QString::fromUtf8(result ? PQresultErrorMessage(result) : PQerrorMessage(conn));
        fail(QStringLiteral("migration %1 failed: %2").arg(migration.name, message.simplified()));
    }
    PQclear(result);
    return ok;
}

bool Migrator::lockAndEnsureTable() {
    QSqlQuery lock(m_db);
    lock.prepare(QStringLiteral("SELECT pg_advisory_xact_lock(:key)"));
    lock.bindValue(QStringLiteral(":key"), kMigrationLockKey);
    if (!lock.exec())
        return fail(QStringLiteral("taking the migration lock failed: %1")
                        .arg(Database::describeError(lock.lastError())));
    // Checked first (we hold the lock) so IF NOT EXISTS does not print a NOTICE on every run.
    QSqlQuery exists(m_db);
    if (!exists.exec(QStringLiteral("SELECT to_regclass('schema_migrations') IS NOT NULL")) || !exists.next())
        return fail(QStringLiteral("reading the schema version failed: %1")
                        .arg(Database::describeError(exists.lastError())));
    if (exists.value(0).toBool())
        return true;
    return exec(QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations ("
                               " version integer PRIMARY KEY,"
                               " name text NOT NULL,"
                               " applied_at timestamptz NOT NULL DEFAULT now())"),
                QStringLiteral("creating schema_migrations"));
}

int Migrator::readVersion() {
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("SELECT coalesce(max(version), 0) FROM schema_migrations")) || !q.next()) {
        fail(QStringLiteral("reading the schema version failed: %1")
                 .arg(Database::describeError(q.lastError())));
        return -1;
    }
    return q.value(0).toInt();
}

std::optional<QSet<int>> Migrator::appliedVersions() {
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT version FROM schema_migrations"))) {
        fail(QStringLiteral("reading the applied migrations failed: %1")
                 .arg(Database::describeError(q.lastError())));
        return std::nullopt;
    }
    QSet<int> versions;
    while (q.next())
        versions.insert(q.value(0).toInt());
    return versions;
}

int Migrator::currentVersion() {
    m_error.clear();
    if (!m_db.isOpen()) {
        fail(QStringLiteral("database connection is not open"));
        return -1;
    }
    QSqlQuery exists(m_db);
    if (!exists.exec(QStringLiteral("SELECT to_regclass('schema_migrations') IS NOT NULL")) ||
        !exists.next()) {
        fail(QStringLiteral("reading the schema version failed: %1")
                 .arg(Database::describeError(exists.lastError())));
        return -1;
    }
    if (!exists.value(0).toBool())
        return 0;
    return readVersion();
}

bool Migrator::checkNumbering() {
    if (m_migrations.isEmpty())
        return fail(
            QStringLiteral("no migrations compiled into this program (resource :/migrations missing)"));
    for (qsizetype i = 1; i < m_migrations.size(); ++i) {
        if (m_migrations.at(i).version == m_migrations.at(i - 1).version)
            return fail(QStringLiteral("two migrations share number %1 (%2, %3): renumber one")
                            .arg(m_migrations.at(i).version)
                            .arg(m_migrations.at(i - 1).name, m_migrations.at(i).name));
    }
    return true;
}

// Inside the migration transaction, under the lock: the first migration not yet recorded, or
// nullptr when all are applied. False (with the error set) when the database is newer than us.
bool Migrator::nextPending(const Migration **next) {
    *next = nullptr;
    const int latest = m_migrations.constLast().version;
    const int current = readVersion();
    if (current < 0)
        return false;
    if (current > latest)
        return fail(
            QStringLiteral("database schema version %1 is newer than this program (%2); upgrade gmail-sync")
                .arg(current)
                .arg(latest));
    const std::optional<QSet<int>> applied = appliedVersions();
    if (!applied)
        return false;
    const auto it = std::find_if(m_migrations.cbegin(), m_migrations.cend(),
                                 [&applied](const Migration &m) { return !applied->contains(m.version); });
    if (it != m_migrations.cend())
        *next = &*it;
    return true;
}

bool Migrator::apply(const Migration &migration) {
    if (!execScript(migration))
        return false;
    QSqlQuery record(m_db);
    record.prepare(QStringLiteral("INSERT INTO schema_migrations (version, name) VALUES (:version, :name)"));
    record.bindValue(QStringLiteral(":version"), migration.version);
    record.bindValue(QStringLiteral(":name"), migration.name);
    if (!record.exec())
        return fail(QStringLiteral("recording migration %1 failed: %2")
                        .arg(migration.name, Database::describeError(record.lastError())));
    return true;
}

bool Migrator::migrate() {
    m_error.clear();
    if (!m_db.isOpen())
        return fail(QStringLiteral("database connection is not open"));
    if (!checkNumbering())
        return false;
    // One transaction per migration; each re-reads what is applied under the lock, so a concurrent
    // migrator that got there first turns the rest into no-ops. Every migration not yet recorded is
    // applied (lowest first), not only those above the highest: one that landed late in a branch
    // with a lower number still runs.
    for (;;) {
        if (!m_db.transaction())
            return fail(QStringLiteral("starting a transaction failed: %1")
                            .arg(Database::describeError(m_db.lastError())));
        const Migration *next = nullptr;
        if (!lockAndEnsureTable() || !nextPending(&next) || (next && !apply(*next))) {
            m_db.rollback();
            return false;
        }
        if (!m_db.commit())
            return fail(
                next ? QStringLiteral("committing migration %1 failed: %2")
                           .arg(next->name, Database::describeError(m_db.lastError()))
                     : QStringLiteral("commit failed: %1").arg(Database::describeError(m_db.lastError())));
        if (!next)
            return true;
    }
}

} // namespace db
