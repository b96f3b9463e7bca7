#pragma once

#include "jobs/JobKind.h"

#include "db/JobRepository.h"
#include "sync/ProgressUpdate.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

namespace ui {

class DbExecutor;

// Sync jobs, newest first, filtered by tenant and status in the query (db::JobRepository::list); live
// progress events patch running rows in place.
class JobTableModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobTableModel)
public:
    enum Column {
        Id,
        Tenant,
        Kind,
        Status,
        Started,
        Duration,
        Progress,
        Processed,
        Inserted,
        Updated,
        Deleted,
        Skipped,
        Failed,
        HistoryIds,
        ColumnCount
    };
    enum Role { SortRole = Qt::UserRole + 1, JobIdRole, ProgressRole, RateRole, EtaRole };

    explicit JobTableModel(DbExecutor *executor, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const db::SyncJob *job(int row) const;
    void setFilter(const QString &tenantId, const QString &status);

    // Plain-text description of every field of a job, error and detail included.
    static QString describe(const db::SyncJob &job);
    static QString statusText(const QString &status);
    static QString kindText(jobs::JobKind kind);
    static QString kindText(const QString &kind);

public Q_SLOTS:
    void refresh();
    void applyProgress(const syncengine::ProgressUpdate &event);

Q_SIGNALS:
    void refreshed();
    void loadFailed(const QString &error);
    // A job seen running or queued before is now failed (not raised for the first load).
    void jobFailed(const db::SyncJob &job);

private:
    // data() by role: the column's text and sort key, a counter column's number, the delegate's roles.
    QVariant displayText(const db::SyncJob &j, int column) const;
    QVariant sortKey(const db::SyncJob &j, int column) const;
    static std::optional<qint64> counter(const db::SyncJob &j, int column);
    static QVariant progressData(const db::SyncJob &j, int column, int role);
    void setJobs(QList<db::SyncJob> jobs);

    DbExecutor *m_executor;
    QList<db::SyncJob> m_jobs;
    QHash<qint64, syncengine::ProgressUpdate> m_live; // see TenantTableModel::m_live
    db::JobFilter m_filter;
    QHash<qint64, QString> m_knownStatus; // job id → status last seen (across filters)
    bool m_loadedOnce = false;
    QDateTime m_since; // server time of the first load: older failures are not news
    bool m_loading = false;
    bool m_reloadPending = false;
    int m_generation = 0;
};

} // namespace ui
