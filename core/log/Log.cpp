#include "log/Log.h"

#include <QDir>
#include <QStandardPaths>

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <mutex>
#include <sys/stat.h>

namespace logging {

namespace {

std::mutex s_mutex;
std::shared_ptr<spdlog::logger> s_logger; // guarded by s_mutex for replacement; spdlog sinks are _mt
QString s_filePath;

spdlog::level::level_enum toSpd(Level level) {
    switch (level) {
    case Level::Debug:
        return spdlog::level::debug;
    case Level::Info:
        return spdlog::level::info;
    case Level::Warning:
        return spdlog::level::warn;
    case Level::Error:
        return spdlog::level::err;
    }
    return spdlog::level::info;
}

// ts in UTC with milliseconds, level as a word; %v is the event's own JSON members.
constexpr const char *Pattern = R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})";

std::shared_ptr<spdlog::logger> makeStderrOnly() {
    auto logger = std::make_shared<spdlog::logger>("gsa", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    logger->set_pattern(Pattern, spdlog::pattern_time_type::utc);
    logger->set_level(spdlog::level::info);
    return logger;
}

std::shared_ptr<spdlog::logger> current() {
    std::lock_guard lock(s_mutex);
    if (!s_logger)
        s_logger = makeStderrOnly();
    return s_logger;
}

} // namespace

bool Log::init(const LogOptions &options, QString *error) {
    QString dir = options.directory;
    if (dir.isEmpty())
        dir =
            QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + QStringLiteral("/logs");
    std::vector<spdlog::sink_ptr> sinks;
    QString path;
    if (!QDir().mkpath(dir)) {
        if (error)
            *error = QStringLiteral("cannot create the log directory %1").arg(dir);
        return false;
    }
    path = QDir(dir).filePath(options.fileName);
    // Logs name tenants, addresses and errors: readable by the owner only (0600) whatever the umask, also
    // for the files rotation creates later (spdlog opens each with fopen; we tighten it right after).
    spdlog::file_event_handlers ownerOnly;
    ownerOnly.after_open = [](const spdlog::filename_t &, std::FILE *file) {
        ::fchmod(::fileno(file), 0600);
    };
    try {
        sinks.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
            path.toStdString(), options.maxFileBytes, options.maxFiles, false, ownerOnly));
    } catch (const spdlog::spdlog_ex &e) {
        if (error)
            *error = QStringLiteral("cannot open the log file %1: %2").arg(path, QString::fromUtf8(e.what()));
        return false;
    }
    if (options.toStderr)
        sinks.push_back(std::make_shared<spdlog::sinks::stderr_sink_mt>());
    auto logger = std::make_shared<spdlog::logger>("gsa", sinks.begin(), sinks.end());
    logger->set_pattern(Pattern, spdlog::pattern_time_type::utc);
    logger->set_level(toSpd(options.minimumLevel));
    logger->flush_on(spdlog::level::warn);
    std::lock_guard lock(s_mutex);
    if (s_logger)
        s_logger->flush();
    s_logger = std::move(logger);
    s_filePath = path;
    return true;
}

QString Log::filePath() {
    std::lock_guard lock(s_mutex);
    return s_filePath;
}

void Log::flush() {
    current()->flush();
}

void Log::shutdown() {
    std::lock_guard lock(s_mutex);
    if (s_logger)
        s_logger->flush();
    s_logger.reset();
    s_filePath.clear();
}

void Log::write(Level level, const std::string &body) {
    current()->log(toSpd(level), "{}", body);
}

} // namespace logging
