#include "Database.h"

#include <QAtomicInt>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QMutex>
#include <QMutexLocker>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QThreadStorage>
#include <QVariant>

#include <libpq-fe.h>

namespace db {

namespace {

Q_LOGGING_CATEGORY(lcDb, "gsa.db", QtWarningMsg)

// Server NOTICEs (e.g. "... already exists, skipping") would otherwise go to stderr through libpq's
// default processor and garble the CLI's one-line errors (libpq docs §34.13).
void noticeToLog(void *, const char *message) {
    qCDebug(lcDb, "server notice: %s", QByteArray(message).trimmed().constData());
}

QMutex s_settingsMutex;
ConnectionSettings s_settings;
int s_generation = 0; // bumped by setDefaultSettings so threads notice new settings
QAtomicInt s_connectionCounter;

// Owns one thread's connection name; QThreadStorage deletes it when the thread ends, which closes and
// removes the connection there (removeDatabase must run in the thread that used the connection).
struct ThreadConnection final {
    QString name;
    int generation = -1;
    int statementTimeoutMs = 0;

    ~ThreadConnection() { remove(); }

    void remove() {
        if (name.isEmpty())
            return;
        {
            QSqlDatabase db = QSqlDatabase::database(name, false);
            if (db.isValid())
                db.close();
        }
        QSqlDatabase::removeDatabase(name);
        name.clear();
    }
};

QThreadStorage<ThreadConnection *> s_threadConnection;

void applySettings(QSqlDatabase &db, const ConnectionSettings &s) {
    db.setHostName(s.host);
    db.setPort(s.port);
    db.setUserName(s.user);
    db.setPassword(s.password);
    db.setDatabaseName(s.database);
    db.setConnectOptions(s.connectOptions());
}

PGconn *rawHandle(const QSqlDatabase &db) {
    if (!db.isValid() || !db.driver())
        return nullptr;
    const QVariant handle = db.driver()->handle();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "pg_conn*") != 0)
        return nullptr;
    return *static_cast<PGconn *const *>(handle.constData());
}

// What every (re)opened connection of this thread gets: the notice processor and its statement_timeout.
// A timeout of 0 on a fresh connection leaves the server's (role, database) setting alone.
void prepareOpened(QSqlDatabase &db, const ThreadConnection &holder, const ConnectionSettings &settings,
                   bool fresh = true) {
    if (PGconn *conn = rawHandle(db); conn && fresh)
        PQsetNoticeProcessor(conn, noticeToLog, nullptr);
    if (settings.hasOption(QStringLiteral("statement_timeout")) || (fresh && holder.statementTimeoutMs == 0))
        return; // the operator's options=-c statement_timeout=… wins
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT set_config('statement_timeout', :ms, false)"));
    q.bindValue(QStringLiteral(":ms"), QString::number(holder.statementTimeoutMs));
    if (!q.exec())
        qCWarning(lcDb, "cannot set statement_timeout: %s",
                  qPrintable(Database::describeError(q.lastError())));
}

void sleepUnlessStopped(int ms, const std::atomic_bool *stop) {
    QElapsedTimer slept;
    slept.start();
    while (slept.elapsed() < ms && !(stop && stop->load()))
        QThread::msleep(quint64(qMin<qint64>(50, ms - slept.elapsed())));
}

} // namespace

void Database::setDefaultSettings(const ConnectionSettings &settings) {
    QMutexLocker lock(&s_settingsMutex);
    s_settings = settings;
    ++s_generation;
}

ConnectionSettings Database::defaultSettings() {
    QMutexLocker lock(&s_settingsMutex);
    return s_settings;
}

QSqlDatabase Database::connection() {
    ConnectionSettings settings;
    int generation = 0;
    {
        QMutexLocker lock(&s_settingsMutex);
        settings = s_settings;
        generation = s_generation;
    }
    if (!s_threadConnection.hasLocalData())
        s_threadConnection.setLocalData(new ThreadConnection);
    ThreadConnection *holder = s_threadConnection.localData();
    if (holder->generation != generation)
        holder->remove();
    if (holder->name.isEmpty()) {
        holder->name = QStringLiteral("gsa-db-%1").arg(s_connectionCounter.fetchAndAddRelaxed(1));
        holder->generation = generation;
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), holder->name);
        applySettings(db, settings);
    }
    QSqlDatabase db = QSqlDatabase::database(holder->name, false);
    // A connection the server dropped (restart, pg_terminate_backend, network) turns "not open" (QPSQL
    // asks PQstatus) but keeps its PGconn; close it so reopening does not leak it.
    if (const PGconn *conn = rawHandle(db); conn && (!db.isOpen() || PQstatus(conn) == CONNECTION_BAD)) {
        qCWarning(lcDb, "database connection %s was lost; reconnecting", qPrintable(holder->name));
        db.close();
    }
    if (!db.isOpen() && db.open())
        prepareOpened(db, *holder, settings);
    return db;
}

void Database::setThreadStatementTimeout(int ms) {
    if (!s_threadConnection.hasLocalData())
        s_threadConnection.setLocalData(new ThreadConnection);
    ThreadConnection *holder = s_threadConnection.localData();
    if (holder->statementTimeoutMs == ms)
        return;
    holder->statementTimeoutMs = ms;
    if (holder->name.isEmpty())
        return; // applied when it opens
    QSqlDatabase db = QSqlDatabase::database(holder->name, false);
    if (db.isOpen())
        prepareOpened(db, *holder, defaultSettings(), false);
}

