#pragma once

#include "db/ThreadRepository.h"

#include <QAbstractTableModel>

namespace ui {

class DbExecutor;

// The thread list, newest first, fetched a page at a time off the GUI thread as the view scrolls
// (canFetchMore/fetchMore over db::ThreadRepository's keyset pages).
class ThreadListModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ThreadListModel)
public:
    enum Column { Subject, Participants, LastDate, Messages, Labels, ColumnCount };
    enum Role { TenantIdRole = Qt::UserRole + 1, ThreadIdRole };

    explicit ThreadListModel(DbExecutor *executor, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    // Starts over with a new tenant / search (results of the old query still in flight are dropped).
    void setQuery(const db::ThreadQuery &query);
    db::ThreadQuery query() const { return m_query; }
    const db::ThreadSummary *thread(int row) const;
    bool isLoading() const { return m_loading; }
    void setPageSize(int size) { m_pageSize = size; }

Q_SIGNALS:
    void pageLoaded(int rows);
    void loadFailed(const QString &error);

private:
    DbExecutor *m_executor;
    db::ThreadQuery m_query;
    QList<db::ThreadSummary> m_threads;
    std::optional<db::ThreadCursor> m_next;
    bool m_atEnd = true;
    bool m_loading = false;
    int m_generation = 0;
    int m_pageSize = 200;
};

} // namespace ui
