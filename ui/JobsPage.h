#pragma once

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QPlainTextEdit;
class QTabWidget;
class QTableView;

namespace ui {

class DbExecutor;
class JobCharts;
class JobFailureModel;
class JobTableModel;

// Sync jobs of every tenant or of the selected one, filtered by status; the selected job's full error and
// detail with the messages it could not store; charts of throughput and durations.
class JobsPage final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobsPage)
public:
    JobsPage(JobTableModel *model, DbExecutor *executor, QWidget *parent = nullptr);

    // The tenant selected in the tenant list (used when "selected tenant only" is on).
    void setSelectedTenant(const QString &tenantId);
    void refresh();
    QTableView *view() const { return m_view; }
    JobFailureModel *failureModel() const { return m_failureModel; }
    // 0: details, 1: charts.
    void showBottomTab(int index);

private:
    void setUpJobView();
    // The selected job's detail text above the messages it could not store.
    QWidget *createDetailPane();
    void applyFilter();
    void showDetail();
    void showFailures();

    JobTableModel *m_model;
    QComboBox *m_status;
    QCheckBox *m_onlySelected;
    QTableView *m_view;
    QPlainTextEdit *m_detail;
    JobFailureModel *m_failureModel;
    QWidget *m_failureBox;
    QLabel *m_failureLabel;
    QTableView *m_failureView;
    qint64 m_detailJobId = 0; // the job whose failures are shown
    qint64 m_detailJobFailed = -1;
    JobCharts *m_charts;
    QTabWidget *m_bottomTabs = nullptr;
    QString m_selectedTenant;
};

} // namespace ui
