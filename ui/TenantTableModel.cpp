#include "TenantTableModel.h"

#include "DbExecutor.h"
#include "db/Database.h"
#include "db/TenantRepository.h"

#include <QApplication>
#include <QColor>
#include <QLocale>
#include <QStyle>

namespace ui {

namespace {

struct LoadResult {
    std::optional<QList<db::TenantOverview>> tenants;
    QString error;
};

qint64 secondsBetween(const QDateTime &from, const QDateTime &to) {
    if (!from.isValid() || !to.isValid())
        return 0;
    return qMax<qint64>(0, from.secsTo(to));
}

QString formatDate(const QDateTime &dt) {
    return dt.isValid() ? QLocale().toString(dt.toLocalTime(), QLocale::ShortFormat) : QString();
}

} // namespace

TenantTableModel::TenantTableModel(DbExecutor *executor, QObject *parent)
    : QAbstractTableModel(parent)
    , m_executor(executor) {}

int TenantTableModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : int(m_tenants.size());
}

int TenantTableModel::columnCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

const db::TenantOverview *TenantTableModel::tenant(int row) const {
    return row >= 0 && row < m_tenants.size() ? &m_tenants.at(row) : nullptr;
}

int TenantTableModel::rowOf(const QString &tenantId) const {
    for (int i = 0; i < m_tenants.size(); ++i)
        if (m_tenants.at(i).id == tenantId)
            return i;
    return -1;
}

SyncStateInfo TenantTableModel::stateOf(const db::TenantOverview &t, int staleAfterSeconds) {
    SyncStateInfo info;
    if (!t.syncLockedBy.isEmpty()) {
        info.ageSeconds = secondsBetween(t.syncLockedAt, t.serverNow);
        // The lease's heartbeat (or, before the first heartbeat, its start) says whether the holder lives.
        const QDateTime beat = t.syncHeartbeatAt.isValid() ? t.syncHeartbeatAt : t.syncLockedAt;
        if (secondsBetween(beat, t.serverNow) > staleAfterSeconds) {
            info.kind = SyncStateInfo::Kind::StaleLock;
            return info;
        }
    }
    if (t.runningJobId > 0) {
        info.kind = SyncStateInfo::Kind::Running;
        if (t.total && *t.total > 0)
            info.percent = int(qBound(qint64(0), t.processed * 100 / *t.total, qint64(100)));
        return info;
    }
    if (!t.syncLockedBy.isEmpty()) {
        info.kind = SyncStateInfo::Kind::Locked;
        return info;
    }
    if (t.queuedJobs > 0)
        info.kind = SyncStateInfo::Kind::Queued;
    else if (t.lastJobStatus == QLatin1String("failed"))
        info.kind = SyncStateInfo::Kind::Failed;
    return info;
}

QString TenantTableModel::formatAge(qint64 seconds) {
    if (seconds < 60)
        return tr("%n s", nullptr, int(seconds));
    if (seconds < 3600)
        return tr("%n min", nullptr, int(seconds / 60));
    if (seconds < 48 * 3600)
        return tr("%n h", nullptr, int(seconds / 3600));
    return tr("%n d", nullptr, int(seconds / 86400));
}

QString TenantTableModel::describeState(const db::TenantOverview &t, int staleAfterSeconds) {
    const SyncStateInfo s = stateOf(t, staleAfterSeconds);
    switch (s.kind) {
    case SyncStateInfo::Kind::Idle:
        return tr("Idle");
    case SyncStateInfo::Kind::Queued:
        return tr("Queued (%n job(s))", nullptr, t.queuedJobs);
    case SyncStateInfo::Kind::Running:
        return s.percent >= 0 ? tr("Running %1%").arg(s.percent) : tr("Running");
    case SyncStateInfo::Kind::Locked:
        return tr("Locked by %1 for %2").arg(t.syncLockedBy, formatAge(s.ageSeconds));
    case SyncStateInfo::Kind::StaleLock:
        return tr("Stale lock by %1 (%2)").arg(t.syncLockedBy, formatAge(s.ageSeconds));
    case SyncStateInfo::Kind::Failed:
        return tr("Failed");
    }
    return {};
}

QString TenantTableModel::failedTooltip(const db::TenantOverview &t) {
    if (t.failedItems == 0)
        return tr("No message is recorded as failed");
    if (t.failedPermanent == 0)
        return tr("%n message(s) could not be stored; the next sync retries them first.", nullptr,
                  int(t.failedItems));
    return tr("%n message(s) could not be stored.", nullptr, int(t.failedItems)) + QLatin1Char(' ') +
           tr("%n of them failed too often and are retried only by Retry failed items.", nullptr,
              int(t.failedPermanent));
}

QVariant TenantTableModel::data(const QModelIndex &index, int role) const {
    const db::TenantOverview *t = tenant(index.row());
    if (!t || index.column() < 0 || index.column() >= ColumnCount)
        return {};
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return displayText(*t, column);
    case Qt::ToolTipRole:
        return toolTip(*t, column);
    case SortRole:
        return sortKey(*t, column);
    case Qt::DecorationRole:
        if (column == Failed && t->failedItems > 0)
            return QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning);
        return {};
    case Qt::ForegroundRole:
        if (column == Failed && t->failedItems > 0)
            return QColor(0xc5, 0x22, 0x1f);
        return {};
    case Qt::TextAlignmentRole:
        return column == Emails || column == Failed ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                                    : QVariant();
    default:
        return stateData(*t, column, role);
    }
}

