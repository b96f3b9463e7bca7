#include "EmbeddedPostgres.h"

#include "db/Database.h"

#include <QAtomicInt>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QVersionNumber>

#include <memory>

#include <libpq-fe.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace db {

namespace {

constexpr int kPort = 5432; // only names the socket file; there is no TCP listener
constexpr const char *kSuperuser = "postgres";
// sockaddr_un.sun_path is 108 bytes on Linux, including the terminating NUL.
constexpr qsizetype kMaxSocketPath = 107;

QString firstLine(const QString &text) {
    const QStringList lines = text.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    for (const QString &line : lines) {
        if (line.contains(QLatin1String("FATAL")) || line.contains(QLatin1String("ERROR")) ||
            line.contains(QLatin1String("error")))
            return line.simplified();
    }
    return lines.isEmpty() ? QString() : lines.constLast().simplified();
}

} // namespace

EmbeddedPostgres::EmbeddedPostgres(QString baseDirectory)
    : m_baseDir(std::move(baseDirectory))
    , m_asRoot(::geteuid() == 0) {}

EmbeddedPostgres::~EmbeddedPostgres() {
    stop();
}

QString EmbeddedPostgres::defaultBaseDirectory() {
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) +
           QStringLiteral("/postgres");
}

QString EmbeddedPostgres::findServerBinDirectory() {
    const QDir root(QStringLiteral("/usr/lib/postgresql"));
    QString best;
    QVersionNumber bestVersion;
    for (const QString &entry : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const QString bin = root.filePath(entry) + QStringLiteral("/bin");
        if (!QFileInfo(bin + QStringLiteral("/initdb")).isExecutable() ||
            !QFileInfo(bin + QStringLiteral("/pg_ctl")).isExecutable())
            continue;
        const QVersionNumber version = QVersionNumber::fromString(entry);
        if (best.isEmpty() || version > bestVersion) {
            best = bin;
            bestVersion = version;
        }
    }
    return best;
}

bool EmbeddedPostgres::fail(const QString &message) {
    m_error = message;
    return false;
}

ConnectionSettings EmbeddedPostgres::settings() const {
    ConnectionSettings s;
    s.host = m_socketDir;
    s.port = kPort;
    s.user = QString::fromLatin1(kSuperuser);
    s.database = databaseName();
    return s;
}

bool EmbeddedPostgres::resolvePaths() {
    if (m_baseDir.isEmpty())
        return fail(
            QStringLiteral("no folder for the embedded PostgreSQL cluster (no writable data location)"));
    const QString hash = QString::fromLatin1(
        QCryptographicHash::hash(QDir::cleanPath(m_baseDir).toUtf8(), QCryptographicHash::Sha1)
            .toHex()
            .left(12));
    m_clusterDir =
        m_asRoot ? QStringLiteral("/var/lib/gmail-sync/postgres-") + hash : QDir::cleanPath(m_baseDir);
    m_dataDir = m_clusterDir + QStringLiteral("/data");
    m_socketDir = m_clusterDir + QStringLiteral("/socket");
    if ((m_socketDir + QStringLiteral("/.s.PGSQL.") + QString::number(kPort)).toUtf8().size() >
        kMaxSocketPath)
        m_socketDir = QDir::tempPath() + QStringLiteral("/gsa-pg-") + hash;

    if (m_binDir.isEmpty()) {
        // An existing cluster needs the server of its own major version (PG_VERSION holds it); a newer
        // one installed next to it refuses the old data files.
        QFile version(m_dataDir + QStringLiteral("/PG_VERSION"));
        if (version.open(QIODevice::ReadOnly)) {
            const QString own = QStringLiteral("/usr/lib/postgresql/") +
                                QString::fromLatin1(version.readAll().trimmed()) + QStringLiteral("/bin");
            if (QFileInfo(own + QStringLiteral("/pg_ctl")).isExecutable())
                m_binDir = own;
        }
    }
    if (m_binDir.isEmpty())
        m_binDir = findServerBinDirectory();
    if (m_binDir.isEmpty() || !QFileInfo(m_binDir + QStringLiteral("/initdb")).isExecutable() ||
        !QFileInfo(m_binDir + QStringLiteral("/pg_ctl")).isExecutable())
        return fail(
            QStringLiteral("PostgreSQL server programs (initdb, pg_ctl) not found in %1: install postgresql "
                           "(apt-get install postgresql) or pass --database")
                .arg(m_binDir.isEmpty() ? QStringLiteral("/usr/lib/postgresql/*/bin") : m_binDir));
    return true;
}

