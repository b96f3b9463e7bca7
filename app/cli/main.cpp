#include "common/AppInfo.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    common::AppInfo::install();
    return 0;
}
