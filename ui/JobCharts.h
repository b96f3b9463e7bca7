#pragma once

#include "db/JobRepository.h"

#include <QWidget>

class QChartView;

namespace ui {

class DbExecutor;

// Two charts over finished sync jobs: messages processed per day (last 30 days) and the durations of the
// most recent jobs.
class JobCharts final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobCharts)
public:
    explicit JobCharts(DbExecutor *executor, QWidget *parent = nullptr);

    void setTenant(const QString &tenantId);
    void refresh();

private:
    void showDaily(const QList<db::DailySyncCount> &days);
    void showDurations(const QList<db::JobDuration> &durations);

    DbExecutor *m_executor;
    QString m_tenantId;
    QChartView *m_daily;
    QChartView *m_durations;
    int m_generation = 0;
};

} // namespace ui
