#include "JobTableModel.h"

#include "DbExecutor.h"
#include "TenantTableModel.h"
#include "db/Database.h"
#include "db/JobRepository.h"
#include "db/SqlValues.h"

#include <QColor>
#include <QLocale>

namespace ui {

namespace {

struct LoadResult {
    std::optional<QList<db::SyncJob>> jobs;
    QString error;
};

qint64 durationSeconds(const db::SyncJob &j) {
    if (!j.startedAt.isValid())
        return -1;
    const QDateTime end = j.finishedAt.isValid() ? j.finishedAt : j.serverNow;
    return qMax<qint64>(0, j.startedAt.secsTo(end));
}

QString historyIds(const db::SyncJob &j) {
    if (!j.startHistoryId && !j.endHistoryId)
        return {};
    const QString a = j.startHistoryId ? QString::number(*j.startHistoryId) : QStringLiteral("…");
    const QString b = j.endHistoryId ? QString::number(*j.endHistoryId) : QStringLiteral("…");
    return QStringLiteral("%1 → %2").arg(a, b);
}

} // namespace

JobTableModel::JobTableModel(DbExecutor *executor, QObject *parent)
    : QAbstractTableModel(parent)
    , m_executor(executor) {}

int JobTableModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : int(m_jobs.size());
}

int JobTableModel::columnCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

const db::SyncJob *JobTableModel::job(int row) const {
    return row >= 0 && row < m_jobs.size() ? &m_jobs.at(row) : nullptr;
}

void JobTableModel::setFilter(const QString &tenantId, const QString &status) {
    if (m_filter.tenantId == tenantId && m_filter.status == status)
        return;
    m_filter.tenantId = tenantId;
    m_filter.status = status;
    ++m_generation; // results of the old filter are dropped
    m_loading = false;
    refresh();
}

QString JobTableModel::statusText(const QString &status) {
    if (status == QLatin1String("queued"))
        return tr("Queued");
    if (status == QLatin1String("running"))
        return tr("Running");
    if (status == QLatin1String("succeeded"))
        return tr("Succeeded");
    if (status == QLatin1String("failed"))
        return tr("Failed");
    if (status == QLatin1String("cancelled"))
        return tr("Cancelled");
    return status;
}

QString JobTableModel::kindText(jobs::JobKind kind) {
    switch (kind) {
    case jobs::JobKind::Initial:
        return tr("Initial");
    case jobs::JobKind::Incremental:
        return tr("Incremental");
    case jobs::JobKind::Historical:
        return tr("Historical");
    case jobs::JobKind::Push:
        return tr("Push");
    }
    return {};
}

QString JobTableModel::kindText(const QString &kind) {
    const auto k = jobs::parseKind(kind);
    return k ? kindText(*k) : kind;
}

QString JobTableModel::describe(const db::SyncJob &j) {
    const QLocale locale;
    auto date = [&locale](const QDateTime &dt) {
        return dt.isValid() ? locale.toString(dt.toLocalTime(), QLocale::LongFormat) : QStringLiteral("—");
    };
    QStringList lines;
    lines << tr("Job %1 · %2 sync of tenant %3").arg(j.id).arg(kindText(j.kind), j.tenantId);
    lines << tr("Status: %1%2")
                 .arg(statusText(j.status),
                      j.phase.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(j.phase));
    lines << tr("Forced: %1 · attempts: %2 · worker: %3")
                 .arg(j.force ? tr("yes") : tr("no"))
                 .arg(j.attempts)
                 .arg(j.workerId.isEmpty() ? QStringLiteral("—") : j.workerId);
    lines << tr("Created: %1").arg(date(j.createdAt));
    lines << tr("Started: %1").arg(date(j.startedAt));
    lines << tr("Finished: %1").arg(date(j.finishedAt));
    lines << tr("Processed %1 · inserted %2 · updated %3 · deleted %4 · skipped %5 · failed %6")
                 .arg(j.processed)
                 .arg(j.inserted)
                 .arg(j.updated)
                 .arg(j.deleted)
                 .arg(j.skipped)
                 .arg(j.failed);
    if (j.progressTotal)
        lines << tr("Total to process: %1").arg(*j.progressTotal);
    const QString ids = historyIds(j);
    if (!ids.isEmpty())
        lines << tr("History ids: %1").arg(ids);
    lines << tr("Parameters: %1").arg(db::sql::jsonText(j.params));
    lines << tr("Checkpoint: %1").arg(db::sql::jsonText(j.checkpoint));
    if (!j.errorMessage.isEmpty())
        lines << QString() << tr("Error: %1").arg(j.errorMessage);
    if (!j.errorDetail.isEmpty())
        lines << QString() << tr("Detail:") << j.errorDetail;
    return lines.join(QLatin1Char('\n'));
}

