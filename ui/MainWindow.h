#pragma once

#include "jobs/JobParams.h"

#include "db/SyncJob.h"
#include "db/Tenant.h"

#include <QMainWindow>

class QAction;
class QLabel;
class QLineEdit;
class QProgressBar;
class QSortFilterProxyModel;
class QSystemTrayIcon;
class QTabWidget;
class QTableView;
class QTimer;

namespace ui {

class DbExecutor;
class JobTableModel;
class JobsPage;
class ProgressFeed;
class TenantTableModel;
class ThreadBrowser;

// The operator's window: tenants (with live sync state), jobs, mail. Every database call runs on the
// DbExecutor's thread; live progress arrives from a ProgressFeed.
class MainWindow final : public QMainWindow {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Brings the schema up to date, then loads and starts listening. Call once the database settings are set.
    void start();

    TenantTableModel *tenantModel() const { return m_tenantModel; }
    JobTableModel *jobModel() const { return m_jobModel; }
    ThreadBrowser *threadBrowser() const { return m_threads; }
    JobsPage *jobsPage() const { return m_jobsPage; }
    QTabWidget *tabs() const { return m_tabs; }
    // Selects the tenant's row in the tenant list; false when it is not there (yet).
    bool selectTenant(const QString &tenantId);
    QString selectedTenantId() const;

    static QIcon appIcon();

    // False while the database does not answer (the banner "Database unreachable" is shown).
    bool isDatabaseReachable() const { return m_databaseReachable; }

public Q_SLOTS:
    void refresh();
    void syncNow();
    void initialSync();
    void forceSync();
    void historicalSync();
    // An incremental sync that retries every recorded failure of the selected tenant, permanent ones too.
    void retryFailed();
    void unlockSelected();
    void openSettings();
    void connectMailbox();
    // The browser sign-in again for the selected tenant (its integration needs re-authorization).
    void reconnectSelected();
    // Sets the selected tenant's integration inactive (after a confirmation): syncs stop until it reconnects.
    void deactivateSelected();

Q_SIGNALS:
    // A job was queued (id) or could not be (error); for tests and the status bar.
    void jobQueued(qint64 jobId);
    void actionFailed(const QString &error);
    void unlockFinished(bool cleared);
    void deactivateFinished(bool ok);
    // The database stopped or started answering (checked every couple of seconds after start()).
    void databaseReachableChanged(bool reachable);

private:
    void createActions();
    void createMenusAndToolBar();
    void createTenantsPage();
    void createCentralWidget(); // the database banner above the tabs
    void createStatusBar();
    void connectModels(); // live progress, refresh timers, load failures
    void tenantsRefreshed();
    void updateActions();
    void updateStatusBar();
    void enqueue(const jobs::JobParams &params, bool force);
    void notifyFailure(const db::SyncJob &job);
    const db::TenantOverview *selectedTenant() const;
    void probeDatabase();
    void setDatabaseReachable(bool reachable, const QString &error);

    DbExecutor *m_executor;
    ProgressFeed *m_feed;
    TenantTableModel *m_tenantModel;
    QSortFilterProxyModel *m_tenantProxy;
    JobTableModel *m_jobModel;
    QTabWidget *m_tabs;
    QTableView *m_tenantView = nullptr;
    QLineEdit *m_tenantFilter = nullptr;
    JobsPage *m_jobsPage;
    ThreadBrowser *m_threads;
    QTimer *m_refreshTimer;
    QTimer *m_reloadSoon;
    QLabel *m_connection;
    QLabel *m_databaseBanner;
    QTimer *m_probeTimer;
    bool m_probing = false;
    bool m_databaseReachable = true;
    QProgressBar *m_overallProgress;
    QLabel *m_rateLabel;
    QSystemTrayIcon *m_tray;

    QAction *m_refreshAction = nullptr;
    QAction *m_syncNowAction = nullptr;
    QAction *m_initialAction = nullptr;
    QAction *m_forceAction = nullptr;
    QAction *m_historicalAction = nullptr;
    QAction *m_retryFailedAction = nullptr;
    QAction *m_unlockAction = nullptr;
    QAction *m_settingsAction = nullptr;
    QAction *m_connectAction = nullptr;
    QAction *m_reconnectAction = nullptr;
    QAction *m_deactivateAction = nullptr;
    QAction *m_quitAction = nullptr;
};

} // namespace ui
