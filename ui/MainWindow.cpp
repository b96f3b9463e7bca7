#include "MainWindow.h"

#include "AppSettings.h"
#include "ConnectWizard.h"
#include "DbExecutor.h"
#include "HistoricalSyncDialog.h"
#include "JobTableModel.h"
#include "JobsPage.h"
#include "MessageBox.h"
#include "ProgressDelegate.h"
#include "ProgressFeed.h"
#include "SettingsDialog.h"
#include "TenantTableModel.h"
#include "ThreadBrowser.h"
#include "db/Database.h"
#include "db/IntegrationRepository.h"
#include "db/JobRepository.h"
#include "db/Migrator.h"
#include "db/TenantRepository.h"
#include "ops/AuditTrail.h"
#include "ops/DeactivateIntegration.h"
#include "ops/UnlockTenant.h"
#include "ops/SyncRequests.h"

#include <QAction>
#include <QApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenuBar>
#include <QProgressBar>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

namespace ui {

namespace {

struct ActionResult {
    std::optional<qint64> id;
    std::optional<bool> cleared;
    QString error;
};

constexpr int kRefreshMs = 5000;
// How often the window asks whether the database still answers: an outage shows within seconds.
constexpr int kProbeMs = 2000;

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_executor(new DbExecutor(this))
    , m_feed(new ProgressFeed(this))
    , m_tenantModel(new TenantTableModel(m_executor, this))
    , m_tenantProxy(new QSortFilterProxyModel(this))
    , m_jobModel(new JobTableModel(m_executor, this))
    , m_tabs(new QTabWidget(this))
    , m_jobsPage(new JobsPage(m_jobModel, m_executor, this))
    , m_threads(new ThreadBrowser(m_executor, this))
    , m_refreshTimer(new QTimer(this))
    , m_reloadSoon(new QTimer(this))
    , m_connection(new QLabel(this))
    , m_databaseBanner(new QLabel(this))
    , m_probeTimer(new QTimer(this))
    , m_overallProgress(new QProgressBar(this))
    , m_rateLabel(new QLabel(this))
    , m_tray(new QSystemTrayIcon(appIcon(), this)) {
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Gmail Sync Admin"));
    setWindowIcon(appIcon());
    m_tabs->setObjectName(QStringLiteral("tabs"));

    createActions();
    createMenusAndToolBar();
    createTenantsPage();
    updateActions();
    m_tabs->addTab(m_jobsPage, tr("&Jobs"));
    m_tabs->addTab(m_threads, tr("&Mail"));
    createCentralWidget();
    createStatusBar();
    m_tray->setToolTip(tr("Gmail Sync Admin"));
    if (QSystemTrayIcon::isSystemTrayAvailable())
        m_tray->show();
    connectModels();
    resize(1280, 820);
}

void MainWindow::createCentralWidget() {
    // Above the tabs: what the operator must know first when the database is gone.
    m_databaseBanner->setObjectName(QStringLiteral("databaseBanner"));
    m_databaseBanner->setWordWrap(true);
    m_databaseBanner->setMargin(8);
    m_databaseBanner->setStyleSheet(
        QStringLiteral("QLabel { background: #fce8e6; color: #a50e0e; border: 1px solid #d93025; }"));
    m_databaseBanner->setVisible(false);
    auto *central = new QWidget(this);
    auto *centralLayout = new QVBoxLayout(central);
    centralLayout->setContentsMargins(0, 0, 0, 0);
    centralLayout->addWidget(m_databaseBanner);
    centralLayout->addWidget(m_tabs, 1);
    setCentralWidget(central);
}

void MainWindow::createStatusBar() {
    m_connection->setObjectName(QStringLiteral("connectionStatus"));
    m_overallProgress->setObjectName(QStringLiteral("overallProgress"));
    m_overallProgress->setMaximumWidth(220);
    m_overallProgress->setVisible(false);
    m_rateLabel->setObjectName(QStringLiteral("rateLabel"));
    statusBar()->addWidget(m_connection, 1);
    statusBar()->addPermanentWidget(m_rateLabel);
    statusBar()->addPermanentWidget(m_overallProgress);
    m_connection->setText(tr("Not connected"));
}

void MainWindow::connectModels() {
    m_refreshTimer->setInterval(kRefreshMs);
    connect(m_refreshTimer, &QTimer::timeout, this, &MainWindow::refresh);
    // Progress of a job the models do not know yet (it just started): reload soon, once.
    m_reloadSoon->setSingleShot(true);
    m_reloadSoon->setInterval(500);
    connect(m_reloadSoon, &QTimer::timeout, this, &MainWindow::refresh);

    connect(m_feed, &ProgressFeed::progress, m_tenantModel, &TenantTableModel::applyProgress);
    connect(m_feed, &ProgressFeed::progress, m_jobModel, &JobTableModel::applyProgress);
    connect(m_feed, &ProgressFeed::progress, this, &MainWindow::updateStatusBar);
    connect(m_feed, &ProgressFeed::failed, this, [this](const QString &error) {
        m_connection->setText(tr("Live updates unavailable: %1").arg(error));
    });
    connect(m_tenantModel, &TenantTableModel::unknownJobSeen, m_reloadSoon, qOverload<>(&QTimer::start));
    connect(m_tenantModel, &TenantTableModel::refreshed, this, &MainWindow::tenantsRefreshed);
    connect(m_tenantModel, &TenantTableModel::loadFailed, this, [this](const QString &error) {
        m_connection->setText(tr("Database unavailable: %1").arg(error));
        probeDatabase(); // a failed load may be an outage: say so now, not at the next probe
    });
    m_probeTimer->setInterval(kProbeMs);
    connect(m_probeTimer, &QTimer::timeout, this, &MainWindow::probeDatabase);
    connect(m_jobModel, &JobTableModel::jobFailed, this, &MainWindow::notifyFailure);
}

void MainWindow::tenantsRefreshed() {
    m_connection->setText(tr("Connected to %1").arg(db::Database::defaultSettings().redactedUrl()));
    QList<QPair<QString, QString>> tenants;
    for (int row = 0; row < m_tenantModel->rowCount(); ++row) {
        const db::TenantOverview *t = m_tenantModel->tenant(row);
        tenants.append(
            {t->id, t->displayName.isEmpty() ? t->id : QStringLiteral("%1 (%2)").arg(t->displayName, t->id)});
    }
    m_threads->setTenants(tenants);
    updateActions();
    updateStatusBar();
}

MainWindow::~MainWindow() = default;

QIcon MainWindow::appIcon() {
    // resources/resources.qrc (library gsa_resources): PNGs rendered from
    // resources/icons/gmail-sync-admin.svg.
    QIcon icon;
    for (const int size : {16, 32, 48, 64, 128, 256})
        icon.addFile(QStringLiteral(":/icons/%1/gmail-sync-admin.png").arg(size), QSize(size, size));
    return icon;
}

void MainWindow::createActions() {
    auto make = [this](const QString &text, const QString &name, const QKeySequence &shortcut, auto slot) {
        auto *action = new QAction(text, this);
        action->setObjectName(name);
        if (!shortcut.isEmpty())
            action->setShortcut(shortcut);
        connect(action, &QAction::triggered, this, slot);
        return action;
    };
    m_refreshAction =
        make(tr("&Refresh"), QStringLiteral("refreshAction"), QKeySequence::Refresh, &MainWindow::refresh);
    m_syncNowAction =
        make(tr("&Sync now"), QStringLiteral("syncNowAction"), QKeySequence(), &MainWindow::syncNow);
    m_syncNowAction->setToolTip(tr("Queue an incremental sync of the selected tenant"));
    m_initialAction = make(tr("&Initial sync"), QStringLiteral("initialSyncAction"), QKeySequence(),
                           &MainWindow::initialSync);
    m_initialAction->setToolTip(tr("Queue a full initial sync of the selected tenant"));
    m_forceAction =
        make(tr("&Force sync"), QStringLiteral("forceSyncAction"), QKeySequence(), &MainWindow::forceSync);
    m_forceAction->setToolTip(tr("Queue an incremental sync that ignores the per-tenant start limit"));
    m_historicalAction = make(tr("&Historical sync…"), QStringLiteral("historicalSyncAction"), QKeySequence(),
                              &MainWindow::historicalSync);
    m_retryFailedAction = make(tr("Re&try failed items"), QStringLiteral("retryFailedAction"), QKeySequence(),
                               &MainWindow::retryFailed);
    m_retryFailedAction->setToolTip(
        tr("Queue a sync of the selected tenant that first retries every message it could not store, "
           "permanent failures included"));
    m_unlockAction =
        make(tr("&Unlock…"), QStringLiteral("unlockAction"), QKeySequence(), &MainWindow::unlockSelected);
    m_unlockAction->setToolTip(tr("Clear the sync lock of the selected tenant"));
    m_settingsAction = make(tr("S&ettings…"), QStringLiteral("settingsAction"), QKeySequence::Preferences,
                            &MainWindow::openSettings);
    m_connectAction = make(tr("&Connect mailbox…"), QStringLiteral("connectAction"), QKeySequence::New,
                           &MainWindow::connectMailbox);
    m_connectAction->setToolTip(tr("Add a tenant and store its Gmail credentials"));
    m_reconnectAction = make(tr("&Reconnect…"), QStringLiteral("reconnectAction"), QKeySequence(),
                             &MainWindow::reconnectSelected);
    m_reconnectAction->setToolTip(tr("Sign in with Google again for a tenant whose access was revoked"));
    m_deactivateAction = make(tr("&Deactivate…"), QStringLiteral("deactivateAction"), QKeySequence(),
                              &MainWindow::deactivateSelected);
    m_deactivateAction->setToolTip(tr("Stop syncing the selected tenant until its mailbox is reconnected"));
    m_quitAction = make(tr("&Quit"), QStringLiteral("quitAction"), QKeySequence::Quit, &QWidget::close);
}

void MainWindow::createMenusAndToolBar() {
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_refreshAction);
    file->addAction(m_settingsAction);
    file->addSeparator();
    file->addAction(m_quitAction);
    QMenu *tenant = menuBar()->addMenu(tr("&Tenant"));
    tenant->addAction(m_connectAction);
    tenant->addAction(m_reconnectAction);
    tenant->addAction(m_deactivateAction);
    tenant->addSeparator();
    for (QAction *a :
         {m_syncNowAction, m_initialAction, m_forceAction, m_historicalAction, m_retryFailedAction})
        tenant->addAction(a);
    tenant->addSeparator();
    tenant->addAction(m_unlockAction);

