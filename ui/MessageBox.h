#pragma once

#include <QMessageBox>

#include <optional>

namespace ui {

// Every confirmation the application asks goes through here, so GUI tests can answer it in advance
// (KeePassXC's tests/gui: MessageBox::setNextAnswer) instead of clicking a modal box.
class MessageBox final {
public:
    MessageBox() = delete;

    static QMessageBox::StandardButton question(QWidget *parent, const QString &title, const QString &text,
                                                QMessageBox::StandardButtons buttons,
                                                QMessageBox::StandardButton defaultButton);
    // Warnings and notes do not block: they open and return.
    static void warning(QWidget *parent, const QString &title, const QString &text);
    static void information(QWidget *parent, const QString &title, const QString &text);

    // Test hook: the next box is not shown and returns `answer`.
    static void setNextAnswer(QMessageBox::StandardButton answer);
    // Test hook: the text of the last box asked or shown.
    static QString lastText();

private:
    static std::optional<QMessageBox::StandardButton> takeNextAnswer();
    static void show(QWidget *parent, QMessageBox::Icon icon, const QString &title, const QString &text);
};

} // namespace ui
