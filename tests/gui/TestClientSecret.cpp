#include "AppSettings.h"
#include "ConnectWizard.h"
#include "MainWindow.h"
#include "SettingsDialog.h"

#include <QDialogButtonBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QtTest>

// The OAuth client secret goes to the system keychain, never to QSettings. Runs for real: CTest starts
// `stored` inside a private D-Bus session with gnome-keyring (tests/support/with-keyring.sh), and
// `unreachable` with DBUS_SESSION_BUS_ADDRESS pointing nowhere (tests/gui/CMakeLists.txt).
class TestClientSecret final : public QObject {
    Q_OBJECT

private:
    static QString random(const char *prefix) {
        return QLatin1String(prefix) + QString::number(QRandomGenerator::global()->generate64(), 16);
    }

    static QByteArray settingsFile() {
        QString name;
        {
            QSettings s;
            s.sync();
            name = s.fileName();
        }
        QFile f(name);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

    // Opens Settings from the window and waits for its keychain read.
    static ui::SettingsDialog *openSettings(ui::MainWindow &window, bool expectKeychain) {
        window.openSettings();
        auto *dialog = window.findChild<ui::SettingsDialog *>(QStringLiteral("settingsDialog"));
        if (!dialog)
            return nullptr;
        QSignalSpy loaded(dialog, &ui::SettingsDialog::secretLoaded);
        if (!loaded.wait(20000) || loaded.at(0).at(0).toBool() != expectKeychain)
            return nullptr;
        return dialog;
    }

    static void clickOk(QDialog *dialog) {
        dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
    }

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true); // QSettings under ~/.qttest, not the user's
        QCoreApplication::setOrganizationName(QStringLiteral("gsa-test"));
        QCoreApplication::setApplicationName(random("client-secret-"));
        ui::AppSettings a;
        a.databaseUrl = QStringLiteral("postgresql://gsa@127.0.0.1:1/unused"); // unchanged: no connect
        a.save();
    }

    void cleanupTestCase() {
        QSettings s;
        QFile::remove(s.fileName());
    }

    void stored() {
        const QString clientId = random("id-") + QStringLiteral(".apps.googleusercontent.com");
        const QString secret = random("GOCSPX-");
        ui::MainWindow window;
        ui::SettingsDialog *dialog = openSettings(window, true);
        QVERIFY(dialog);
        auto *secretField = dialog->findChild<QLineEdit *>(QStringLiteral("oauthClientSecret"));
        QVERIFY(secretField);
        QCOMPARE(secretField->echoMode(), QLineEdit::Password);
        dialog->findChild<QLineEdit *>(QStringLiteral("oauthClientId"))->setText(clientId);
        secretField->setText(secret);
        QSignalSpy storedSpy(dialog, &ui::SettingsDialog::secretStored);
        QSignalSpy accepted(dialog, &QDialog::accepted);
        clickOk(dialog);
        QVERIFY(storedSpy.wait(20000));
        QCOMPARE(storedSpy.at(0).at(0).toBool(), true);
        QCOMPARE(accepted.count(), 1);

        QCOMPARE(ui::AppSettings::load().oauthClientId, clientId);
        const QByteArray file = settingsFile();
        QVERIFY(file.contains(clientId.toUtf8()));
        QVERIFY(!file.contains(secret.toUtf8()));

        // The wizard gets it back from the keychain.
        window.connectMailbox();
        auto *wizard = window.findChild<ui::ConnectWizard *>(QStringLiteral("connectWizard"));
        QVERIFY(wizard);
        QSignalSpy loaded(wizard, &ui::ConnectWizard::clientSecretLoaded);
        QVERIFY(loaded.wait(20000));
        QCOMPARE(loaded.at(0).at(0).toBool(), true);
        QCOMPARE(wizard->findChild<QLineEdit *>(QStringLiteral("oauthClientSecret"))->text(), secret);
        wizard->reject();

        // Settings opened again shows it too (from the keychain, not the file).
        ui::SettingsDialog *again = openSettings(window, true);
        QVERIFY(again);
        QCOMPARE(again->findChild<QLineEdit *>(QStringLiteral("oauthClientSecret"))->text(), secret);

        // Clearing the field removes the keychain entry.
        again->findChild<QLineEdit *>(QStringLiteral("oauthClientSecret"))->clear();
        QSignalSpy removedSpy(again, &ui::SettingsDialog::secretStored);
        clickOk(again);
        QVERIFY(removedSpy.wait(20000));
        QCOMPARE(removedSpy.at(0).at(0).toBool(), true);
        QTRY_VERIFY(!window.findChild<ui::SettingsDialog *>()); // closed and deleted
        ui::SettingsDialog *third = openSettings(window, true);
        QVERIFY(third);
        QCOMPARE(third->findChild<QLineEdit *>(QStringLiteral("oauthClientSecret"))->text(), QString());
        third->reject();
    }

    void unreachable() {
        const QString clientId = random("id-") + QStringLiteral(".apps.googleusercontent.com");
        const QString secret = random("GOCSPX-");
        ui::MainWindow window;
        ui::SettingsDialog *dialog = openSettings(window, false);
        QVERIFY(dialog);
        QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("secretResult"))
                    ->text()
                    .contains(QLatin1String("keychain")));
        dialog->findChild<QLineEdit *>(QStringLiteral("oauthClientId"))->setText(clientId);
        auto *secretField = dialog->findChild<QLineEdit *>(QStringLiteral("oauthClientSecret"));
        secretField->setText(secret);
        QSignalSpy storedSpy(dialog, &ui::SettingsDialog::secretStored);
        QSignalSpy accepted(dialog, &QDialog::accepted);
        clickOk(dialog);
        QVERIFY(storedSpy.wait(20000));
        QCOMPARE(storedSpy.at(0).at(0).toBool(), false);
        const QString message = storedSpy.at(0).at(1).toString();
        QVERIFY2(message.contains(QLatin1String("keychain is unreachable")), qPrintable(message));
        QVERIFY(!message.contains(secret));
        QCOMPARE(dialog->findChild<QLabel *>(QStringLiteral("secretResult"))->text(), message);
        QCOMPARE(accepted.count(), 0); // still open
        QVERIFY(!settingsFile().contains(secret.toUtf8()));

        // Without the secret the other settings are saved, and still no secret in the file.
        secretField->clear();
        clickOk(dialog);
        QCOMPARE(accepted.count(), 1);
        QCOMPARE(ui::AppSettings::load().oauthClientId, clientId);
        QVERIFY(!settingsFile().contains(secret.toUtf8()));
    }
};

QTEST_MAIN(TestClientSecret)
#include "TestClientSecret.moc"