QVariant JobTableModel::data(const QModelIndex &index, int role) const {
    const db::SyncJob *j = job(index.row());
    if (!j)
        return {};
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return displayText(*j, column);
    case Qt::ToolTipRole:
        if (column == Failed && j->failed > 0)
            return tr("%n message(s) could not be stored; the job details list them", nullptr,
                      int(j->failed));
        return j->errorMessage.isEmpty() ? QVariant() : QVariant(j->errorMessage);
    case SortRole:
        return sortKey(*j, column);
    case Qt::ForegroundRole:
        return column == Failed && j->failed > 0 ? QVariant(QColor(0xc5, 0x22, 0x1f)) : QVariant();
    case Qt::TextAlignmentRole:
        return column >= Processed && column <= Failed ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                                       : QVariant();
    default:
        return progressData(*j, column, role);
    }
}

QVariant JobTableModel::displayText(const db::SyncJob &j, int column) const {
    const QLocale locale;
    if (const auto count = counter(j, column))
        return locale.toString(*count);
    switch (column) {
    case Id:
        return j.id;
    case Tenant:
        return j.tenantId;
    case Kind:
        return j.force ? tr("%1 (forced)").arg(kindText(j.kind)) : kindText(j.kind);
    case Status:
        return statusText(j.status);
    case Started:
        return j.startedAt.isValid() ? locale.toString(j.startedAt.toLocalTime(), QLocale::ShortFormat)
                                     : QString();
    case Duration: {
        const qint64 s = durationSeconds(j);
        return s < 0 ? QString() : TenantTableModel::formatAge(s);
    }
    case Progress:
        if (j.status == QLatin1String("running"))
            return j.phase;
        return {};
    case HistoryIds:
        return historyIds(j);
    }
    return {};
}

QVariant JobTableModel::sortKey(const db::SyncJob &j, int column) const {
    if (const auto count = counter(j, column))
        return *count;
    switch (column) {
    case Id:
        return j.id;
    case Started:
        return j.startedAt;
    case Duration:
        return durationSeconds(j);
    default:
        return displayText(j, column);
    }
}

std::optional<qint64> JobTableModel::counter(const db::SyncJob &j, int column) {
    switch (column) {
    case Processed:
        return j.processed;
    case Inserted:
        return j.inserted;
    case Updated:
        return j.updated;
    case Deleted:
        return j.deleted;
    case Skipped:
        return j.skipped;
    case Failed:
        return j.failed;
    default:
        return std::nullopt;
    }
}

QVariant JobTableModel::progressData(const db::SyncJob &j, int column, int role) {
    const bool running = j.status == QLatin1String("running");
    switch (role) {
    case JobIdRole:
        return j.id;
    case ProgressRole:
        if (column == Progress && running && j.progressTotal && *j.progressTotal > 0)
            return int(qBound(qint64(0), j.processed * 100 / *j.progressTotal, qint64(100)));
        return -1;
    case RateRole:
        return running ? j.messagesPerSecond : 0.0;
    case EtaRole:
        if (running && j.progressTotal && j.messagesPerSecond > 0)
            return qint64(double(qMax<qint64>(0, *j.progressTotal - j.processed)) / j.messagesPerSecond);
        return qint64(-1);
    default:
        return {};
    }
}

