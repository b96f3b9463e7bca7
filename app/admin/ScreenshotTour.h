#pragma once

#include <QObject>
#include <QString>

#include <functional>

class QTableView;
class QTimer;
class QWidget;

namespace ui {
class MainWindow;
}

// `gmail-sync-admin --screenshots DIR`: walks the real window through each view (docs/screenshots,
// tests/gui/screenshots.sh), one step every 1.5 s so models load and layouts settle. Each step saves what
// the step before set up as PNG into DIR and sets up the next view; after the last the application quits.
class ScreenshotTour final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ScreenshotTour)
public:
    ScreenshotTour(ui::MainWindow *window, const QString &dir);

    void start();

private:
    void nextStep();
    void save(QWidget *widget, const QString &name) const;
    // Selects the rows of `view` for which `match(row)` holds (the last one stays current).
    static void selectRows(QTableView *view, const std::function<bool(int row)> &match);

    void showTenants();
    void showFailedJob();
    void showCharts();
    void showJobWithFailedItems();
    void showThread();
    void showHistoricalSyncDialog();
    void showSettings();
    void showConnectWizard();
    void showWizardCredentials();
    void showWizardBrowserPage();
    void closeWizard();

    ui::MainWindow *m_window;
    QString m_dir;
    QTimer *m_timer;
    int m_step = 0;
};
