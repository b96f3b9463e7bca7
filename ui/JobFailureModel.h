#pragma once

#include "db/MessageFailure.h"

#include <QAbstractTableModel>
#include <QList>

namespace ui {

class DbExecutor;

// The messages a sync job could not store and that are still recorded as failing with it
// (db::MessageFailureRepository::listForJob), loaded off the GUI thread. A message leaves the list when a
// later sync stores it, or moves to the later job that failed on it again.
class JobFailureModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobFailureModel)
public:
    enum Column { MessageId, Kind, Attempts, Permanent, LastSeen, LastError, ColumnCount };
    static constexpr int kLimit = 1000; // rows loaded per job; the job's failed count says how many there are

    explicit JobFailureModel(DbExecutor *executor, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const db::MessageFailure *failure(int row) const;
    qint64 jobId() const { return m_jobId; }
    static QString kindText(db::MessageFailure::Kind kind);

public Q_SLOTS:
    // Loads the failures of `jobId` (again); 0 empties the list.
    void load(qint64 jobId);

Q_SIGNALS:
    void loaded();
    void loadFailed(const QString &error);

private:
    void setFailures(qint64 jobId, QList<db::MessageFailure> failures);

    DbExecutor *m_executor;
    QList<db::MessageFailure> m_failures;
    qint64 m_jobId = 0;
    int m_generation = 0;
};

} // namespace ui
