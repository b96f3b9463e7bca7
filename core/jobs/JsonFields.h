#pragma once

#include <QDate>
#include <QJsonObject>
#include <QSet>
#include <QString>

namespace jobs {

// Strict reading of a job's JSON (parameters, checkpoint): every field must be there with its type, and a
// field nobody asked for is an error too, so a typo or a stale producer is caught where it is read instead
// of turning into a silent default. Usage: read each field, then `finish()`; the first problem wins.
class JsonFields final {
public:
    JsonFields(const QJsonObject &object, QString what);

    QString string(const QString &key);
    bool boolean(const QString &key);
    int integer(const QString &key, int min, int max);
    // Gmail ids (history ids) travel as decimal strings: they exceed what a JSON double holds exactly.
    qint64 decimalId(const QString &key);
    qint64 seconds(const QString &key); // seconds since the epoch, a JSON number
    QDate date(const QString &key);     // YYYY-MM-DD

    // The "mode" a checkpoint names (empty when it names none): which checkpoint type to read it as.
    static QString modeOf(const QJsonObject &checkpoint);

    // True when every field was present, typed and known; otherwise *error says what was wrong.
    bool finish(QString *error);

private:
    QJsonValue take(const QString &key, const char *type);
    void fail(const QString &message);

    QJsonObject m_object;
    QString m_what;
    QSet<QString> m_read;
    QString m_error;
};

} // namespace jobs
