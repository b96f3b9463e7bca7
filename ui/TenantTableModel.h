#pragma once

#include "db/Tenant.h"
#include "db/TenantRepository.h"
#include "sync/ProgressUpdate.h"
#include "sync/SyncOptions.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

namespace ui {

class DbExecutor;

// What the "Sync" column says about a tenant.
struct SyncStateInfo {
    enum class Kind { Idle, Queued, Running, Locked, StaleLock, Failed };
    Kind kind = Kind::Idle;
    int percent = -1;      // Running with a known total
    qint64 ageSeconds = 0; // Locked / StaleLock: since the lease was taken
};

// Every tenant with its integration and sync state (db::TenantRepository::overviews), loaded off the GUI
// thread, patched in place by live progress events and reloaded by refresh().
class TenantTableModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TenantTableModel)
public:
    enum Column {
        Name,
        Address,
        Integration,
        SyncState,
        Emails,
        Failed,
        LastSync,
        WatchExpires,
        ColumnCount
    };
    enum Role {
        SortRole = Qt::UserRole + 1,
        TenantIdRole,
        ProgressRole, // int percent, -1 when no bar is shown
        RateRole,     // double messages/s
        EtaRole,      // qint64 seconds, -1 when unknown
        LockHolderRole,
        StateKindRole,
    };

    explicit TenantTableModel(DbExecutor *executor, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const db::TenantOverview *tenant(int row) const;
    int rowOf(const QString &tenantId) const;
    void setStaleAfterSeconds(int seconds) { m_staleAfterSeconds = seconds; }

    static SyncStateInfo stateOf(const db::TenantOverview &t, int staleAfterSeconds);
    static QString describeState(const db::TenantOverview &t, int staleAfterSeconds);
    static QString formatAge(qint64 seconds);
    // The "Failed items" tooltip: how many, and how many of them are permanent.
    static QString failedTooltip(const db::TenantOverview &tenant);

public Q_SLOTS:
    void refresh();
    void applyProgress(const syncengine::ProgressUpdate &event);

Q_SIGNALS:
    void refreshed();
    void loadFailed(const QString &error);
    // A progress event for a job this model did not know as running: the caller may want a reload.
    void unknownJobSeen();

private:
    // data() by role: the column's text, tooltip and sort key; the roles the delegates and tests read.
    QVariant displayText(const db::TenantOverview &t, int column) const;
    static QString integrationText(const db::TenantOverview &t);
    QVariant toolTip(const db::TenantOverview &t, int column) const;
    QVariant sortKey(const db::TenantOverview &t, int column) const;
    QVariant stateData(const db::TenantOverview &t, int column, int role) const;
    void setTenants(QList<db::TenantOverview> tenants);

    DbExecutor *m_executor;
    QList<db::TenantOverview> m_tenants;
    // The newest event per running job: the row's processed_count only moves at checkpoints, the events
    // in between, so a reload must not move a bar backwards.
    QHash<qint64, syncengine::ProgressUpdate> m_live;
    // The engine's: a lock whose holder is silent this long is free (SyncOptions, heartbeats every 3 s).
    int m_staleAfterSeconds = syncengine::SyncOptions().leaseStaleAfterSeconds;
    bool m_loading = false;
    bool m_reloadPending = false;
};

} // namespace ui
