#include "db/SqlValues.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace db::sql {

std::optional<qint64> optionalInt(const QVariant &value) {
    if (value.isNull())
        return std::nullopt;
    return value.toLongLong();
}

std::optional<int> optionalInt32(const QVariant &value) {
    if (value.isNull())
        return std::nullopt;
    return value.toInt();
}

QDateTime dateTime(const QVariant &value) {
    if (value.isNull())
        return {};
    QDateTime dt = value.toDateTime();
    return dt.isValid() ? dt.toUTC() : dt;
}

QString text(const QVariant &value) {
    return value.isNull() ? QString() : value.toString();
}

QStringList stringArray(const QVariant &jsonArrayText) {
    QStringList out;
    const QJsonArray array = QJsonDocument::fromJson(jsonArrayText.toString().toUtf8()).array();
    out.reserve(array.size());
    for (const QJsonValue &element : array)
        out << element.toString();
    return out;
}

QJsonObject jsonObject(const QVariant &jsonText) {
    if (jsonText.isNull())
        return {};
    return QJsonDocument::fromJson(jsonText.toString().toUtf8()).object();
}

QVariant nullableText(const QString &text) {
    return text.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
}

QVariant nullableDateTime(const QDateTime &dt) {
    return dt.isValid() ? QVariant(dt.toUTC()) : QVariant(QMetaType::fromType<QDateTime>());
}

QVariant nullableInt(std::optional<qint64> value) {
    return value ? QVariant(*value) : QVariant(QMetaType::fromType<qint64>());
}

QString jsonText(const QJsonObject &object) {
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QString arrayLiteral(const QStringList &values) {
    QString out = QStringLiteral("{");
    for (qsizetype i = 0; i < values.size(); ++i) {
        if (i)
            out += QLatin1Char(',');
        QString e = values.at(i);
        e.remove(QChar(0));
        e.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
            .replace(QLatin1Char('"'), QStringLiteral("\\\""));
        out += QLatin1Char('"') + e + QLatin1Char('"');
    }
    return out + QLatin1Char('}');
}

} // namespace db::sql
