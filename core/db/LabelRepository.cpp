#include "db/LabelRepository.h"

#include "db/SqlValues.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <QVariant>

namespace db {

LabelRepository::LabelRepository(QSqlDatabase db)
    : m_db(std::move(db)) {}

bool LabelRepository::fail(const QString &what, const QSqlQuery &q) {
    m_error = what + QStringLiteral(": ") + Database::describeError(q.lastError());
    return false;
}

bool LabelRepository::replaceAll(const QString &tenantId, const QList<Label> &labels) {
    m_error.clear();
    if (!m_db.transaction()) {
        m_error = QStringLiteral("cannot store the labels of %1: %2")
                      .arg(tenantId, Database::describeError(m_db.lastError()));
        return false;
    }
    QSqlQuery q(m_db);
    q.prepare(
        QStringLiteral("INSERT INTO labels (tenant_id, label_id, name, type, text_color, background_color)"
                       " VALUES (:t, :id, :name, :type, NULLIF(:fg, ''), NULLIF(:bg, ''))"
                       " ON CONFLICT (tenant_id, label_id) DO UPDATE SET name = EXCLUDED.name,"
                       " type = EXCLUDED.type, text_color = EXCLUDED.text_color,"
                       " background_color = EXCLUDED.background_color, updated_at = now()"
                       " WHERE (labels.name, labels.type, labels.text_color, labels.background_color)"
                       " IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.type, EXCLUDED.text_color,"
                       " EXCLUDED.background_color)"));
    QStringList ids;
    for (const Label &l : labels) {
        q.bindValue(QStringLiteral(":t"), tenantId);
        q.bindValue(QStringLiteral(":id"), l.id);
        q.bindValue(QStringLiteral(":name"), l.name);
        q.bindValue(QStringLiteral(":type"), l.type);
        q.bindValue(QStringLiteral(":fg"), l.textColor.isNull() ? QStringLiteral("") : l.textColor);
        q.bindValue(QStringLiteral(":bg"),
                    l.backgroundColor.isNull() ? QStringLiteral("") : l.backgroundColor);
        if (!q.exec()) {
            fail(QStringLiteral("cannot store label %1 of %2").arg(l.id, tenantId), q);
            m_db.rollback();
            return false;
        }
        ids << l.id;
    }
    q.prepare(QStringLiteral(
        "DELETE FROM labels WHERE tenant_id = :t AND NOT (label_id = ANY (CAST(:ids AS text[])))"));
    q.bindValue(QStringLiteral(":t"), tenantId);
    q.bindValue(QStringLiteral(":ids"), sql::arrayLiteral(ids));
    if (!q.exec() || !m_db.commit()) {
        fail(QStringLiteral("cannot remove the deleted labels of %1").arg(tenantId), q);
        m_db.rollback();
        return false;
    }
    return true;
}

std::optional<QList<Label>> LabelRepository::list(const QString &tenantId) {
    m_error.clear();
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(
        QStringLiteral("SELECT label_id, name, type, coalesce(text_color, ''), coalesce(background_color, '')"
                       " FROM labels WHERE tenant_id = :t ORDER BY type DESC, lower(name)"));
    q.bindValue(QStringLiteral(":t"), tenantId);
    if (!q.exec()) {
        fail(QStringLiteral("cannot read the labels of %1").arg(tenantId), q);
        return std::nullopt;
    }
    QList<Label> out;
    while (q.next())
        out.append({q.value(0).toString(), q.value(1).toString(), q.value(2).toString(),
                    q.value(3).toString(), q.value(4).toString()});
    return out;
}

std::optional<QHash<QString, Label>> LabelRepository::byId(const QString &tenantId) {
    const auto all = list(tenantId);
    if (!all)
        return std::nullopt;
    QHash<QString, Label> out;
    for (const Label &l : *all)
        out.insert(l.id, l);
    return out;
}

std::optional<QString> LabelRepository::idForName(const QString &tenantId, const QString &name) {
    m_error.clear();
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT label_id FROM labels WHERE tenant_id = :t AND lower(name) = lower(:n)"
                             " ORDER BY label_id LIMIT 1"));
    q.bindValue(QStringLiteral(":t"), tenantId);
    q.bindValue(QStringLiteral(":n"), name);
    if (!q.exec()) {
        fail(QStringLiteral("cannot look up the label %1").arg(name), q);
        return std::nullopt;
    }
    if (!q.next())
        return std::nullopt;
    return q.value(0).toString();
}

} // namespace db
