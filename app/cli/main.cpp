#include "Runner.h"
#include "common/AppInfo.h"

#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>

int main(int argc, char *argv[]) {
    QCoreApplication app(argc, argv);
    common::AppInfo::install();
    QTextStream out(stdout);
    QTextStream err(stderr);
    const int rc = cli::Runner::run(QCoreApplication::arguments(), out, err);
    out.flush();
    err.flush();
    return rc;
}
