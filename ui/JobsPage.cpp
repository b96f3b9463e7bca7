#include "JobsPage.h"

#include "JobCharts.h"
#include "JobFailureModel.h"
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
    , m_failureModel(new JobFailureModel(executor, this))
    , m_failureBox(new QWidget(this))
    , m_failureLabel(new QLabel(m_failureBox))
    , m_failureView(new QTableView(m_failureBox))
    , m_charts(new JobCharts(executor, this)) {
    m_status->setObjectName(QStringLiteral("jobStatusFilter"));
    m_onlySelected->setObjectName(QStringLiteral("jobTenantFilter"));
    m_status->addItem(tr("All statuses"), QString());
    for (const char *status : {"queued", "running", "succeeded", "failed", "cancelled"})
        m_status->addItem(JobTableModel::statusText(QLatin1String(status)), QLatin1String(status));
    setUpJobView();
    auto *filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("Status:"), this));
    filters->addWidget(m_status);
    filters->addWidget(m_onlySelected);
    filters->addStretch();
    auto *tabs = new QTabWidget(this);
    m_bottomTabs = tabs;
    tabs->addTab(createDetailPane(), tr("Details"));
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
    connect(m_failureModel, &JobFailureModel::loaded, this, &JobsPage::showFailures);
    connect(m_failureModel, &JobFailureModel::loadFailed, this, [this](const QString &error) {
        m_failureLabel->setText(tr("The failed messages of this job could not be loaded: %1").arg(error));
        m_failureBox->setVisible(true);
        m_detailJobFailed = -2; // the next refresh tries again
    });
}

void JobsPage::setUpJobView() {
    m_view->setObjectName(QStringLiteral("jobView"));
    auto *proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(m_model);
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
}

QWidget *JobsPage::createDetailPane() {
    m_detail->setObjectName(QStringLiteral("jobDetail"));
    m_detail->setReadOnly(true);
    m_detail->setPlaceholderText(tr("Select a job to see its parameters, checkpoint and full error."));
    m_failureBox->setObjectName(QStringLiteral("jobFailures"));
    m_failureLabel->setObjectName(QStringLiteral("jobFailureLabel"));
    m_failureView->setObjectName(QStringLiteral("jobFailureView"));
    m_failureView->setModel(m_failureModel);
    m_failureView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_failureView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_failureView->verticalHeader()->hide();
    m_failureView->setAlternatingRowColors(true);
    m_failureView->setWordWrap(false);
    m_failureView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_failureView->horizontalHeader()->setSectionResizeMode(JobFailureModel::LastError,
                                                            QHeaderView::Stretch); // elided; tooltip: all
    m_failureLabel->setToolTip(tr("A message leaves this list when a later sync stores it, and moves to the "
                                  "later job when that one fails on it again."));
    auto *failureLayout = new QVBoxLayout(m_failureBox);
    failureLayout->setContentsMargins(0, 0, 0, 0);
    failureLayout->addWidget(m_failureLabel);
    failureLayout->addWidget(m_failureView, 1);
    m_failureBox->setVisible(false);
    auto *details = new QSplitter(Qt::Vertical, this);
    details->setObjectName(QStringLiteral("jobDetailSplitter"));
    details->addWidget(m_detail);
    details->addWidget(m_failureBox);
    details->setStretchFactor(0, 1);
    details->setStretchFactor(1, 1);
    return details;
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
    const db::SyncJob *job = current.isValid() ? m_model->job(proxy->mapToSource(current).row()) : nullptr;
    const QString text = job ? JobTableModel::describe(*job) : QString();
    if (text != m_detail->toPlainText())
        m_detail->setPlainText(text);
    // The failures of the selected job: on a new selection, when its failed count moves, and with the
    // periodic refresh while it has some (a later sync may have stored them).
    const qint64 jobId = job ? job->id : 0;
    const qint64 failed = job ? job->failed : -1;
    if (jobId != m_detailJobId || failed != m_detailJobFailed || m_failureModel->rowCount() > 0) {
        if (jobId != m_detailJobId)
            m_failureBox->setVisible(false); // until the new job's list is there
        m_detailJobId = jobId;
        m_detailJobFailed = failed;
        m_failureModel->load(jobId);
    }
}

void JobsPage::showFailures() {
    const int shown = m_failureModel->rowCount();
    m_failureBox->setVisible(shown > 0);
    if (shown == 0)
        return;
    m_failureLabel->setText(
        shown >= JobFailureModel::kLimit
            ? tr("Messages this job could not store (the first %1):").arg(shown)
            : tr("%n message(s) this job could not store (still failing):", nullptr, shown));
}

} // namespace ui
