#pragma once

#include "db/ConnectionSettings.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QString>

#include <atomic>
#include <functional>
#include <optional>

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

    // statement_timeout of this thread's connection in ms (0: the server's setting), applied now and at every
    // (re)open; call it when the thread starts. A URL whose options=-c … names statement_timeout wins.
    // Suited to the work of each connection:
    static constexpr int kInteractiveStatementTimeoutMs = 15'000; // the GUI's loads: fail, show, retry
    static constexpr int kQueueStatementTimeoutMs = 30'000;       // claims, heartbeats, progress, settling
    static constexpr int kWriterStatementTimeoutMs = 300'000;     // a sync step's transaction (COPY, merge)
    static void setThreadStatementTimeout(int ms);

    // Whether this thread's connection is gone (the server restarted or went away, the network broke):
    // libpq reports CONNECTION_BAD, or it was never opened. A failed statement on a live connection is not.
    static bool isConnectionLost();
    // Closes and opens this thread's connection again under the same name, so QSqlDatabase handles that
    // repositories hold stay valid (a transaction in flight is lost with the old session).
    Q_REQUIRED_RESULT static bool reopen(QString *error);
    // SELECT 1 on this thread's connection, reopening it first when it was lost.
    Q_REQUIRED_RESULT static bool ping(QString *error);

    // How runWithReconnect waits for the server to come back.
    struct RetryPolicy {
        int budgetMs = 30'000;  // give up when the server has not been back for this long
        int firstDelayMs = 250; // backoff between reconnect attempts, doubling up to maxDelayMs
        int maxDelayMs = 4'000;
        int maxRuns = 4;                        // runs of work in all (it may lose its connection again)
        const std::atomic_bool *stop = nullptr; // set: give up at once (the caller is stopping)
    };
    // Runs work() (which uses this thread's connection and says whether it succeeded); when it fails
    // because the connection was lost, reopens the connection with backoff and runs it again. work must be
    // idempotent and keep no QSqlQuery across runs. Returns work's last result. *reconnects (optional)
    // counts the reopens that succeeded.
    Q_REQUIRED_RESULT static bool runWithReconnect(const std::function<bool()> &work,
                                                   const RetryPolicy &policy, int *reconnects = nullptr);
    Q_REQUIRED_RESULT static bool runWithReconnect(const std::function<bool()> &work) {
        return runWithReconnect(work, RetryPolicy());
    }

    // libpq's connection behind an open QPSQL connection (for COPY, PQexec of scripts), or nullptr.
    static pg_conn *nativeHandle(const QSqlDatabase &db);

    // The first line of a QSqlError from QPSQL, without the driver's generic prefix.
    static QString describeError(const QSqlError &error);

    // Opens a private connection with `settings` (not this thread's), asks the server's version and
    // closes it: the settings dialog's "Test". On failure *error says what failed, without the password.
    static std::optional<QString> probeServerVersion(const ConnectionSettings &settings, QString *error);
};

} // namespace db
