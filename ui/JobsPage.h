#pragma once

#include <QWidget>

class QCheckBox;
class QComboBox;
class QPlainTextEdit;
class QTabWidget;
class QTableView;

namespace ui {

class DbExecutor;
class JobCharts;
class JobTableModel;

// Sync jobs of every tenant or of the selected one, filtered by status; the selected job's full error and
// detail; charts of throughput and durations.
class JobsPage final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobsPage)
public:
    JobsPage(JobTableModel *model, DbExecutor *executor, QWidget *parent = nullptr);

    // The tenant selected in the tenant list (used when "selected tenant only" is on).
    void setSelectedTenant(const QString &tenantId);
    void refresh();
    QTableView *view() const { return m_view; }
    // 0: details, 1: charts.
    void showBottomTab(int index);

private:
    void applyFilter();
    void showDetail();

    JobTableModel *m_model;
    QComboBox *m_status;
    QCheckBox *m_onlySelected;
    QTableView *m_view;
    QPlainTextEdit *m_detail;
    JobCharts *m_charts;
    QTabWidget *m_bottomTabs = nullptr;
    QString m_selectedTenant;
};

} // namespace ui
