#pragma once

#include <QStringList>
#include <QTextStream>

namespace cli {

// gmail-sync's entry point without the process around it (main.cpp and tests call it): global options
// (before the command, or after it), then the longest registered command name that matches.
class Runner final {
public:
    Runner() = delete;
    // arguments[0] is the program name. Returns the exit status (see ExitCode).
    static int run(const QStringList &arguments, QTextStream &out, QTextStream &err);
};

} // namespace cli
