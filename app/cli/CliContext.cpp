#include "CliContext.h"

#include "Command.h"
#include "db/Database.h"
#include "db/EmbeddedPostgres.h"
#include "db/Migrator.h"
#include "db/TenantRepository.h"

namespace cli {

CliContext::CliContext(GlobalOptions options, QTextStream &out, QTextStream &err)
    : m_options(std::move(options))
    , m_out(out)
    , m_err(err) {}

CliContext::~CliContext() {
    // Our connection goes before the server it talks to.
    db::Database::closeThreadConnection();
    m_embedded.reset();
}

int CliContext::fail(const QString &message) {
    // Exactly one line, whatever the message carried.
    m_err << "gmail-sync: " << QString(message).replace(QLatin1Char('\n'), QLatin1Char(' ')).trimmed()
          << Qt::endl;
    return ExitFailure;
}

int CliContext::failTenant(const db::TenantRepository &tenants, const QString &tenantId) {
    return fail(
        tenants.isNotFound()
            ? QStringLiteral("tenant \"%1\" does not exist (see: gmail-sync tenant list)").arg(tenantId)
            : tenants.errorString());
}

int CliContext::usageError(const QString &message, const QString &usage) {
    m_err << "gmail-sync: " << message << '\n'
          << usage << '\n'
          << "Run 'gmail-sync help' for the list of commands." << Qt::endl;
    return ExitUsage;
}

bool CliContext::connectDatabase(QString *error) {
    if (m_connected)
        return true;
    db::ConnectionSettings settings;
    if (!m_options.databaseUrl.isEmpty()) {
        QString parseError;
        const auto parsed = db::ConnectionSettings::fromUrl(m_options.databaseUrl, &parseError);
        if (!parsed) {
            *error = QStringLiteral("invalid --database URL: ") + parseError;
            return false;
        }
        settings = *parsed;
    } else {
        m_embedded = std::make_unique<db::EmbeddedPostgres>();
        if (!m_embedded->start()) {
            *error = m_embedded->errorString();
            m_embedded.reset();
            return false;
        }
        settings = m_embedded->settings();
    }
    db::Database::setDefaultSettings(settings);
    if (!db::Database::open(error))
        return false;
    m_connected = true;
    return true;
}

bool CliContext::openDatabase(QString *error) {
    if (!connectDatabase(error))
        return false;
    db::Migrator migrator(db::Database::connection());
    if (!migrator.migrate()) {
        *error = migrator.errorString();
        return false;
    }
    return true;
}

} // namespace cli