bool EmbeddedPostgres::prepareDirectories() {
    if (!QDir().mkpath(m_baseDir))
        return fail(QStringLiteral("cannot create %1").arg(m_baseDir));
    for (const QString &dir : {m_clusterDir, m_socketDir}) {
        if (!QDir().mkpath(dir))
            return fail(QStringLiteral("cannot create %1").arg(dir));
        ::chmod(QFile::encodeName(dir).constData(), 0700);
    }
    if (m_asRoot) {
        const passwd *pw = ::getpwnam(kSuperuser);
        if (!pw)
            return fail(QStringLiteral("running as root needs the postgres system user to run the embedded "
                                       "PostgreSQL: install postgresql or pass --database"));
        for (const QString &dir : {m_clusterDir, m_socketDir}) {
            if (::chown(QFile::encodeName(dir).constData(), pw->pw_uid, pw->pw_gid) != 0)
                return fail(QStringLiteral("cannot give %1 to the postgres user").arg(dir));
        }
        // Which folder this cluster belongs to, for removeOrphanedClusters() of later runs.
        QFile origin(m_clusterDir + QStringLiteral("/origin"));
        if (origin.open(QIODevice::WriteOnly | QIODevice::Truncate))
            origin.write(QDir::cleanPath(m_baseDir).toUtf8());
    }
    return true;
}

void EmbeddedPostgres::removeOrphanedClusters() {
    if (!m_asRoot)
        return;
    const QDir parent = QFileInfo(m_clusterDir).absoluteDir();
    for (const QFileInfo &entry :
         parent.entryInfoList({QStringLiteral("postgres-*")}, QDir::Dirs | QDir::NoDotAndDotDot)) {
        if (entry.absoluteFilePath() == QFileInfo(m_clusterDir).absoluteFilePath())
            continue;
        QFile origin(entry.absoluteFilePath() + QStringLiteral("/origin"));
        if (!origin.open(QIODevice::ReadOnly))
            continue; // being created right now, or from a version without origin files: leave it
        const QString originDir = QString::fromUtf8(origin.readAll()).trimmed();
        if (originDir.isEmpty() || QFileInfo::exists(originDir))
            continue;
        const QString data = entry.absoluteFilePath() + QStringLiteral("/data");
        QString output;
        if (runTool(QStringLiteral("pg_ctl"), {QStringLiteral("status"), QStringLiteral("-D"), data}, &output,
                    30000) == 0 &&
            runTool(QStringLiteral("pg_ctl"),
                    {QStringLiteral("stop"), QStringLiteral("-D"), data, QStringLiteral("-m"),
                     QStringLiteral("fast"), QStringLiteral("-w"), QStringLiteral("-t"),
                     QStringLiteral("30")},
                    &output) != 0)
            continue; // still running: try again next time
        QDir(entry.absoluteFilePath()).removeRecursively();
    }
}

int EmbeddedPostgres::runTool(const QString &tool, const QStringList &args, QString *output, int timeoutMs) {
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.setWorkingDirectory(m_clusterDir); // postgres may not be allowed into our cwd
    // Our locale may not exist for the server; the cluster is created with C.UTF-8.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
    process.setProcessEnvironment(env);
    const QString program = m_binDir + QLatin1Char('/') + tool;
    if (m_asRoot)
        process.start(QStringLiteral("runuser"),
                      QStringList{QStringLiteral("-u"), QString::fromLatin1(kSuperuser), QStringLiteral("--"),
                                  program} +
                          args);
    else
        process.start(program, args);
    if (!process.waitForStarted(30000)) {
        *output = QStringLiteral("cannot run %1: %2")
                      .arg(m_asRoot ? QStringLiteral("runuser") : program, process.errorString());
        return -1;
    }
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(5000);
        *output = QStringLiteral("%1 did not finish within %2 s").arg(tool).arg(timeoutMs / 1000);
        return -1;
    }
    *output = QString::fromLocal8Bit(process.readAll());
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
}

QString EmbeddedPostgres::lastLogLine(const QString &file) const {
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    if (f.size() > 8192)
        f.seek(f.size() - 8192);
    return firstLine(QString::fromLocal8Bit(f.readAll()));
}

