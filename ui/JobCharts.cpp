#include "JobCharts.h"

#include "DbExecutor.h"
#include "JobTableModel.h"
#include "db/Database.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QDateTimeAxis>
#include <QHBoxLayout>
#include <QLineSeries>
#include <QLocale>
#include <QValueAxis>

namespace ui {

namespace {

constexpr int kDays = 30;
constexpr int kDurations = 40;

struct ChartData {
    std::optional<QList<db::DailySyncCount>> daily;
    std::optional<QList<db::JobDuration>> durations;
};

QChartView *makeView(const QString &title, QWidget *parent) {
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->legend()->hide();
    chart->setMargins(QMargins(4, 4, 4, 4));
    auto *view = new QChartView(chart, parent);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumHeight(180);
    return view;
}

} // namespace

JobCharts::JobCharts(DbExecutor *executor, QWidget *parent)
    : QWidget(parent)
    , m_executor(executor)
    , m_daily(makeView(tr("Messages synced per day (last %1 days)").arg(kDays), this))
    , m_durations(makeView(QString(), this)) {
    m_daily->setObjectName(QStringLiteral("dailyChart"));
    m_durations->setObjectName(QStringLiteral("durationChart"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_daily);
    layout->addWidget(m_durations);
}

void JobCharts::setTenant(const QString &tenantId) {
    m_tenantId = tenantId;
    refresh();
}

void JobCharts::refresh() {
    const QString tenantId = m_tenantId;
    const int generation = ++m_generation;
    m_executor->run(
        this,
        [tenantId] {
            db::JobRepository repo(db::Database::connection());
            ChartData d;
            d.daily = repo.dailyCounts(tenantId, kDays);
            d.durations = repo.recentDurations(tenantId, kDurations);
            return d;
        },
        [this, generation](ChartData d) {
            if (generation != m_generation)
                return;
            if (d.daily)
                showDaily(*d.daily);
            if (d.durations)
                showDurations(*d.durations);
        });
}

void JobCharts::showDaily(const QList<db::DailySyncCount> &days) {
    QChart *chart = m_daily->chart();
    chart->removeAllSeries();
    // removeAxis hands the axis back to us (QChart docs): delete it, or every refresh leaks two (LSan found
    // it).
    for (QAbstractAxis *axis : chart->axes()) {
        chart->removeAxis(axis);
        delete axis;
    }
    // One point per calendar day of the window, zero where nothing ran, so gaps are visible.
    QHash<QDate, qint64> byDay;
    for (const db::DailySyncCount &d : days)
        byDay.insert(d.day, d.messages);
    auto *series = new QLineSeries;
    series->setPointsVisible(true);
    series->setColor(QColor(0x1a, 0x73, 0xe8));
    const QDate today = QDate::currentDate();
    qint64 max = 0;
    for (int i = kDays - 1; i >= 0; --i) {
        const QDate day = today.addDays(-i);
        const qint64 n = byDay.value(day);
        series->append(double(day.startOfDay().toMSecsSinceEpoch()), double(n));
        max = qMax(max, n);
    }
    chart->addSeries(series);
    auto *x = new QDateTimeAxis;
    x->setFormat(QStringLiteral("d MMM"));
    x->setTickCount(6);
    x->setRange(today.addDays(-(kDays - 1)).startOfDay(), today.startOfDay());
    auto *y = new QValueAxis;
    y->setRange(0, max > 0 ? double(max) * 1.1 : 10);
    y->setLabelFormat(QStringLiteral("%.0f"));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
}

void JobCharts::showDurations(const QList<db::JobDuration> &durations) {
    QChart *chart = m_durations->chart();
    chart->removeAllSeries();
    // removeAxis hands the axis back to us (QChart docs): delete it, or every refresh leaks two (LSan found
    // it).
    for (QAbstractAxis *axis : chart->axes()) {
        chart->removeAxis(axis);
        delete axis;
    }
    double maxSeconds = 0;
    for (const db::JobDuration &d : durations)
        maxSeconds = qMax(maxSeconds, d.seconds);
    // Seconds for short jobs, minutes once any job took longer than two.
    const bool minutes = maxSeconds > 120;
    const double unit = minutes ? 60.0 : 1.0;
    chart->setTitle(minutes ? tr("Duration of the last %1 jobs (minutes)").arg(kDurations)
                            : tr("Duration of the last %1 jobs (seconds)").arg(kDurations));
    auto *set = new QBarSet(minutes ? tr("Minutes") : tr("Seconds"));
    QStringList categories;
    for (const db::JobDuration &d : durations) {
        *set << d.seconds / unit;
        categories << QString::number(d.jobId);
    }
    set->setColor(QColor(0x34, 0xa8, 0x53));
    auto *series = new QBarSeries;
    series->append(set);
    chart->addSeries(series);
    auto *x = new QBarCategoryAxis;
    x->append(categories);
    x->setLabelsAngle(-90);
    auto *y = new QValueAxis;
    y->setRange(0, maxSeconds > 0 ? maxSeconds / unit * 1.1 : 1);
    const double top = maxSeconds / unit;
    y->setLabelFormat(top < 1    ? QStringLiteral("%.2f")
                      : top < 10 ? QStringLiteral("%.1f")
                                 : QStringLiteral("%.0f"));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
}

} // namespace ui
