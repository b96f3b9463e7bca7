#include "HistoricalSyncDialog.h"

#include <QDateEdit>
#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QtTest>

using ui::HistoricalSyncDialog;

class TestHistoricalSyncDialog final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    void monthlyChunks_data() {
        QTest::addColumn<QDate>("from");
        QTest::addColumn<QDate>("to");
        QTest::addColumn<int>("chunks");
        QTest::newRow("one day") << QDate(2024, 3, 5) << QDate(2024, 3, 5) << 1;
        QTest::newRow("whole month") << QDate(2024, 2, 1) << QDate(2024, 2, 29) << 1;
        QTest::newRow("two days across a month end") << QDate(2024, 1, 31) << QDate(2024, 2, 1) << 2;
        QTest::newRow("quarter") << QDate(2024, 1, 1) << QDate(2024, 3, 31) << 3;
        QTest::newRow("across a year end") << QDate(2023, 11, 15) << QDate(2024, 2, 10) << 4;
        QTest::newRow("whole year") << QDate(2023, 1, 1) << QDate(2023, 12, 31) << 12;
        QTest::newRow("twenty years") << QDate(2004, 4, 1) << QDate(2024, 3, 31) << 240;
        QTest::newRow("reversed") << QDate(2024, 3, 1) << QDate(2024, 2, 1) << 0;
    }
    void monthlyChunks() {
        QFETCH(QDate, from);
        QFETCH(QDate, to);
        QFETCH(int, chunks);
        QCOMPARE(HistoricalSyncDialog::monthlyChunks(from, to), chunks);
    }

    void validate_data() {
        QTest::addColumn<QDate>("from");
        QTest::addColumn<QDate>("to");
        QTest::addColumn<QString>("errorContains"); // empty: valid
        const QDate today(2024, 6, 15);
        QTest::newRow("valid range") << QDate(2024, 1, 1) << QDate(2024, 3, 31) << QString();
        QTest::newRow("single day") << today << today << QString();
        QTest::newRow("up to today") << QDate(2024, 5, 1) << today << QString();
        QTest::newRow("from after to")
            << QDate(2024, 4, 1) << QDate(2024, 3, 1) << QStringLiteral("after the end");
        QTest::newRow("future end") << QDate(2024, 6, 1) << today.addDays(1) << QStringLiteral("future");
        QTest::newRow("all future") << today.addDays(3) << today.addDays(10) << QStringLiteral("future");
        QTest::newRow("before Gmail") << QDate(2003, 1, 1) << QDate(2004, 6, 1) << QStringLiteral("before");
        QTest::newRow("invalid date") << QDate() << today << QStringLiteral("both dates");
    }
    void validate() {
        QFETCH(QDate, from);
        QFETCH(QDate, to);
        QFETCH(QString, errorContains);
        const QString error = HistoricalSyncDialog::validate(from, to, QDate(2024, 6, 15));
        if (errorContains.isEmpty())
            QVERIFY2(error.isEmpty(), qPrintable(error));
        else
            QVERIFY2(error.contains(errorContains), qPrintable(error));
    }

    // The widget: OK follows validity, the preview names the chunk count, the error is shown in words.
    void dialogDisablesOkForInvalidRange() {
        HistoricalSyncDialog dialog(QStringLiteral("ACME"));
        dialog.setToday(QDate(2024, 6, 15));
        auto *ok =
            dialog.findChild<QDialogButtonBox *>(QStringLiteral("buttons"))->button(QDialogButtonBox::Ok);
        auto *preview = dialog.findChild<QLabel *>(QStringLiteral("chunkPreview"));
        auto *error = dialog.findChild<QLabel *>(QStringLiteral("rangeError"));
        QVERIFY(ok && preview && error);

        dialog.setRange(QDate(2024, 1, 10), QDate(2024, 3, 5));
        QVERIFY(ok->isEnabled());
        QVERIFY2(preview->text().contains(QLatin1String("3 monthly chunks")), qPrintable(preview->text()));
        QVERIFY(error->text().isEmpty());

        dialog.setRange(QDate(2024, 5, 1), QDate(2024, 4, 1));
        QVERIFY(!ok->isEnabled());
        QVERIFY(preview->text().isEmpty());
        QVERIFY2(error->text().contains(QLatin1String("after the end date")), qPrintable(error->text()));

        dialog.setRange(QDate(2024, 6, 1), QDate(2024, 6, 1));
        QVERIFY(ok->isEnabled());
        QVERIFY2(preview->text().contains(QLatin1String("1 monthly chunk")), qPrintable(preview->text()));
    }

    void calendarOffersNoFutureDay() {
        HistoricalSyncDialog dialog(QStringLiteral("ACME"));
        dialog.setToday(QDate(2024, 6, 15));
        auto *to = dialog.findChild<QDateEdit *>(QStringLiteral("toDate"));
        QVERIFY(to);
        QVERIFY(to->calendarPopup());
        QCOMPARE(to->maximumDate(), QDate(2024, 6, 15));
        to->setDate(QDate(2024, 7, 1));
        QCOMPARE(dialog.to(), QDate(2024, 6, 15)); // clamped, never in the future
    }

    // Typing into the field (not only setDate) updates the state: the user's path.
    void typingUpdatesValidation() {
        HistoricalSyncDialog dialog(QStringLiteral("ACME"));
        dialog.setToday(QDate(2024, 6, 15));
        dialog.setRange(QDate(2024, 1, 1), QDate(2024, 2, 1));
        auto *from = dialog.findChild<QDateEdit *>(QStringLiteral("fromDate"));
        auto *ok =
            dialog.findChild<QDialogButtonBox *>(QStringLiteral("buttons"))->button(QDialogButtonBox::Ok);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        from->setFocus();
        from->setCurrentSection(QDateTimeEdit::MonthSection);
        for (int i = 0; i < 3; ++i)
            QTest::keyClick(from, Qt::Key_Up); // January → April, after the end date
        QCOMPARE(dialog.from().month(), 4);
        QVERIFY(!ok->isEnabled());
    }
};

QTEST_MAIN(TestHistoricalSyncDialog)
#include "TestHistoricalSyncDialog.moc"