bool EmbeddedPostgres::initCluster() {
    if (QFileInfo::exists(m_dataDir + QStringLiteral("/PG_VERSION")))
        return true;
    // A half-made data folder from an interrupted initdb: start again.
    if (QFileInfo::exists(m_dataDir) && !QDir(m_dataDir).removeRecursively())
        return fail(QStringLiteral("cannot remove the incomplete cluster in %1").arg(m_dataDir));
    QString output;
    // Trust on the Unix socket only: the socket folder is 0700, so only this user (or root) gets in.
    const int rc = runTool(QStringLiteral("initdb"),
                           {QStringLiteral("-D"), m_dataDir, QStringLiteral("-U"),
                            QString::fromLatin1(kSuperuser), QStringLiteral("-A"), QStringLiteral("trust"),
                            QStringLiteral("-E"), QStringLiteral("UTF8"), QStringLiteral("--locale=C.UTF-8")},
                           &output);
    if (rc != 0) {
        QFile log(m_clusterDir + QStringLiteral("/initdb.log"));
        if (log.open(QIODevice::WriteOnly | QIODevice::Truncate))
            log.write(output.toLocal8Bit());
        return fail(QStringLiteral("initdb failed in %1: %2").arg(m_dataDir, firstLine(output)));
    }
    // Later settings in postgresql.conf win (PostgreSQL docs §20.1.2).
    QFile conf(m_dataDir + QStringLiteral("/postgresql.conf"));
    if (!conf.open(QIODevice::Append | QIODevice::Text))
        return fail(QStringLiteral("cannot write %1").arg(conf.fileName()));
    conf.write(QStringLiteral("\n# gmail-sync embedded cluster: Unix socket only, no TCP.\n"
                              "listen_addresses = ''\n"
                              "unix_socket_directories = '%1'\n"
                              "port = %2\n")
                   .arg(QString(m_socketDir).replace(QLatin1Char('\''), QStringLiteral("''")))
                   .arg(kPort)
                   .toUtf8());
    return true;
}

bool EmbeddedPostgres::isRunning() {
    if (m_dataDir.isEmpty() && !resolvePaths())
        return false;
    if (!QFileInfo::exists(m_dataDir + QStringLiteral("/PG_VERSION")))
        return false;
    QString output;
    // pg_ctl status: 0 running, 3 not running, 4 no accessible data folder.
    return runTool(QStringLiteral("pg_ctl"), {QStringLiteral("status"), QStringLiteral("-D"), m_dataDir},
                   &output, 30000) == 0;
}

bool EmbeddedPostgres::createDatabase() {
    static QAtomicInt counter;
    const QString connName = QStringLiteral("gsa-embedded-admin-%1").arg(counter.fetchAndAddRelaxed(1));
    bool ok = false;
    {
        QSqlDatabase admin = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connName);
        ConnectionSettings s = settings();
        admin.setHostName(s.host);
        admin.setPort(s.port);
        admin.setUserName(s.user);
        admin.setDatabaseName(QStringLiteral("postgres"));
        if (!admin.open()) {
            fail(QStringLiteral("cannot connect to the embedded PostgreSQL in %1: %2")
                     .arg(m_socketDir, Database::describeError(admin.lastError())));
        } else {
            QSqlQuery exists(admin);
            exists.prepare(QStringLiteral("SELECT 1 FROM pg_database WHERE datname = :name"));
            exists.bindValue(QStringLiteral(":name"), databaseName());
            if (!exists.exec()) {
                fail(QStringLiteral("cannot list databases: %1")
                         .arg(Database::describeError(exists.lastError())));
            } else if (exists.next()) {
                ok = true;
            } else {
                // A database name cannot be a bound parameter; it is our constant.
                QSqlQuery create(admin);
                ok = create.exec(QStringLiteral("CREATE DATABASE ") + databaseName());
                // Another process may have created it between our check and CREATE: 42P04 duplicate_database.
                if (!ok && create.lastError().nativeErrorCode() == QLatin1String("42P04"))
                    ok = true;
                if (!ok)
                    fail(QStringLiteral("cannot create database %1: %2")
                             .arg(databaseName(), Database::describeError(create.lastError())));
            }
        }
    }
    QSqlDatabase::removeDatabase(connName);
    return ok;
}