bool Database::isConnectionLost() {
    if (!s_threadConnection.hasLocalData() || s_threadConnection.localData()->name.isEmpty())
        return true;
    const QSqlDatabase db = QSqlDatabase::database(s_threadConnection.localData()->name, false);
    if (!db.isValid())
        return false; // no driver: reconnecting cannot help
    const PGconn *conn = rawHandle(db);
    return !db.isOpen() || !conn || PQstatus(conn) == CONNECTION_BAD;
}

bool Database::reopen(QString *error) {
    if (s_threadConnection.hasLocalData() && !s_threadConnection.localData()->name.isEmpty()) {
        QSqlDatabase db = QSqlDatabase::database(s_threadConnection.localData()->name, false);
        if (db.isValid())
            db.close(); // connection() opens it again under the same name
    }
    return open(error);
}

bool Database::ping(QString *error) {
    if (isConnectionLost() && !reopen(error))
        return false;
    QSqlQuery q(connection());
    if (q.exec(QStringLiteral("SELECT 1")))
        return true;
    const QString first = describeError(q.lastError());
    if (!isConnectionLost()) {
        if (error)
            *error = first;
        return false;
    }
    // The server went away since the last statement: one fresh connection says whether it is back.
    if (!reopen(error))
        return false;
    QSqlQuery again(connection());
    if (again.exec(QStringLiteral("SELECT 1")))
        return true;
    if (error)
        *error = describeError(again.lastError());
    return false;
}

bool Database::runWithReconnect(const std::function<bool()> &work, const RetryPolicy &policy,
                                int *reconnects) {
    QElapsedTimer outage;
    for (int run = 1;; ++run) {
        if (work())
            return true;
        if (run >= policy.maxRuns || !isConnectionLost() || (policy.stop && policy.stop->load()))
            return false;
        // The connection is gone: wait for the server with backoff, then run the work again.
        if (!outage.isValid())
            outage.start();
        int delay = policy.firstDelayMs;
        QString error;
        bool reopened = false;
        while (!reopened) {
            if (outage.elapsed() + delay > policy.budgetMs) {
                qCWarning(lcDb, "database still unreachable after %lld ms; giving up: %s",
                          qint64(outage.elapsed()), qPrintable(error));
                return false;
            }
            sleepUnlessStopped(delay, policy.stop);
            if (policy.stop && policy.stop->load())
                return false;
            reopened = reopen(&error);
            delay = qMin(delay * 2, policy.maxDelayMs);
        }
        qCWarning(lcDb, "database connection reopened after %lld ms", qint64(outage.elapsed()));
        if (reconnects)
            ++*reconnects;
    }
}

bool Database::open(QString *error) {
    QSqlDatabase db = connection();
    if (db.isOpen())
        return true;
    if (!db.isValid()) {
        if (error)
            *error =
                QStringLiteral("the PostgreSQL driver (QPSQL) is not available: install libqt6sql6-psql");
        return false;
    }
    if (!db.isOpen()) { // connection() has just tried; its error is in lastError()
        if (error)
            *error = QStringLiteral("cannot connect to database %1: %2")
                         .arg(defaultSettings().redactedUrl(), describeError(db.lastError()));
        return false;
    }
    return true;
}

void Database::closeThreadConnection() {
    if (s_threadConnection.hasLocalData())
        s_threadConnection.localData()->remove();
}

pg_conn *Database::nativeHandle(const QSqlDatabase &db) {
    if (!db.isOpen())
        return nullptr;
    const QVariant handle = db.driver()->handle();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "pg_conn*") != 0)
        return nullptr;
    return *static_cast<PGconn *const *>(handle.constData());
}

QString Database::describeError(const QSqlError &error) {
    QString text = error.databaseText().trimmed();
    if (text.isEmpty())
        text = error.text().trimmed();
    // libpq messages span lines ("...failed: Connection refused\n\tIs the server running...").
    text = text.simplified();
    if (text.isEmpty())
        text = QStringLiteral("unknown database error");
    return text;
}

std::optional<QString> Database::probeServerVersion(const ConnectionSettings &settings, QString *error) {
    static QAtomicInt counter;
    const QString name = QStringLiteral("gsa-probe-%1").arg(counter.fetchAndAddRelaxed(1));
    std::optional<QString> version;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setHostName(settings.host);
        db.setPort(settings.port);
        db.setUserName(settings.user);
        db.setPassword(settings.password);
        db.setDatabaseName(settings.database);
        // A dialog waits for the answer: the defaults give up after 5 s unless the URL says otherwise.
        db.setConnectOptions(settings.connectOptions());
        if (!db.open()) {
            if (error)
                *error = QStringLiteral("cannot connect to %1: %2")
                             .arg(settings.redactedUrl(), describeError(db.lastError()));
        } else {
            QSqlQuery q(db);
            if (q.exec(QStringLiteral("SELECT current_setting('server_version')")) && q.next())
                version = q.value(0).toString();
            else if (error)
                *error = QStringLiteral("connected to %1, but asking the server version failed: %2")
                             .arg(settings.redactedUrl(), describeError(q.lastError()));
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return version;
}

} // namespace db
