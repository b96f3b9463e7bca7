#include "JobsPage.h"

#include "JobCharts.h"
#include "JobTableModel.h"
#include "ProgressDelegate.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace ui {

JobsPage::JobsPage(JobTableModel *model, DbExecutor *executor, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_status(new QComboBox(this))
    , m_onlySelected(new QCheckBox(tr("Selected tenant only"), this))
    , m_view(new QTableView(this))
    , m_detail(new QPlainTextEdit(this))
    , m_charts(new JobCharts(executor, this)) {
    m_status->setObjectName(QStringLiteral("jobStatusFilter"));
    m_onlySelected->setObjectName(QStringLiteral("jobTenantFilter"));
    m_view->setObjectName(QStringLiteral("jobView"));
    m_detail->setObjectName(QStringLiteral("jobDetail"));
    m_status->addItem(tr("All statuses"), QString());
    for (const char *status : {"queued", "running", "succeeded", "failed", "cancelled"})
        m_status->addItem(JobTableModel::statusText(QLatin1String(status)), QLatin1String(status));

    auto *proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(model);
    proxy->setSortRole(JobTableModel::SortRole);
    m_view->setModel(proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(JobTableModel::Id, Qt::DescendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->verticalHeader()->hide();
    m_view->setAlternatingRowColors(true);
    m_view->setItemDelegateForColumn(
        JobTableModel::Progress, new ProgressDelegate(JobTableModel::ProgressRole, JobTableModel::RateRole,
                                                      JobTableModel::EtaRole, this));
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(JobTableModel::Progress, QHeaderView::Fixed);
    m_view->setColumnWidth(JobTableModel::Progress, 230);
    m_detail->setReadOnly(true);
    m_detail->setPlaceholderText(tr("Select a job to see its parameters, checkpoint and full error."));

    auto *filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("Status:"), this));
    filters->addWidget(m_status);
    filters->addWidget(m_onlySelected);
    filters->addStretch();
    auto *tabs = new QTabWidget(this);
    m_bottomTabs = tabs;
    tabs->addTab(m_detail, tr("Details"));
    tabs->addTab(m_charts, tr("Charts"));
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_view);
    splitter->addWidget(tabs);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(splitter, 1);

    connect(m_status, &QComboBox::currentIndexChanged, this, &JobsPage::applyFilter);
    connect(m_onlySelected, &QCheckBox::toggled, this, &JobsPage::applyFilter);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &JobsPage::showDetail);
    connect(model, &JobTableModel::refreshed, this, &JobsPage::showDetail);
}

void JobsPage::setSelectedTenant(const QString &tenantId) {
    m_selectedTenant = tenantId;
    if (m_onlySelected->isChecked())
        applyFilter();
}

void JobsPage::showBottomTab(int index) {
    m_bottomTabs->setCurrentIndex(index);
}

void JobsPage::refresh() {
    m_model->refresh();
    m_charts->refresh();
}

void JobsPage::applyFilter() {
    const QString tenant = m_onlySelected->isChecked() ? m_selectedTenant : QString();
    m_model->setFilter(tenant, m_status->currentData().toString());
    m_charts->setTenant(tenant);
}

void JobsPage::showDetail() {
    const QModelIndex current = m_view->currentIndex();
    const auto *proxy = static_cast<QSortFilterProxyModel *>(m_view->model());
    const db::JobRecord *job = current.isValid() ? m_model->job(proxy->mapToSource(current).row()) : nullptr;
    const QString text = job ? JobTableModel::describe(*job) : QString();
    if (text != m_detail->toPlainText())
        m_detail->setPlainText(text);
}

} // namespace ui
