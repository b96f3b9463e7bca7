#pragma once

#include "db/ConnectionSettings.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QString>

struct pg_conn; // libpq's PGconn

namespace db {

// One QSqlDatabase per thread, named after the thread, opened lazily and removed when the thread ends
// (a QSqlDatabase may only be used by the thread that created it; cf. Akonadi's DataStore and
// qBittorrent's dbresumedatastorage Worker). All connections use the process-wide default settings.
class Database final {
public:
    Database() = delete;

    // Process-wide; call once at start (before worker threads connect). Changing the settings later
    // makes each thread reconnect on its next connection() call.
    static void setDefaultSettings(const ConnectionSettings &settings);
    static ConnectionSettings defaultSettings();

    // This thread's connection, opened lazily (check isOpen() or call open() for the reason it is not).
    static QSqlDatabase connection();
    // Opens this thread's connection; on failure *error is one line that names the server (no password).
    Q_REQUIRED_RESULT static bool open(QString *error);
    // Closes and removes this thread's connection; call at the end of a worker thread's run(). Also done
    // automatically when a QThread ends.
    static void closeThreadConnection();

    // libpq's connection behind an open QPSQL connection (for COPY, PQexec of scripts), or nullptr.
    static pg_conn *nativeHandle(const QSqlDatabase &db);

    // The first line of a QSqlError from QPSQL, without the driver's generic prefix.
    static QString describeError(const QSqlError &error);
};

} // namespace db
