#include "HistoricalSyncDialog.h"

#include <QCheckBox>
#include <QDateEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QVBoxLayout>

namespace ui {

HistoricalSyncDialog::HistoricalSyncDialog(const QString &tenantName, QWidget *parent)
    : QDialog(parent)
    , m_from(new QDateEdit(this))
    , m_to(new QDateEdit(this))
    , m_force(new QCheckBox(tr("Force (ignore the per-tenant start limit)"), this))
    , m_preview(new QLabel(this))
    , m_error(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
    , m_today(QDate::currentDate()) {
    setWindowTitle(tr("Historical sync — %1").arg(tenantName));
    m_from->setObjectName(QStringLiteral("fromDate"));
    m_to->setObjectName(QStringLiteral("toDate"));
    m_force->setObjectName(QStringLiteral("forceCheck"));
    m_preview->setObjectName(QStringLiteral("chunkPreview"));
    m_error->setObjectName(QStringLiteral("rangeError"));
    m_buttons->setObjectName(QStringLiteral("buttons"));
    for (QDateEdit *edit : {m_from, m_to}) {
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(QLocale().dateFormat(QLocale::ShortFormat));
        edit->setMinimumDate(earliestDate());
    }
    m_to->setDate(m_today);
    m_from->setDate(m_today.addMonths(-3));
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Start historical sync"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_preview->setWordWrap(true);

    auto *form = new QFormLayout;
    form->addRow(tr("&From:"), m_from);
    form->addRow(tr("&To:"), m_to);
    auto *layout = new QVBoxLayout(this);
    auto *intro =
        new QLabel(tr("Fetches every message received in this range (both days included), "
                      "one calendar month at a time. Messages already stored are updated, not duplicated."),
                   this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(m_force);
    layout->addWidget(m_preview);
    layout->addWidget(m_error);
    layout->addStretch();
    layout->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_from, &QDateEdit::dateChanged, this, &HistoricalSyncDialog::update);
    connect(m_to, &QDateEdit::dateChanged, this, &HistoricalSyncDialog::update);
    setToday(m_today);
    resize(440, sizeHint().height());
}

QDate HistoricalSyncDialog::from() const {
    return m_from->date();
}

QDate HistoricalSyncDialog::to() const {
    return m_to->date();
}

bool HistoricalSyncDialog::force() const {
    return m_force->isChecked();
}

void HistoricalSyncDialog::setRange(const QDate &from, const QDate &to) {
    m_from->setDate(from);
    m_to->setDate(to);
    update();
}

void HistoricalSyncDialog::setToday(const QDate &today) {
    m_today = today;
    // The calendar offers no future day; validate() still says why if one arrives another way.
    m_from->setMaximumDate(today);
    m_to->setMaximumDate(today);
    update();
}

int HistoricalSyncDialog::monthlyChunks(const QDate &from, const QDate &to) {
    if (!from.isValid() || !to.isValid() || to < from)
        return 0;
    return (to.year() - from.year()) * 12 + (to.month() - from.month()) + 1;
}

QString HistoricalSyncDialog::validate(const QDate &from, const QDate &to, const QDate &today) {
    if (!from.isValid() || !to.isValid())
        return tr("Enter both dates.");
    if (from > to)
        return tr("The start date is after the end date: choose a start on or before %1.")
            .arg(QLocale().toString(to, QLocale::ShortFormat));
    if (to > today)
        return tr("The range reaches into the future: choose an end date on or before today (%1).")
            .arg(QLocale().toString(today, QLocale::ShortFormat));
    if (from < earliestDate())
        return tr("Gmail has no mail before %1.")
            .arg(QLocale().toString(earliestDate(), QLocale::ShortFormat));
    return {};
}

void HistoricalSyncDialog::update() {
    const QString error = validate(from(), to(), m_today);
    m_error->setText(error);
    m_error->setVisible(!error.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(error.isEmpty());
    if (!error.isEmpty()) {
        m_preview->clear();
        return;
    }
    const int chunks = monthlyChunks(from(), to());
    const QLocale locale;
    const QString first = locale.toString(from(), QStringLiteral("MMMM yyyy"));
    const QString last = locale.toString(to(), QStringLiteral("MMMM yyyy"));
    m_preview->setText(chunks == 1 ? tr("Runs 1 monthly chunk (%1).").arg(first)
                                   : tr("Runs %1 monthly chunks (%2 – %3).").arg(chunks).arg(first, last));
}

} // namespace ui
