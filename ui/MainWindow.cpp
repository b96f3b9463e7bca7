#include "MainWindow.h"

namespace ui {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setWindowTitle(tr("Gmail Sync Admin"));
}

} // namespace ui
