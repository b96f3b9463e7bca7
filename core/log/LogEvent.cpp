#include "log/LogEvent.h"

#include "log/Redactor.h"

#include <QJsonDocument>

namespace logging {

LogEvent &LogEvent::tenant(const QString &tenantId) {
    m_fields.insert(QStringLiteral("tenant"), Redactor::scrub(tenantId));
    return *this;
}

LogEvent &LogEvent::job(qint64 jobId) {
    m_fields.insert(QStringLiteral("job"), jobId);
    return *this;
}

LogEvent &LogEvent::step(const QString &step) {
    m_fields.insert(QStringLiteral("step"), Redactor::scrub(step));
    return *this;
}

LogEvent &LogEvent::worker(const QString &workerId) {
    m_fields.insert(QStringLiteral("worker"), Redactor::scrub(workerId));
    return *this;
}

LogEvent &LogEvent::count(const char *name, qint64 value) {
    m_counts.insert(QString::fromLatin1(name), value);
    return *this;
}

LogEvent &LogEvent::duration(const char *name, double milliseconds) {
    m_durations.insert(QString::fromLatin1(name), qRound64(milliseconds * 10) / 10.0);
    return *this;
}

LogEvent &LogEvent::error(const QString &text) {
    m_fields.insert(QStringLiteral("error"), Redactor::scrub(text));
    return *this;
}

QJsonObject LogEvent::toJson() const {
    QJsonObject o = m_fields;
    o.insert(QStringLiteral("msg"), m_message);
    if (!m_counts.isEmpty())
        o.insert(QStringLiteral("counts"), m_counts);
    if (!m_durations.isEmpty())
        o.insert(QStringLiteral("durations"), m_durations);
    return o;
}

void LogEvent::write() const {
    // Log::write prefixes {"ts":…,"level":…, so hand it the members without the outer braces.
    QByteArray json = QJsonDocument(toJson()).toJson(QJsonDocument::Compact);
    if (json.size() >= 2)
        json = json.mid(1, json.size() - 2);
    Log::write(m_level, json.toStdString());
}

} // namespace logging
