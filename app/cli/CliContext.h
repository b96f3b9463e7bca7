#pragma once

#include "GlobalOptions.h"

#include <QString>
#include <QTextStream>

#include <memory>

namespace db {
class EmbeddedPostgres;
class TenantRepository;
} // namespace db

namespace cli {

// What a command gets: the resolved global options, stdout/stderr, and the database.
class CliContext final {
public:
    CliContext(GlobalOptions options, QTextStream &out, QTextStream &err);
    ~CliContext(); // stops the embedded cluster if this process started it
    CliContext(const CliContext &) = delete;
    CliContext &operator=(const CliContext &) = delete;

    GlobalOptions &options() { return m_options; }
    QTextStream &out() { return m_out; }
    QTextStream &err() { return m_err; }

    // Reports a failed operation: one line "gmail-sync: <message>" on stderr; returns ExitFailure.
    int fail(const QString &message);
    // Reports a failed tenant lookup: "tenant … does not exist" when it is missing, else the error.
    int failTenant(const db::TenantRepository &tenants, const QString &tenantId);
    // Reports a usage error: "gmail-sync: <message>" and the usage on stderr; returns ExitUsage.
    int usageError(const QString &message, const QString &usage);

    // Sets db::Database's default settings from --database, or starts (or reuses) the embedded
    // cluster when no URL is given, and opens this thread's connection. No migration.
    Q_REQUIRED_RESULT bool connectDatabase(QString *error);
    // connectDatabase() and then migrates to this program's schema (refuses a newer one).
    Q_REQUIRED_RESULT bool openDatabase(QString *error);

private:
    GlobalOptions m_options;
    QTextStream &m_out;
    QTextStream &m_err;
    std::unique_ptr<db::EmbeddedPostgres> m_embedded;
    bool m_connected = false;
};

} // namespace cli
