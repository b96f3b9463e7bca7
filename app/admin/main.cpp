#include "MainWindow.h"
#include "common/AppInfo.h"

#include <QApplication>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    common::AppInfo::install();
    ui::MainWindow window;
    window.show();
    return app.exec();
}
