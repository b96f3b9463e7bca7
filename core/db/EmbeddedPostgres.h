#pragma once

#include "db/ConnectionSettings.h"

#include <QString>
#include <QStringList>

class QLockFile;
struct pg_conn; // libpq's PGconn

namespace db {

// A private PostgreSQL cluster for when no database is configured: created on first use under
// AppLocalDataLocation/postgres with the distribution's initdb/pg_ctl, reachable only through a Unix
// socket in that folder (listen_addresses = '', no TCP), database `gmail_sync`. A cluster that is
// already running there is reused; stop() (and the destructor) stop it only if this object started it
// and nobody else is connected.
// PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` system user in
// /var/lib/gmail-sync/postgres-<hash of the folder> (postgres cannot enter /root); such a cluster whose
// folder no longer exists is stopped and removed by the next start().
class EmbeddedPostgres final {
public:
    explicit EmbeddedPostgres(QString baseDirectory = defaultBaseDirectory());
    ~EmbeddedPostgres();
    EmbeddedPostgres(const EmbeddedPostgres &) = delete;
    EmbeddedPostgres &operator=(const EmbeddedPostgres &) = delete;

    static QString defaultBaseDirectory();
    static QString databaseName() { return QStringLiteral("gmail_sync"); }
    // The newest /usr/lib/postgresql/<version>/bin that has initdb and pg_ctl; empty if none.
    static QString findServerBinDirectory();
    // Overrides findServerBinDirectory() (tests).
    void setServerBinDirectory(const QString &directory) { m_binDir = directory; }

    // Initialises the cluster if needed, starts it unless it already runs, creates the database.
    Q_REQUIRED_RESULT bool start();
    // Stops the server if this object started it and no other program is connected to it (then it
    // stays up and errorString() says why); false only if pg_ctl stop failed.
    bool stop();
    // Stops a server running in this folder whoever started it (maintenance, tests).
    bool stopServer();
    bool startedByUs() const { return m_startedByUs; }
    // Whether a server is running in the cluster directory (pg_ctl status).
    bool isRunning();

    // Where to connect once start() succeeded: the socket directory, user postgres, gmail_sync.
    ConnectionSettings settings() const;
    QString baseDirectory() const { return m_baseDir; }
    QString clusterDirectory() const { return m_clusterDir; }
    QString errorString() const { return m_error; }

private:
    bool resolvePaths();
    bool prepareDirectories();
    // As root: stops and removes the clusters in /var/lib/gmail-sync whose folder (their "origin")
    // is gone, e.g. left behind by a killed run in a temporary folder. Best effort.
    void removeOrphanedClusters();
    bool initCluster();
    bool createDatabase();
    QLockFile *newStartLock() const;
    bool openPresence();
    void closePresence();
    // Client connections other than the one asking; -1 if the server cannot be asked.
    int otherClientCount();
    // Runs a server binary (as `postgres` when we are root); *output gets stdout+stderr.
    int runTool(const QString &tool, const QStringList &args, QString *output, int timeoutMs = 120000);
    bool fail(const QString &message);
    QString lastLogLine(const QString &file) const;

    QString m_baseDir;
    QString m_clusterDir;
    QString m_dataDir;
    QString m_socketDir;
    QString m_binDir;
    QString m_error;
    bool m_asRoot = false;
    bool m_startedByUs = false;
    pg_conn *m_presence = nullptr; // held while we reuse a server someone else started
};

} // namespace db
