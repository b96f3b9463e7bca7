#pragma once

#include "log/Log.h"

#include <QJsonObject>
#include <QString>

namespace logging {

// One structured log line. The message must be a string literal (what happened, fixed text); everything
// variable goes into typed fields. Free text (step, error) is scrubbed by Redactor.
//   LogEvent(Level::Info, "batch stored").tenant(t).job(id).count("inserted", n).duration("storeMs",
//   ms).write();
class LogEvent final {
public:
    template<std::size_t N>
    LogEvent(Level level, const char (&message)[N])
        : m_level(level)
        , m_message(QString::fromUtf8(message, N - 1)) {}

    LogEvent &tenant(const QString &tenantId);
    LogEvent &job(qint64 jobId);
    LogEvent &step(const QString &step);
    LogEvent &worker(const QString &workerId);
    LogEvent &count(const char *name, qint64 value);
    LogEvent &duration(const char *name, double milliseconds);
    LogEvent &error(const QString &text);
    void write() const;

    // The JSON object this event serialises to (tests).
    QJsonObject toJson() const;

private:
    Level m_level;
    QString m_message;
    QJsonObject m_fields;
    QJsonObject m_counts;
    QJsonObject m_durations;
};

} // namespace logging