QVariant TenantTableModel::displayText(const db::TenantOverview &t, int column) const {
    const QLocale locale;
    switch (column) {
    case Name:
        return t.displayName.isEmpty() ? t.id : t.displayName;
    case Address:
        return t.gmailAddress;
    case Integration:
        return integrationText(t);
    case SyncState:
        return describeState(t, m_staleAfterSeconds);
    case Emails:
        return locale.toString(t.emailCount);
    case Failed:
        return locale.toString(t.failedItems);
    case LastSync:
        return t.lastSyncAt.isValid() ? formatDate(t.lastSyncAt) : tr("Never");
    case WatchExpires:
        return t.watchExpiresAt.isValid() ? formatDate(t.watchExpiresAt) : tr("No watch");
    }
    return {};
}

QString TenantTableModel::integrationText(const db::TenantOverview &t) {
    if (t.integrationStatus.isEmpty())
        return tr("Not connected");
    if (t.integrationStatus == QLatin1String("active"))
        return t.authType == QLatin1String("service_account") ? tr("Active (service account)")
                                                              : tr("Active (OAuth)");
    if (t.integrationStatus == QLatin1String("needs_reauth"))
        return tr("Needs re-authorization");
    return tr("Inactive");
}

QVariant TenantTableModel::toolTip(const db::TenantOverview &t, int column) const {
    if (column == Integration && !t.integrationReason.isEmpty())
        return t.integrationReason;
    if (column == SyncState) {
        if (!t.syncLockedBy.isEmpty())
            return tr("Lease held by %1 since %2; last heartbeat %3")
                .arg(t.syncLockedBy, formatDate(t.syncLockedAt), formatDate(t.syncHeartbeatAt));
        if (t.lastJobStatus == QLatin1String("failed"))
            return t.lastJobError;
    }
    if (column == Failed)
        return failedTooltip(t);
    return {};
}

QVariant TenantTableModel::sortKey(const db::TenantOverview &t, int column) const {
    switch (column) {
    case Emails:
        return t.emailCount;
    case Failed:
        return t.failedItems;
    case LastSync:
        return t.lastSyncAt;
    case WatchExpires:
        return t.watchExpiresAt;
    case SyncState:
        return int(stateOf(t, m_staleAfterSeconds).kind) * 1000 + stateOf(t, m_staleAfterSeconds).percent;
    default:
        return displayText(t, column);
    }
}

QVariant TenantTableModel::stateData(const db::TenantOverview &t, int column, int role) const {
    switch (role) {
    case TenantIdRole:
        return t.id;
    case LockHolderRole:
        return t.syncLockedBy;
    case StateKindRole:
        return int(stateOf(t, m_staleAfterSeconds).kind);
    case ProgressRole:
        return column == SyncState ? stateOf(t, m_staleAfterSeconds).percent : -1;
    case RateRole:
        return t.runningJobId > 0 ? t.rate : 0.0;
    case EtaRole:
        if (t.runningJobId > 0 && t.total && t.rate > 0)
            return qint64(double(qMax<qint64>(0, *t.total - t.processed)) / t.rate);
        return qint64(-1);
    default:
        return {};
    }
}

QVariant TenantTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name:
        return tr("Tenant");
    case Address:
        return tr("Gmail address");
    case Integration:
        return tr("Integration");
    case SyncState:
        return tr("Sync");
    case Emails:
        return tr("Emails");
    case Failed:
        return tr("Failed items");
    case LastSync:
        return tr("Last successful sync");
    case WatchExpires:
        return tr("Watch expires");
    }
    return {};
}

void TenantTableModel::refresh() {
    if (m_loading) {
        m_reloadPending = true;
        return;
    }
    m_loading = true;
    m_executor->run(
        this,
        [] {
            db::TenantRepository repo(db::Database::connection());
            LoadResult r;
            r.tenants = repo.overviews();
            r.error = repo.errorString();
            return r;
        },
        [this](LoadResult r) {
            m_loading = false;
            if (r.tenants)
                setTenants(*r.tenants);
            else
                Q_EMIT loadFailed(r.error);
            if (std::exchange(m_reloadPending, false))
                refresh();
        });
}

void TenantTableModel::setTenants(QList<db::TenantOverview> tenants) {
    QHash<qint64, syncengine::ProgressUpdate> live;
    for (db::TenantOverview &t : tenants) {
        const auto event = m_live.constFind(t.runningJobId);
        if (t.runningJobId <= 0 || event == m_live.cend())
            continue;
        t.processed = qMax(t.processed, event->processed);
        if (!t.total)
            t.total = event->total;
        if (t.rate <= 0)
            t.rate = event->rate;
        live.insert(t.runningJobId, *event);
    }
    m_live = live; // finished jobs drop out
    // Same tenants in the same order (the usual periodic refresh): update in place, so selection and
    // scroll position survive.
    bool sameRows = tenants.size() == m_tenants.size();
    for (int i = 0; sameRows && i < tenants.size(); ++i)
        sameRows = tenants.at(i).id == m_tenants.at(i).id;
    if (sameRows) {
        m_tenants = tenants;
        if (!m_tenants.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    } else {
        beginResetModel();
        m_tenants = tenants;
        endResetModel();
    }
    Q_EMIT refreshed();
}

void TenantTableModel::applyProgress(const syncengine::ProgressUpdate &event) {
    const int row = rowOf(event.tenantId);
    if (row < 0) {
        Q_EMIT unknownJobSeen();
        return;
    }
    m_live.insert(event.jobId, event);
    db::TenantOverview &t = m_tenants[row];
    if (t.runningJobId != event.jobId)
        Q_EMIT unknownJobSeen();
    t.runningJobId = event.jobId;
    t.runningPhase = event.phase;
    t.processed = event.processed;
    t.total = event.total;
    t.rate = event.rate;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

} // namespace ui
