#pragma once

#include <QPair>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;
class QTimer;

namespace ui {

class DbExecutor;
class ThreadListModel;
class ThreadView;

// The mail browser: tenant choice, full-text search, the paged thread list and the selected thread.
class ThreadBrowser final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ThreadBrowser)
public:
    explicit ThreadBrowser(DbExecutor *executor, QWidget *parent = nullptr);

    // (id, label) of every tenant; keeps the current choice when it still exists.
    void setTenants(const QList<QPair<QString, QString>> &tenants);
    void setSearch(const QString &text);
    // Reloads the list from the first page.
    void reload();

    ThreadListModel *model() const { return m_model; }
    ThreadView *threadView() const { return m_view; }
    QTableView *list() const { return m_list; }

Q_SIGNALS:
    void threadShown(const QString &threadId);

private:
    void openThread(int row);

    DbExecutor *m_executor;
    QComboBox *m_tenant;
    QLineEdit *m_search;
    QTimer *m_searchDelay;
    QLabel *m_status;
    QTableView *m_list;
    ThreadListModel *m_model;
    ThreadView *m_view;
    int m_openGeneration = 0;
};

} // namespace ui