    QToolBar *bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->setMovable(false);
    bar->addAction(m_refreshAction);
    bar->addAction(m_connectAction);
    bar->addSeparator();
    for (QAction *a : {m_syncNowAction, m_initialAction, m_forceAction, m_historicalAction,
                       m_retryFailedAction, m_unlockAction})
        bar->addAction(a);
}

void MainWindow::createTenantsPage() {
    auto *page = new QWidget(this);
    m_tenantFilter = new QLineEdit(page);
    m_tenantFilter->setObjectName(QStringLiteral("tenantFilter"));
    m_tenantFilter->setPlaceholderText(tr("Filter tenants by name, address or state"));
    m_tenantFilter->setClearButtonEnabled(true);
    m_tenantView = new QTableView(page);
    m_tenantView->setObjectName(QStringLiteral("tenantView"));

    m_tenantProxy->setSourceModel(m_tenantModel);
    m_tenantProxy->setSortRole(TenantTableModel::SortRole);
    m_tenantProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_tenantProxy->setFilterKeyColumn(-1); // every column
    m_tenantView->setModel(m_tenantProxy);
    m_tenantView->setSortingEnabled(true);
    m_tenantView->sortByColumn(TenantTableModel::Name, Qt::AscendingOrder);
    m_tenantView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tenantView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tenantView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_tenantView->setAlternatingRowColors(true);
    m_tenantView->verticalHeader()->hide();
    m_tenantView->setItemDelegateForColumn(TenantTableModel::SyncState,
                                           new ProgressDelegate(TenantTableModel::ProgressRole,
                                                                TenantTableModel::RateRole,
                                                                TenantTableModel::EtaRole, this));
    m_tenantView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_tenantView->horizontalHeader()->setSectionResizeMode(TenantTableModel::SyncState, QHeaderView::Stretch);

    auto *layout = new QVBoxLayout(page);
    layout->addWidget(m_tenantFilter);
    layout->addWidget(m_tenantView, 1);
    m_tabs->addTab(page, tr("&Tenants"));

    connect(m_tenantFilter, &QLineEdit::textChanged, m_tenantProxy,
            &QSortFilterProxyModel::setFilterFixedString);
    connect(m_tenantView->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        updateActions();
        m_jobsPage->setSelectedTenant(selectedTenantId());
    });
}

