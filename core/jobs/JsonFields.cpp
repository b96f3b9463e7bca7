#include "jobs/JsonFields.h"

#include <QStringList>

#include <limits>

namespace jobs {

JsonFields::JsonFields(const QJsonObject &object, QString what)
    : m_object(object)
    , m_what(std::move(what)) {}

QString JsonFields::modeOf(const QJsonObject &checkpoint) {
    return checkpoint.value(QStringLiteral("mode")).toString();
}

void JsonFields::fail(const QString &message) {
    if (m_error.isEmpty())
        m_error = QStringLiteral("%1: %2").arg(m_what, message);
}

QJsonValue JsonFields::take(const QString &key, const char *type) {
    m_read.insert(key);
    const auto it = m_object.constFind(key);
    if (it == m_object.constEnd()) {
        fail(QStringLiteral("the field \"%1\" (%2) is missing").arg(key, QLatin1String(type)));
        return {};
    }
    return *it;
}

QString JsonFields::string(const QString &key) {
    const QJsonValue v = take(key, "string");
    if (!v.isUndefined() && !v.isString())
        fail(QStringLiteral("the field \"%1\" must be a string").arg(key));
    return v.toString();
}

bool JsonFields::boolean(const QString &key) {
    const QJsonValue v = take(key, "true or false");
    if (!v.isUndefined() && !v.isBool())
        fail(QStringLiteral("the field \"%1\" must be true or false").arg(key));
    return v.toBool();
}

int JsonFields::integer(const QString &key, int min, int max) {
    const QJsonValue v = take(key, "number");
    if (v.isUndefined())
        return min;
    const double d = v.toDouble(std::numeric_limits<double>::quiet_NaN());
    if (!v.isDouble() || d != double(qint64(d)) || d < min || d > max) {
        fail(QStringLiteral("the field \"%1\" must be a whole number from %2 to %3")
                 .arg(key)
                 .arg(min)
                 .arg(max));
        return min;
    }
    return int(d);
}

qint64 JsonFields::decimalId(const QString &key) {
    const QString s = string(key);
    if (s.isNull())
        return 0;
    bool ok = false;
    const qint64 id = s.toLongLong(&ok);
    if (!ok || id < 0) {
        fail(QStringLiteral("the field \"%1\" must be a decimal id as a string").arg(key));
        return 0;
    }
    return id;
}

qint64 JsonFields::seconds(const QString &key) {
    const QJsonValue v = take(key, "number");
    if (v.isUndefined())
        return 0;
    const double d = v.toDouble(std::numeric_limits<double>::quiet_NaN());
    if (!v.isDouble() || d != double(qint64(d)) || d < 0) {
        fail(QStringLiteral("the field \"%1\" must be seconds since 1970 (a whole number)").arg(key));
        return 0;
    }
    return qint64(d);
}

QDate JsonFields::date(const QString &key) {
    const QString s = string(key);
    if (s.isNull())
        return {};
    const QDate d = QDate::fromString(s, Qt::ISODate);
    if (!d.isValid() || s.size() != 10)
        fail(QStringLiteral("the field \"%1\" must be a date as YYYY-MM-DD, not \"%2\"").arg(key, s));
    return d;
}

bool JsonFields::finish(QString *error) {
    QStringList unknown;
    for (auto it = m_object.constBegin(); it != m_object.constEnd(); ++it) {
        if (!m_read.contains(it.key()))
            unknown.append(it.key());
    }
    if (!unknown.isEmpty())
        fail(QStringLiteral("unknown field(s) %1").arg(unknown.join(QStringLiteral(", "))));
    if (error)
        *error = m_error;
    return m_error.isEmpty();
}

} // namespace jobs
