#include "Database.h"

#include <QAtomicInt>
#include <QLoggingCategory>
#include <QMutex>
#include <QMutexLocker>
#include <QSqlDriver>
#include <QSqlError>
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
    db.setConnectOptions(s.options);
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
    if (!db.isOpen()) {
        const QVariant handle = db.driver() ? db.driver()->handle() : QVariant();
        if (handle.isValid() && *static_cast<PGconn *const *>(handle.constData())) {
            qCWarning(lcDb, "database connection %s was lost; reconnecting", qPrintable(holder->name));
            db.close();
        }
    }
    if (!db.isOpen() && db.open()) {
        if (PGconn *conn = nativeHandle(db))
            PQsetNoticeProcessor(conn, noticeToLog, nullptr);
    }
    return db;
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

} // namespace db