void MainWindow::start() {
    m_connection->setText(tr("Connecting to %1…").arg(db::Database::defaultSettings().redactedUrl()));
    m_executor->run(
        this,
        [] {
            QString error;
            if (!db::Database::open(&error))
                return error;
            // A migration may rewrite a large table: not bound by the loads' short statement_timeout.
            db::Database::setThreadStatementTimeout(0);
            db::Migrator migrator(db::Database::connection());
            const bool migrated = migrator.migrate();
            db::Database::setThreadStatementTimeout(db::Database::kInteractiveStatementTimeoutMs);
            if (!migrated)
                return QStringLiteral("bringing the database schema up to date failed: %1")
                    .arg(migrator.errorString());
            return QString();
        },
        [this](const QString &error) {
            if (!error.isEmpty()) {
                m_connection->setText(tr("Database unavailable: %1").arg(error));
                m_databaseBanner->setText(
                    tr("Database unreachable: %1 — retrying automatically.").arg(error));
                m_databaseBanner->setVisible(true);
                QTimer::singleShot(kRefreshMs, this, &MainWindow::start); // keep trying
                return;
            }
            m_databaseBanner->setVisible(false);
            m_probeTimer->start();
            m_feed->start();
            refresh();
            m_threads->reload();
            m_refreshTimer->start();
        });
}