bool EmbeddedPostgres::start() {
    m_error.clear();
    if (!resolvePaths() || !prepareDirectories())
        return false;
    removeOrphanedClusters();
    // Two programs starting at once must not both run initdb or pg_ctl start.
    const std::unique_ptr<QLockFile> lock(newStartLock());
    if (!lock->tryLock(180000))
        return fail(QStringLiteral("another gmail-sync process is starting the embedded PostgreSQL in %1 "
                                   "(lock file %2/.start.lock)")
                        .arg(m_clusterDir, m_baseDir));
    closePresence();
    if (!initCluster())
        return false;
    if (!isRunning()) {
        QString output;
        const QString log = m_clusterDir + QStringLiteral("/server.log");
        const int rc =
            runTool(QStringLiteral("pg_ctl"),
                    {QStringLiteral("start"), QStringLiteral("-D"), m_dataDir, QStringLiteral("-l"), log,
                     QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("60")},
                    &output);
        if (rc != 0) {
            const QString reason = lastLogLine(log);
            return fail(QStringLiteral("the embedded PostgreSQL in %1 did not start: %2 (see %3)")
                            .arg(m_dataDir, reason.isEmpty() ? firstLine(output) : reason, log));
        }
        m_startedByUs = true;
    }
    if (!createDatabase())
        return false;
    // Reusing someone else's server: stay connected until we are done, still under the lock, so its
    // starter sees us (otherClientCount) and does not stop it between our check and our real connection.
    if (!m_startedByUs && !openPresence())
        return false;
    return true;
}

QLockFile *EmbeddedPostgres::newStartLock() const {
    auto *lock = new QLockFile(m_baseDir + QStringLiteral("/.start.lock"));
    lock->setStaleLockTime(180000);
    return lock;
}

bool EmbeddedPostgres::openPresence() {
    // libpq conninfo quoting (libpq-connect §34.1.1): single quotes, backslash escapes.
    auto quote = [](QString value) -> QString {
        value.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
            .replace(QLatin1Char('\''), QStringLiteral("\\'"));
        return QLatin1Char('\'') + value + QLatin1Char('\'');
    };
    const ConnectionSettings s = settings();
    const QString conninfo =
        QStringLiteral("host=%1 port=%2 user=%3 dbname=postgres application_name='gmail-sync (reusing)'")
            .arg(quote(s.host))
            .arg(s.port)
            .arg(quote(s.user));
    m_presence = PQconnectdb(conninfo.toUtf8().constData());
    if (PQstatus(m_presence) != CONNECTION_OK) {
        const QString reason = QString::fromUtf8(PQerrorMessage(m_presence)).simplified();
        closePresence();
        return fail(
            QStringLiteral("cannot connect to the embedded PostgreSQL in %1: %2").arg(m_socketDir, reason));
    }
    return true;
}

void EmbeddedPostgres::closePresence() {
    if (m_presence)
        PQfinish(m_presence);
    m_presence = nullptr;
}

int EmbeddedPostgres::otherClientCount() {
    static QAtomicInt counter;
    const QString connName = QStringLiteral("gsa-embedded-check-%1").arg(counter.fetchAndAddRelaxed(1));
    int count = -1;
    {
        QSqlDatabase admin = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connName);
        const ConnectionSettings s = settings();
        admin.setHostName(s.host);
        admin.setPort(s.port);
        admin.setUserName(s.user);
        admin.setDatabaseName(QStringLiteral("postgres"));
        if (admin.open()) {
            QSqlQuery q(admin);
            if (q.exec(
                    QStringLiteral("SELECT count(*) FROM pg_stat_activity"
                                   " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")) &&
                q.next())
                count = q.value(0).toInt();
        }
    }
    QSqlDatabase::removeDatabase(connName);
    return count;
}

bool EmbeddedPostgres::stop() {
    closePresence();
    if (!m_startedByUs)
        return true;
    // Under the start lock: a program that is just deciding to reuse the server either already holds
    // its presence connection (counted below) or will find the server stopped and start it itself.
    const std::unique_ptr<QLockFile> lock(newStartLock());
    if (!lock->tryLock(180000))
        return fail(QStringLiteral("another gmail-sync process holds %1/.start.lock").arg(m_baseDir));
    // Another program (the admin window, a worker) may have reused the server we started: leave it
    // running for them rather than cut them off; a later stop() tries again.
    if (const int others = otherClientCount(); others > 0) {
        m_error = QStringLiteral("the embedded PostgreSQL stays running: %1 other connection(s) use it")
                      .arg(others);
        return true;
    }
    if (!stopServer())
        return false;
    m_startedByUs = false;
    return true;
}

bool EmbeddedPostgres::stopServer() {
    if (m_dataDir.isEmpty() && !resolvePaths())
        return false;
    if (!isRunning())
        return true; // nothing to stop
    QString output;
    const int rc =
        runTool(QStringLiteral("pg_ctl"),
                {QStringLiteral("stop"), QStringLiteral("-D"), m_dataDir, QStringLiteral("-m"),
                 QStringLiteral("fast"), QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("60")},
                &output);
    if (rc != 0)
        return fail(QStringLiteral("stopping the embedded PostgreSQL failed: %1").arg(firstLine(output)));
    return true;
}

} // namespace db
