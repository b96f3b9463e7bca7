#pragma once

#include "db/Database.h"
#include "db/Label.h"

#include <QHash>
#include <QList>
#include <QSqlDatabase>

#include <optional>

class QSqlQuery;

namespace db {

// All SQL of `labels`.
class LabelRepository final {
public:
    explicit LabelRepository(QSqlDatabase db = Database::connection());

    // Makes the tenant's labels exactly `labels` (upserts them, deletes the others) in one transaction.
    Q_REQUIRED_RESULT bool replaceAll(const QString &tenantId, const QList<Label> &labels);
    std::optional<QList<Label>> list(const QString &tenantId); // user labels first, then system; by name
    // id → label, for showing names (an id missing here is shown as its id).
    std::optional<QHash<QString, Label>> byId(const QString &tenantId);
    // The id of the label called `name` (case-insensitive), e.g. for `label:Receipts`; nullopt when none.
    std::optional<QString> idForName(const QString &tenantId, const QString &name);

    QString errorString() const { return m_error; }

private:
    bool fail(const QString &what, const QSqlQuery &q);

    QSqlDatabase m_db;
    QString m_error;
};

} // namespace db