void MainWindow::probeDatabase() {
    if (m_probing)
        return; // the last probe has not come back: it is waiting for the server (connect_timeout)
    m_probing = true;
    m_executor->run(
        this,
        [] {
            QString error;
            if (db::Database::ping(&error))
                return QString();
            return error.isEmpty() ? QStringLiteral("the server does not answer") : error;
        },
        [this](const QString &error) {
            m_probing = false;
            setDatabaseReachable(error.isEmpty(), error);
        });
}

void MainWindow::setDatabaseReachable(bool reachable, const QString &error) {
    if (!reachable) {
        const QString url = db::Database::defaultSettings().redactedUrl();
        m_databaseBanner->setText(tr("Database unreachable: %1 (%2). The window shows the last data it "
                                     "loaded and reconnects by itself when the server is back.")
                                      .arg(error, url));
        m_databaseBanner->setVisible(true);
        m_connection->setText(tr("Database unreachable: %1").arg(url));
    } else {
        m_databaseBanner->setVisible(false);
    }
    if (reachable == m_databaseReachable)
        return;
    m_databaseReachable = reachable;
    if (reachable) {
        // Back: reload what may have changed meanwhile and listen for progress on a fresh connection.
        m_feed->start();
        refresh();
        m_threads->reload();
    }
    Q_EMIT databaseReachableChanged(reachable);
}

void MainWindow::refresh() {
    m_tenantModel->refresh();
    m_jobsPage->refresh();
}

