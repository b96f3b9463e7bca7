#include "ThreadBrowser.h"

#include "DbExecutor.h"
#include "ThreadListModel.h"
#include "ThreadView.h"
#include "db/Database.h"
#include "db/ThreadRepository.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace ui {

namespace {

struct MessagesResult {
    std::optional<QList<db::ThreadMessage>> messages;
    QString error;
};

} // namespace

ThreadBrowser::ThreadBrowser(DbExecutor *executor, QWidget *parent)
    : QWidget(parent)
    , m_executor(executor)
    , m_tenant(new QComboBox(this))
    , m_search(new QLineEdit(this))
    , m_searchDelay(new QTimer(this))
    , m_status(new QLabel(this))
    , m_list(new QTableView(this))
    , m_model(new ThreadListModel(executor, this))
    , m_view(new ThreadView(this)) {
    m_tenant->setObjectName(QStringLiteral("threadTenant"));
    m_search->setObjectName(QStringLiteral("threadSearch"));
    m_list->setObjectName(QStringLiteral("threadList"));
    m_view->setObjectName(QStringLiteral("threadView"));
    m_tenant->addItem(tr("All tenants"), QString());
    m_tenant->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_search->setPlaceholderText(tr("Search mail: words, \"exact phrase\", -excluded, a OR b"));
    m_search->setClearButtonEnabled(true);
    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(350);

    m_list->setModel(m_model);
    m_list->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_list->verticalHeader()->hide();
    m_list->verticalHeader()->setDefaultSectionSize(m_list->fontMetrics().height() + 8);
    m_list->horizontalHeader()->setSectionResizeMode(ThreadListModel::Subject, QHeaderView::Stretch);
    m_list->horizontalHeader()->setSectionResizeMode(ThreadListModel::Participants, QHeaderView::Interactive);
    m_list->setColumnWidth(ThreadListModel::Participants, 180);
    m_list->setColumnWidth(ThreadListModel::LastDate, 140);
    m_list->setColumnWidth(ThreadListModel::Messages, 70);
    m_list->setWordWrap(false);
    m_list->setAlternatingRowColors(true);

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Tenant:"), this));
    top->addWidget(m_tenant);
    top->addWidget(m_search, 1);
    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addLayout(top);
    leftLayout->addWidget(m_list, 1);
    leftLayout->addWidget(m_status);
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(left);
    splitter->addWidget(m_view);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    connect(m_search, &QLineEdit::textChanged, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_search, &QLineEdit::returnPressed, this, &ThreadBrowser::reload);
    connect(m_searchDelay, &QTimer::timeout, this, &ThreadBrowser::reload);
    connect(m_tenant, &QComboBox::currentIndexChanged, this, &ThreadBrowser::reload);
    connect(m_model, &ThreadListModel::pageLoaded, this, [this] {
        m_status->setText(m_model->canFetchMore({})
                              ? tr("%n thread(s) loaded, more on scrolling", nullptr, m_model->rowCount())
                              : tr("%n thread(s)", nullptr, m_model->rowCount()));
    });
    connect(m_model, &ThreadListModel::loadFailed, this,
            [this](const QString &error) { m_status->setText(tr("Could not load threads: %1").arg(error)); });
    connect(m_list->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) { openThread(current.row()); });
}

void ThreadBrowser::setTenants(const QList<QPair<QString, QString>> &tenants) {
    const QString current = m_tenant->currentData().toString();
    const QSignalBlocker blocker(m_tenant);
    while (m_tenant->count() > 1)
        m_tenant->removeItem(1);
    for (const auto &[id, label] : tenants)
        m_tenant->addItem(label, id);
    const int index = m_tenant->findData(current);
    m_tenant->setCurrentIndex(index < 0 ? 0 : index);
    if (index < 0 && !current.isEmpty())
        reload();
}

void ThreadBrowser::setSearch(const QString &text) {
    m_search->setText(text);
    m_searchDelay->stop();
    reload();
}

void ThreadBrowser::reload() {
    m_searchDelay->stop();
    m_view->clear();
    m_status->setText(tr("Loading…"));
    m_model->setQuery({m_tenant->currentData().toString(), m_search->text().trimmed()});
}

void ThreadBrowser::openThread(int row) {
    const db::ThreadSummary *summary = m_model->thread(row);
    const int generation = ++m_openGeneration;
    if (!summary) {
        m_view->clear();
        return;
    }
    const QString tenantId = summary->tenantId;
    const QString threadId = summary->threadId;
    const QString subject = summary->subject;
    m_view->showMessage(tr("Loading…"));
    m_executor->run(
        this,
        [tenantId, threadId] {
            db::ThreadRepository repository(db::Database::connection());
            MessagesResult r;
            r.messages = repository.messages(tenantId, threadId);
            r.error = repository.errorString();
            return r;
        },
        [this, generation, subject, threadId](MessagesResult r) {
            if (generation != m_openGeneration)
                return; // another thread was selected meanwhile
            if (!r.messages) {
                m_view->showMessage(tr("Could not load the thread: %1").arg(r.error));
                return;
            }
            m_view->showThread(subject, *r.messages);
            Q_EMIT threadShown(threadId);
        });
}

} // namespace ui
