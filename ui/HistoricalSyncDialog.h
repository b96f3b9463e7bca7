#pragma once

#include <QDate>
#include <QDialog>

class QCheckBox;
class QDateEdit;
class QDialogButtonBox;
class QLabel;

namespace ui {

// Asks for the date range of a historical sync (both days inclusive). The sync runs one chunk per
// calendar month the range touches; the dialog previews how many and refuses an empty or future range.
class HistoricalSyncDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HistoricalSyncDialog)
public:
    explicit HistoricalSyncDialog(const QString &tenantName, QWidget *parent = nullptr);

    QDate from() const;
    QDate to() const;
    bool force() const;
    void setRange(const QDate &from, const QDate &to);
    // Test hook: "today" (defaults to the local date).
    void setToday(const QDate &today);

    // Calendar months [from, to] touches; 0 when to < from.
    static int monthlyChunks(const QDate &from, const QDate &to);
    // Why the range cannot run (one sentence), or empty when it can.
    static QString validate(const QDate &from, const QDate &to, const QDate &today);
    // Gmail opened on 1 April 2004: nothing older can exist.
    static QDate earliestDate() { return QDate(2004, 4, 1); }

private:
    void update();

    QDateEdit *m_from;
    QDateEdit *m_to;
    QCheckBox *m_force;
    QLabel *m_preview;
    QLabel *m_error;
    QDialogButtonBox *m_buttons;
    QDate m_today;
};

} // namespace ui
