#pragma once

#include <QString>

#include <string>

namespace logging {

enum class Level { Debug, Info, Warning, Error };

struct LogOptions {
    QString directory; // empty → <AppLocalDataLocation>/logs
    QString fileName = QStringLiteral("gmail-sync.log");
    std::size_t maxFileBytes = 10 * 1024 * 1024;
    std::size_t maxFiles = 5;
    bool toStderr = true;
    Level minimumLevel = Level::Info;
};

// Process-wide JSON-lines logger (spdlog): one object per line,
// {"ts","level","msg", "tenant","job","step","counts","durations","error"}, to a rotating file in the
// application data directory and to stderr. Lines are written only through LogEvent, which accepts a
// literal message plus typed fields, so a token or a message body cannot be formatted into a line.
class Log final {
public:
    // Safe to call again (replaces the sinks). Without init, lines go to stderr only.
    Q_REQUIRED_RESULT static bool init(const LogOptions &options, QString *error);
    static QString filePath();
    static void flush();
    static void shutdown();

    // Used by LogEvent: `body` is the already-serialised JSON members after "level".
    static void write(Level level, const std::string &body);
};

} // namespace logging