const db::TenantOverview *MainWindow::selectedTenant() const {
    if (!m_tenantView)
        return nullptr;
    const QModelIndex current = m_tenantView->currentIndex();
    if (!current.isValid())
        return nullptr;
    return m_tenantModel->tenant(m_tenantProxy->mapToSource(current).row());
}

QString MainWindow::selectedTenantId() const {
    const db::TenantOverview *t = selectedTenant();
    return t ? t->id : QString();
}

bool MainWindow::selectTenant(const QString &tenantId) {
    const int row = m_tenantModel->rowOf(tenantId);
    if (row < 0)
        return false;
    const QModelIndex index = m_tenantProxy->mapFromSource(m_tenantModel->index(row, 0));
    m_tenantView->setCurrentIndex(index);
    m_tenantView->selectRow(index.row());
    return true;
}

void MainWindow::updateActions() {
    const db::TenantOverview *t = selectedTenant();
    for (QAction *a : {m_syncNowAction, m_initialAction, m_forceAction, m_historicalAction})
        a->setEnabled(t != nullptr);
    m_retryFailedAction->setEnabled(t && t->failedItems > 0);
    m_unlockAction->setEnabled(t && !t->syncLockedBy.isEmpty());
    m_reconnectAction->setEnabled(t && t->integrationStatus == QLatin1String("needs_reauth"));
    m_deactivateAction->setEnabled(t && (t->integrationStatus == QLatin1String("active") ||
                                         t->integrationStatus == QLatin1String("needs_reauth")));
}

void MainWindow::updateStatusBar() {
    qint64 processed = 0;
    qint64 total = 0;
    double rate = 0;
    int running = 0;
    for (int row = 0; row < m_tenantModel->rowCount(); ++row) {
        const db::TenantOverview *t = m_tenantModel->tenant(row);
        if (t->runningJobId <= 0)
            continue;
        ++running;
        rate += t->rate;
        if (t->total) {
            processed += qMin(t->processed, *t->total);
            total += *t->total;
        }
    }
    m_overallProgress->setVisible(running > 0 && total > 0);
    if (total > 0)
        m_overallProgress->setValue(int(processed * 100 / total));
    if (running == 0) {
        m_rateLabel->clear();
        return;
    }
    const qint64 eta = rate > 0 && total > 0 ? qint64(double(total - processed) / rate) : -1;
    const QString extra = ProgressDelegate::rateAndEta(rate, eta);
    m_rateLabel->setText(extra.isEmpty() ? tr("%n sync(s) running", nullptr, running)
                                         : tr("%n sync(s) running · %1", nullptr, running).arg(extra));
}

void MainWindow::enqueue(const jobs::JobParams &params, bool force) {
    const db::TenantOverview *t = selectedTenant();
    if (!t)
        return;
    const QString tenantId = t->id;
    const jobs::JobKind kind = jobs::kindOf(params);
    m_executor->run(
        this,
        [tenantId, params, force] {
            ops::SyncRequests requests(db::Database::connection());
            ActionResult r;
            ops::SyncRequests::QueueOptions options;
            options.force = force;
            options.actor = ops::AuditTrail::osActor();
            r.id = requests.queue(tenantId, params, options);
            r.error = requests.errorString();
            return r;
        },
        [this, tenantId, kind](const ActionResult &r) {
            if (!r.id) {
                MessageBox::warning(this, tr("Sync not queued"),
                                    tr("The %1 sync of %2 could not be queued: %3")
                                        .arg(JobTableModel::kindText(kind), tenantId, r.error));
                Q_EMIT actionFailed(r.error);
                return;
            }
            statusBar()->showMessage(
                tr("Queued job %1 (%2) for %3").arg(*r.id).arg(JobTableModel::kindText(kind), tenantId),
                5000);
            refresh();
            Q_EMIT jobQueued(*r.id);
        });
}

void MainWindow::syncNow() {
    enqueue(jobs::IncrementalParams{}, false);
}

