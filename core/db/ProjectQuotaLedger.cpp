#include "db/ProjectQuotaLedger.h"

#include "db/Database.h"
#include "db/QuotaUsageRepository.h"

#include <QHash>
#include <QLoggingCategory>

#include <libpq-fe.h>

#include <algorithm>
#include <cmath>

namespace db {

namespace {
Q_LOGGING_CATEGORY(lcQuota, "gsa.db.quota", QtWarningMsg)
}

ProjectQuotaLedger::ProjectQuotaLedger(QString project, double unitsPerMinute, double blockSeconds)
    : m_project(std::move(project))
    , m_limit(std::max<qint64>(1, qint64(std::llround(unitsPerMinute))))
    , m_block(std::clamp<qint64>(qint64(std::llround(unitsPerMinute / 60.0 * blockSeconds)), 1, m_limit)) {}

std::shared_ptr<ProjectQuotaLedger> ProjectQuotaLedger::forProject(const QString &project,
                                                                   double unitsPerMinute) {
    static QMutex mutex;
    static QHash<QString, std::shared_ptr<ProjectQuotaLedger>> ledgers;
    QMutexLocker lock(&mutex);
    auto &ledger = ledgers[project + QLatin1Char('/') + QString::number(unitsPerMinute, 'f', 0)];
    if (!ledger)
        ledger = std::make_shared<ProjectQuotaLedger>(project, unitsPerMinute);
    return ledger;
}

std::chrono::milliseconds ProjectQuotaLedger::tryAcquire(int units) {
    using namespace std::chrono;
    QMutexLocker lock(&m_mutex);
    if (units > m_limit)
        return 0ms; // could never fit a minute; the per-user pacer still spaces it
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (m_available >= units && m_minute.isValid() && now < m_minute.addSecs(60)) {
        m_available -= units;
        m_acquired += units;
        return 0ms;
    }
    if (m_spentUntil.isValid() && now < m_spentUntil)
        return milliseconds(std::max<qint64>(10, now.msecsTo(m_spentUntil)));

    QSqlDatabase conn = Database::connection();
    // The reservation must commit at once: inside a caller's open transaction its row lock would
    // hold every other worker back until that transaction ends.
    if (PGconn *pg = Database::nativeHandle(conn); !pg || PQtransactionStatus(pg) != PQTRANS_IDLE) {
        m_error = pg ? QStringLiteral("the connection is inside a transaction")
                     : QStringLiteral("no database connection");
        qCWarning(lcQuota, "project quota not enforced for this call: %s", qPrintable(m_error));
        return 0ms;
    }
    QuotaUsageRepository repo(conn);
    if (!m_lastPrune.isValid() || m_lastPrune.secsTo(now) > 600) {
        m_lastPrune = now;
        if (!repo.prune())
            qCWarning(lcQuota, "%s", qPrintable(repo.errorString()));
    }
    while (true) {
        const auto grant = repo.take(m_project, std::max<qint64>(m_block, units), m_limit);
        if (!grant) {
            m_error = repo.errorString();
            qCWarning(lcQuota, "project quota not enforced for this call: %s", qPrintable(m_error));
            return 0ms;
        }
        if (grant->minute != m_minute) { // a new minute: what is left of the old one is gone
            m_minute = grant->minute;
            m_available = 0;
        }
        m_available += grant->granted;
        if (m_available >= units) {
            m_available -= units;
            m_acquired += units;
            m_spentUntil = {};
            return 0ms;
        }
        if (grant->granted == 0) {
            // Spent (by this process or others): nobody here asks again before the next minute.
            m_spentUntil = now.addMSecs(grant->msUntilNextMinute + 20);
            return milliseconds(grant->msUntilNextMinute + 20);
        }
        // A partial block: the rest of the minute; take again (the next take gets 0 or a new minute).
    }
}

qint64 ProjectQuotaLedger::unitsAcquired() const {
    QMutexLocker lock(&m_mutex);
    return m_acquired;
}

QString ProjectQuotaLedger::lastError() const {
    QMutexLocker lock(&m_mutex);
    return m_error;
}

} // namespace db