QVariant JobTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Id:
        return tr("Job");
    case Tenant:
        return tr("Tenant");
    case Kind:
        return tr("Kind");
    case Status:
        return tr("Status");
    case Started:
        return tr("Started");
    case Duration:
        return tr("Duration");
    case Progress:
        return tr("Progress");
    case Processed:
        return tr("Processed");
    case Inserted:
        return tr("Inserted");
    case Updated:
        return tr("Updated");
    case Deleted:
        return tr("Deleted");
    case Skipped:
        return tr("Skipped");
    case Failed:
        return tr("Failed");
    case HistoryIds:
        return tr("History ids");
    }
    return {};
}

void JobTableModel::refresh() {
    if (m_loading) {
        m_reloadPending = true;
        return;
    }
    m_loading = true;
    const db::JobFilter filter = m_filter;
    const int generation = m_generation;
    m_executor->run(
        this,
        [filter] {
            db::JobRepository repo(db::Database::connection());
            LoadResult r;
            r.jobs = repo.list(filter);
            r.error = repo.errorString();
            return r;
        },
        [this, generation](LoadResult r) {
            if (generation != m_generation)
                return;
            m_loading = false;
            if (r.jobs)
                setJobs(*r.jobs);
            else
                Q_EMIT loadFailed(r.error);
            if (std::exchange(m_reloadPending, false))
                refresh();
        });
}

void JobTableModel::setJobs(QList<db::SyncJob> jobs) {
    QHash<qint64, syncengine::ProgressUpdate> live;
    for (db::SyncJob &j : jobs) {
        const auto event = m_live.constFind(j.id);
        if (j.status != QLatin1String("running") || event == m_live.cend())
            continue;
        j.processed = qMax(j.processed, event->processed);
        if (!j.progressTotal)
            j.progressTotal = event->total;
        if (j.messagesPerSecond <= 0)
            j.messagesPerSecond = event->rate;
        live.insert(j.id, *event);
    }
    m_live = live;
    for (const db::SyncJob &j : jobs) {
        const auto known = m_knownStatus.constFind(j.id);
        const bool failed = j.status == QLatin1String("failed");
        const bool newlyFailed = known != m_knownStatus.cend() ? *known != QLatin1String("failed")
                                                               : !m_since.isValid() || j.finishedAt > m_since;
        if (failed && newlyFailed && m_loadedOnce)
            Q_EMIT jobFailed(j);
        m_knownStatus.insert(j.id, j.status);
    }
    if (!m_loadedOnce && !jobs.isEmpty())
        m_since = jobs.constFirst().serverNow; // the first load only records what it saw
    m_loadedOnce = true;
    // The same jobs in the same order (the periodic refresh): update in place, keeping the selection.
    bool sameRows = jobs.size() == m_jobs.size();
    for (int i = 0; sameRows && i < jobs.size(); ++i)
        sameRows = jobs.at(i).id == m_jobs.at(i).id;
    if (sameRows) {
        m_jobs = jobs;
        if (!m_jobs.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    } else {
        beginResetModel();
        m_jobs = jobs;
        endResetModel();
    }
    Q_EMIT refreshed();
}

void JobTableModel::applyProgress(const syncengine::ProgressUpdate &event) {
    m_live.insert(event.jobId, event);
    for (int row = 0; row < m_jobs.size(); ++row) {
        db::SyncJob &j = m_jobs[row];
        if (j.id != event.jobId)
            continue;
        j.phase = event.phase;
        j.processed = event.processed;
        j.progressTotal = event.total;
        j.messagesPerSecond = event.rate;
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        return;
    }
}

} // namespace ui