void MainWindow::initialSync() {
    const db::TenantOverview *t = selectedTenant();
    if (!t)
        return;
    const int days = AppSettings::load().initialWindowDays;
    if (MessageBox::question(
            this, tr("Initial sync"),
            tr("Run a full initial sync of %1? It fetches every message of the last %n day(s) "
               "again; stored messages are updated, not duplicated.",
               nullptr, days)
                .arg(t->gmailAddress),
            QMessageBox::Yes | QMessageBox::No, QMessageBox::No) != QMessageBox::Yes)
        return;
    jobs::InitialParams params;
    params.windowDays = days;
    enqueue(params, false);
}

void MainWindow::forceSync() {
    enqueue(jobs::IncrementalParams{}, true);
}

void MainWindow::retryFailed() {
    // Retries the permanent failures too (core/sync/RetryFailures.h); forced, so the per-tenant start limit
    // does not hold back what an operator asked for.
    jobs::IncrementalParams params;
    params.retryFailed = true;
    enqueue(params, true);
}

void MainWindow::historicalSync() {
    const db::TenantOverview *t = selectedTenant();
    if (!t)
        return;
    auto *dialog = new HistoricalSyncDialog(t->displayName.isEmpty() ? t->id : t->displayName, this);
    dialog->setObjectName(QStringLiteral("historicalSyncDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        jobs::HistoricalParams params; // UTC days, both inclusive
        params.from = dialog->from();
        params.to = dialog->to();
        enqueue(params, dialog->force());
    });
    dialog->open();
}

void MainWindow::unlockSelected() {
    const db::TenantOverview *t = selectedTenant();
    if (!t || t->syncLockedBy.isEmpty())
        return;
    const QString tenantId = t->id;
    const QString holder = t->syncLockedBy;
    const SyncStateInfo state =
        TenantTableModel::stateOf(*t, syncengine::SyncOptions().leaseStaleAfterSeconds);
    const QLocale locale;
    const QString since = locale.toString(t->syncLockedAt.toLocalTime(), QLocale::LongFormat);
    const QString beat = t->syncHeartbeatAt.isValid()
                             ? tr("%1 ago").arg(TenantTableModel::formatAge(
                                   qMax<qint64>(0, t->syncHeartbeatAt.secsTo(t->serverNow))))
                             : tr("never");
    QString text =
        tr("%1 is locked by %2 since %3 (%4); last heartbeat: %5.")
            .arg(t->gmailAddress, holder, since, TenantTableModel::formatAge(state.ageSeconds), beat);
    text += QLatin1Char('\n');
    text +=
        state.kind == SyncStateInfo::Kind::StaleLock
            ? tr("The lock is stale: its holder has stopped sending heartbeats.")
            : tr("The holder still sends heartbeats: it may be running. Unlocking lets another sync start "
                 "while it runs.");
    text += QStringLiteral("\n\n") + tr("Clear the lock?");
    if (MessageBox::question(this, tr("Unlock sync"), text, QMessageBox::Yes | QMessageBox::No,
                             QMessageBox::No) != QMessageBox::Yes)
        return;
    m_executor->run(
        this,
        [tenantId, holder] {
            const auto unlocked = ops::UnlockTenant::unlockIfHeldBy(tenantId, holder);
            ActionResult r;
            if (unlocked.ok)
                r.cleared = unlocked.wasLocked;
            r.error = unlocked.error;
            return r;
        },
        [this, tenantId, holder](const ActionResult &r) {
            if (!r.cleared) {
                MessageBox::warning(this, tr("Unlock failed"),
                                    tr("The lock could not be cleared: %1").arg(r.error));
                Q_EMIT actionFailed(r.error);
                return;
            }
            if (!*r.cleared)
                MessageBox::information(
                    this, tr("Unlock"),
                    tr("%1 no longer holds the lock of %2: nothing was changed.").arg(holder, tenantId));
            else
                statusBar()->showMessage(tr("Cleared the sync lock of %1").arg(tenantId), 5000);
            refresh();
            Q_EMIT unlockFinished(*r.cleared);
        });
}

