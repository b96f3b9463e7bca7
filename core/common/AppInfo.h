#pragma once

#include <QString>

namespace common {

// Names the programs share: QSettings scope, data directory, keychain service, log file.
struct AppInfo final {
    static QString organization();
    static QString applicationName();
    static QString version();
    // Installs the names on QCoreApplication (call once in every main()).
    static void install();
};

} // namespace common
