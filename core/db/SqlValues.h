#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <optional>

// Conversions between Qt values and the PostgreSQL column types every repository reads and binds, so
// each repository does not grow its own: NULL ↔ empty/invalid/nullopt, timestamptz ↔ UTC QDateTime,
// text[] ↔ QStringList, jsonb ↔ QJsonObject. QPSQL hands arrays over as unparsed literals, so reads
// select them as JSON text (array_to_json(col)::text) and parse that.
namespace db::sql {

// --- reading a column (QSqlQuery::value) ---
std::optional<qint64> optionalInt(const QVariant &value);
std::optional<int> optionalInt32(const QVariant &value);
QDateTime dateTime(const QVariant &value);              // NULL → invalid; otherwise in UTC
QString text(const QVariant &value);                    // NULL → null QString (not just empty)
QStringList stringArray(const QVariant &jsonArrayText); // array_to_json(text[])::text
QJsonObject jsonObject(const QVariant &jsonText);       // jsonb::text; NULL or not an object → {}

// --- binding a value ---
QVariant nullableText(const QString &text);     // empty → NULL
QVariant nullableDateTime(const QDateTime &dt); // invalid → NULL; otherwise in UTC
QVariant nullableInt(std::optional<qint64> value);
QString jsonText(const QJsonObject &object); // compact, for CAST(:x AS jsonb)
// text[] input syntax (PostgreSQL docs 8.15.2): every element double-quoted, \ and " escaped, NUL
// dropped. Bind as text and CAST(:x AS text[]).
QString arrayLiteral(const QStringList &values);

} // namespace db::sql