void MainWindow::deactivateSelected() {
    const db::TenantOverview *t = selectedTenant();
    if (!t || (t->integrationStatus != QLatin1String("active") &&
               t->integrationStatus != QLatin1String("needs_reauth")))
        return;
    const QString tenantId = t->id;
    if (MessageBox::question(this, tr("Deactivate integration"),
                             tr("Deactivate the Gmail integration of %1? No sync runs for it until the "
                                "mailbox is connected again; stored mail is kept.")
                                 .arg(t->gmailAddress),
                             QMessageBox::Yes | QMessageBox::No, QMessageBox::No) != QMessageBox::Yes)
        return;
    m_executor->run(
        this,
        [tenantId] {
            const auto deactivated =
                ops::DeactivateIntegration::run(tenantId, QStringLiteral("deactivated by an operator"));
            ActionResult r;
            r.cleared = deactivated.ok;
            r.error = deactivated.error;
            return r;
        },
        [this, tenantId](const ActionResult &r) {
            if (!*r.cleared) {
                MessageBox::warning(
                    this, tr("Deactivation failed"),
                    tr("The integration of %1 could not be deactivated: %2").arg(tenantId, r.error));
                Q_EMIT actionFailed(r.error);
                Q_EMIT deactivateFinished(false);
                return;
            }
            statusBar()->showMessage(tr("Deactivated the integration of %1").arg(tenantId), 5000);
            refresh();
            Q_EMIT deactivateFinished(true);
        });
}

void MainWindow::openSettings() {
    auto *dialog = new SettingsDialog(AppSettings::load(), m_executor, this);
    dialog->setObjectName(QStringLiteral("settingsDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const AppSettings before = AppSettings::load();
        const AppSettings after = dialog->settings();
        after.save();
        if (after.databaseUrl != before.databaseUrl) {
            QString error;
            if (const auto parsed = db::ConnectionSettings::fromUrl(after.databaseUrl, &error)) {
                db::Database::setDefaultSettings(*parsed);
                start();
            }
        }
        if (after.language != before.language)
            MessageBox::information(this, tr("Language"),
                                    tr("The new language applies when the application is restarted."));
    });
    dialog->open();
}

void MainWindow::reconnectSelected() {
    const db::TenantOverview *t = selectedTenant();
    if (!t)
        return;
    db::Tenant tenant;
    tenant.id = t->id;
    tenant.displayName = t->displayName;
    tenant.gmailAddress = t->gmailAddress;
    connectMailbox();
    const auto wizards = findChildren<ConnectWizard *>(QStringLiteral("connectWizard"));
    if (!wizards.isEmpty())
        wizards.last()->setReconnect(tenant); // the one just opened
}

void MainWindow::connectMailbox() {
    auto *wizard = new ConnectWizard(m_executor, this);
    wizard->setOAuthClient(AppSettings::load().oauthClientId);
    wizard->loadClientSecretFromKeychain();
    wizard->setObjectName(QStringLiteral("connectWizard"));
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    connect(wizard, &ConnectWizard::connected, this, [this](const QString &tenantId) {
        statusBar()->showMessage(tr("Connected %1").arg(tenantId), 5000);
        refresh();
    });
    wizard->open();
}

void MainWindow::notifyFailure(const db::SyncJob &job) {
    const QString title = tr("Sync failed: %1").arg(job.tenantId);
    const QString text = tr("%1 sync (job %2): %3")
                             .arg(JobTableModel::kindText(job.kind))
                             .arg(job.id)
                             .arg(job.errorMessage.isEmpty() ? tr("no error message") : job.errorMessage);
    if (m_tray->isVisible())
        m_tray->showMessage(title, text, QSystemTrayIcon::Warning, 10000);
    statusBar()->showMessage(title + QStringLiteral(" — ") + text, 10000);
}

} // namespace ui
