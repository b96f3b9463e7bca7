#include "ScreenshotTour.h"

#include "ConnectWizard.h"
#include "HistoricalSyncDialog.h"
#include "JobTableModel.h"
#include "JobsPage.h"
#include "MainWindow.h"
#include "SettingsDialog.h"
#include "ThreadBrowser.h"
#include "db/Database.h"

#include <QCoreApplication>
#include <QDate>
#include <QDir>
#include <QLineEdit>
#include <QRadioButton>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>

#include <cstdio>

ScreenshotTour::ScreenshotTour(ui::MainWindow *window, const QString &dir)
    : QObject(window)
    , m_window(window)
    , m_dir(dir)
    , m_timer(new QTimer(this)) {
    connect(m_timer, &QTimer::timeout, this, &ScreenshotTour::nextStep);
}

void ScreenshotTour::start() {
    QDir().mkpath(m_dir);
    m_timer->start(1500);
}

void ScreenshotTour::nextStep() {
    using Step = void (ScreenshotTour::*)();
    static constexpr Step steps[] = {
        &ScreenshotTour::showTenants,
        &ScreenshotTour::showFailedJob,
        &ScreenshotTour::showCharts,
        &ScreenshotTour::showJobWithFailedItems,
        &ScreenshotTour::showThread,
        &ScreenshotTour::showHistoricalSyncDialog,
        &ScreenshotTour::showSettings,
        &ScreenshotTour::showConnectWizard,
        &ScreenshotTour::showWizardCredentials,
        &ScreenshotTour::showWizardBrowserPage,
        &ScreenshotTour::closeWizard,
    };
    if (m_step < int(std::size(steps))) {
        (this->*steps[m_step++])();
        return;
    }
    m_timer->stop();
    QCoreApplication::quit();
}

void ScreenshotTour::save(QWidget *widget, const QString &name) const {
    const QString path = QDir(m_dir).filePath(name);
    if (!widget->grab().save(path))
        std::fprintf(stderr, "cannot write %s\n", qPrintable(path));
    else
        std::printf("%s\n", qPrintable(path));
}

void ScreenshotTour::selectRows(QTableView *view, const std::function<bool(int row)> &match) {
    for (int row = 0; row < view->model()->rowCount(); ++row)
        if (match(row))
            view->selectRow(row);
}

void ScreenshotTour::showTenants() {
    m_window->tabs()->setCurrentIndex(0);
    m_window->selectTenant(QStringLiteral("globex"));
}

void ScreenshotTour::showFailedJob() {
    save(m_window, QStringLiteral("main-window.png"));
    m_window->tabs()->setCurrentIndex(1);
    // The failed job, to show its error and detail.
    QTableView *jobs = m_window->jobsPage()->view();
    selectRows(jobs, [jobs](int row) {
        return jobs->model()->index(row, ui::JobTableModel::Tenant).data().toString() ==
               QLatin1String("umbrella");
    });
}

void ScreenshotTour::showCharts() {
    save(m_window, QStringLiteral("jobs.png"));
    m_window->jobsPage()->showBottomTab(1);
}

void ScreenshotTour::showJobWithFailedItems() {
    save(m_window, QStringLiteral("jobs-charts.png"));
    m_window->jobsPage()->showBottomTab(0);
    // The job that could not store two messages, to show their list.
    QTableView *jobs = m_window->jobsPage()->view();
    selectRows(jobs, [jobs](int row) {
        const QAbstractItemModel *m = jobs->model();
        return m->index(row, ui::JobTableModel::Tenant).data().toString() == QLatin1String("acme") &&
               m->index(row, ui::JobTableModel::Failed).data(ui::JobTableModel::SortRole).toLongLong() > 0;
    });
}

void ScreenshotTour::showThread() {
    save(m_window, QStringLiteral("jobs-failed-items.png"));
    m_window->tabs()->setCurrentIndex(2);
    QTableView *list = m_window->threadBrowser()->list();
    selectRows(list, [list](int row) {
        const QString subject = list->model()->index(row, 0).data().toString();
        return subject.startsWith(QLatin1String("Quarterly")) ||
               subject.startsWith(QLatin1String("Re: Quarterly"));
    });
}

void ScreenshotTour::showHistoricalSyncDialog() {
    save(m_window, QStringLiteral("thread-view.png"));
    m_window->tabs()->setCurrentIndex(0);
    m_window->selectTenant(QStringLiteral("acme"));
    m_window->historicalSync();
}

void ScreenshotTour::showSettings() {
    if (auto *dialog = m_window->findChild<ui::HistoricalSyncDialog *>()) {
        dialog->setRange(QDate::currentDate().addMonths(-5).addDays(3), QDate::currentDate());
        save(dialog, QStringLiteral("historical-sync-dialog.png"));
        dialog->setRange(QDate::currentDate(), QDate::currentDate().addMonths(-2));
        save(dialog, QStringLiteral("historical-sync-dialog-invalid.png"));
        dialog->reject();
    }
    m_window->openSettings();
    if (auto *settings = m_window->findChild<ui::SettingsDialog *>()) {
        auto *url = settings->findChild<QLineEdit *>(QStringLiteral("databaseUrl"));
        url->setText(db::Database::defaultSettings().redactedUrl());
        url->setCursorPosition(0);
        settings->testConnection();
    }
}

void ScreenshotTour::showConnectWizard() {
    if (auto *settings = m_window->findChild<ui::SettingsDialog *>()) {
        save(settings, QStringLiteral("settings-dialog.png"));
        settings->reject();
    }
    m_window->connectMailbox();
    if (auto *wizard = m_window->findChild<ui::ConnectWizard *>()) {
        wizard->findChild<QLineEdit *>(QStringLiteral("tenantId"))->setText(QStringLiteral("wayne"));
        wizard->findChild<QLineEdit *>(QStringLiteral("displayName"))
            ->setText(QStringLiteral("Wayne Enterprises"));
        wizard->findChild<QLineEdit *>(QStringLiteral("gmailAddress"))
            ->setText(QStringLiteral("it@wayne.example"));
    }
}

void ScreenshotTour::showWizardCredentials() {
    if (auto *wizard = m_window->findChild<ui::ConnectWizard *>()) {
        save(wizard, QStringLiteral("connect-wizard.png"));
        wizard->next();
        wizard->findChild<QLineEdit *>(QStringLiteral("keysFile"))
            ->setText(QStringLiteral("/home/admin/wayne-gmail-sync-sa.json"));
    }
}

void ScreenshotTour::showWizardBrowserPage() {
    if (auto *wizard = m_window->findChild<ui::ConnectWizard *>()) {
        save(wizard, QStringLiteral("connect-wizard-credentials.png"));
        wizard->findChild<QRadioButton *>(QStringLiteral("authBrowser"))->setChecked(true);
        wizard->setOAuthClient(QStringLiteral("1234567890-wayne.apps.googleusercontent.com"));
        wizard->setUrlOpener([](const QUrl &) {}); // no browser while taking screenshots
        wizard->next();
    }
}

void ScreenshotTour::closeWizard() {
    if (auto *wizard = m_window->findChild<ui::ConnectWizard *>()) {
        save(wizard, QStringLiteral("connect-wizard-browser.png"));
        wizard->reject();
    }
}
