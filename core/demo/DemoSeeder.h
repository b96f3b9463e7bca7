#pragma once

#include <QString>

namespace ui {

// Fills an empty database with a few tenants, jobs in every state and some threads, through the core
// repositories: the data behind docs/screenshots (and the start of a later --demo mode). Runs on the
// calling thread's connection.
class DemoData final {
public:
    DemoData() = delete;

    Q_REQUIRED_RESULT static bool seed(QString *error);
};

} // namespace ui
