#include "MessageBox.h"

namespace ui {

namespace {
std::optional<QMessageBox::StandardButton> s_nextAnswer;
QString s_lastText;
} // namespace

void MessageBox::setNextAnswer(QMessageBox::StandardButton answer) {
    s_nextAnswer = answer;
}

QString MessageBox::lastText() {
    return s_lastText;
}

std::optional<QMessageBox::StandardButton> MessageBox::takeNextAnswer() {
    return std::exchange(s_nextAnswer, std::nullopt);
}

void MessageBox::show(QWidget *parent, QMessageBox::Icon icon, const QString &title, const QString &text) {
    if (takeNextAnswer())
        return;
    // Shown without a nested event loop: the caller (often a result handler) returns at once.
    auto *box = new QMessageBox(icon, title, text, QMessageBox::Ok, parent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

QMessageBox::StandardButton MessageBox::question(QWidget *parent, const QString &title, const QString &text,
                                                 QMessageBox::StandardButtons buttons,
                                                 QMessageBox::StandardButton defaultButton) {
    s_lastText = text;
    if (const auto answer = takeNextAnswer())
        return *answer;
    return QMessageBox::question(parent, title, text, buttons, defaultButton);
}

void MessageBox::warning(QWidget *parent, const QString &title, const QString &text) {
    s_lastText = text;
    show(parent, QMessageBox::Warning, title, text);
}

void MessageBox::information(QWidget *parent, const QString &title, const QString &text) {
    s_lastText = text;
    show(parent, QMessageBox::Information, title, text);
}

} // namespace ui
