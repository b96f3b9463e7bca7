#include "Translations.h"

#include <QCoreApplication>
#include <QtTest>

// The .qm files are built from translations/*.ts and embedded; the language follows the request (or the
// system locale) and falls back to English.
class TestTranslations final : public QObject {
    Q_OBJECT

    static QString translated(const char *context, const char *text, int n = -1) {
        return QCoreApplication::translate(context, text, nullptr, n);
    }

private Q_SLOTS:
    void german() {
        QCOMPARE(ui::Translations::install(QStringLiteral("de")), QStringLiteral("de"));
        QCOMPARE(translated("ui::TenantTableModel", "Idle"), QStringLiteral("Bereit"));
        QCOMPARE(translated("ui::ConnectWizard", "Sign in with Google"),
                 QStringLiteral("Bei Google anmelden"));
        QCOMPARE(translated("ui::HistoricalSyncDialog", "Start historical sync"),
                 QStringLiteral("Historische Synchronisierung starten"));
        QCOMPARE(translated("ui::ThreadBrowser", "%n thread(s)", 1), QStringLiteral("1 Konversation"));
        QCOMPARE(translated("ui::ThreadBrowser", "%n thread(s)", 3), QStringLiteral("3 Konversationen"));
        QCOMPARE(translated("ui::MainWindow", "Re&try failed items"),
                 QStringLiteral("&Fehlgeschlagene Nachrichten erneut versuchen"));
        QCOMPARE(translated("ui::TenantTableModel", "%n message(s) could not be stored.", 2),
                 QStringLiteral("2 Nachrichten konnten nicht gespeichert werden."));
        QCOMPARE(translated("ui::JobFailureModel", "Too large"), QStringLiteral("Zu groß"));
        QCOMPARE(QLocale().language(), QLocale::German);
    }

    void germanRegionFallsBackToGerman() {
        QCOMPARE(ui::Translations::install(QStringLiteral("de_AT")), QStringLiteral("de"));
        QCOMPARE(translated("ui::MainWindow", "&Quit"), QStringLiteral("&Beenden"));
    }

    void englishPlurals() {
        QCOMPARE(ui::Translations::install(QStringLiteral("en")), QStringLiteral("en"));
        QCOMPARE(translated("ui::ThreadBrowser", "%n thread(s)", 1), QStringLiteral("1 thread"));
        QCOMPARE(translated("ui::ThreadBrowser", "%n thread(s)", 2), QStringLiteral("2 threads"));
        QCOMPARE(translated("ui::TenantTableModel", "Idle"), QStringLiteral("Idle"));
        QCOMPARE(translated("ui::JobsPage", "%n message(s) this job could not store (still failing):", 1),
                 QStringLiteral("1 message this job could not store (still failing):"));
    }

    void unknownLanguageFallsBackToEnglish() {
        QCOMPARE(ui::Translations::install(QStringLiteral("ja")), QStringLiteral("en"));
        QCOMPARE(translated("ui::TenantTableModel", "Idle"), QStringLiteral("Idle"));
    }
};

QTEST_GUILESS_MAIN(TestTranslations)
#include "TestTranslations.moc"
