#include "ProgressDelegate.h"

#include "TenantTableModel.h"

#include <QApplication>
#include <QLocale>
#include <QPainter>
#include <QStyleOptionProgressBar>

namespace ui {

ProgressDelegate::ProgressDelegate(int progressRole, int rateRole, int etaRole, QObject *parent)
    : QStyledItemDelegate(parent)
    , m_progressRole(progressRole)
    , m_rateRole(rateRole)
    , m_etaRole(etaRole) {}

QString ProgressDelegate::rateAndEta(double rate, qint64 etaSeconds) {
    QStringList parts;
    if (rate > 0)
        parts << tr("%1 msg/s").arg(QLocale().toString(rate, 'f', rate < 10 ? 1 : 0));
    if (etaSeconds >= 0)
        parts << tr("ETA %1").arg(TenantTableModel::formatAge(etaSeconds));
    return parts.join(QStringLiteral(" · "));
}

void ProgressDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                             const QModelIndex &index) const {
    const QVariant progress = index.data(m_progressRole);
    if (!progress.isValid() || progress.toInt() < 0) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    // Selection background first, then the bar over it.
    QStyleOptionViewItem background = option;
    initStyleOption(&background, index);
    background.text.clear();
    QWidget *widget = const_cast<QWidget *>(option.widget);
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &background, painter, widget);

    QStyleOptionProgressBar bar;
    bar.rect = option.rect.adjusted(2, 2, -2, -2);
    bar.minimum = 0;
    bar.maximum = 100;
    bar.progress = progress.toInt();
    bar.state = option.state | QStyle::State_Horizontal;
    bar.textVisible = true;
    bar.textAlignment = Qt::AlignCenter;
    const QString extra =
        rateAndEta(index.data(m_rateRole).toDouble(),
                   index.data(m_etaRole).isValid() ? index.data(m_etaRole).toLongLong() : -1);
    bar.text = extra.isEmpty() ? QStringLiteral("%1%").arg(bar.progress)
                               : QStringLiteral("%1% · %2").arg(bar.progress).arg(extra);
    style->drawControl(QStyle::CE_ProgressBar, &bar, painter, widget);
}

QSize ProgressDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const {
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    if (index.data(m_progressRole).toInt() >= 0)
        size.setWidth(qMax(size.width(), 260));
    return size;
}

} // namespace ui
