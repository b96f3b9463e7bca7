#pragma once

#include <QString>

namespace demo {

// Fills an empty database with a few tenants, jobs in every state and some threads, through the core
// repositories: the data behind docs/screenshots (`gmail-sync-admin --seed-demo`). Runs on the calling
// thread's connection. The credentials it stores are placeholders, never real keys.
class DemoSeeder final {
public:
    DemoSeeder() = delete;

    Q_REQUIRED_RESULT static bool seed(QString *error);
};

} // namespace demo
