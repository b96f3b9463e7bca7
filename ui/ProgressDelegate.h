#pragma once

#include <QStyledItemDelegate>

namespace ui {

// Draws a progress bar with messages/s and ETA in cells whose model gives a percentage: the view reads
// `progressRole` (int percent, -1 for none), `rateRole` (double) and `etaRole` (seconds, -1 unknown).
class ProgressDelegate final : public QStyledItemDelegate {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProgressDelegate)
public:
    ProgressDelegate(int progressRole, int rateRole, int etaRole, QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    // "37 msg/s · ETA 3 min" (either part left out when unknown).
    static QString rateAndEta(double rate, qint64 etaSeconds);

private:
    int m_progressRole;
    int m_rateRole;
    int m_etaRole;
};

} // namespace ui
