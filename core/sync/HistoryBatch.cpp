#include "sync/HistoryBatch.h"

namespace syncengine {

void HistoryBatch::apply(const HistoryChange &change) {
    ++m_records;
    const QString &id = change.messageId;
    switch (change.type) {
    case HistoryChange::Type::MessageAdded:
        if (!m_addedSet.contains(id) && !m_deletedSet.contains(id)) {
            m_addedSet.insert(id);
            m_added.append(id);
        }
        break;
    case HistoryChange::Type::MessageDeleted:
        if (!m_deletedSet.contains(id)) {
            m_deletedSet.insert(id);
            m_deleted.append(id);
        }
        break;
    case HistoryChange::Type::LabelsAdded:
    case HistoryChange::Type::LabelsRemoved: {
        if (!m_labels.contains(id))
            m_labelOrder.append(id);
        Delta &d = m_labels[id];
        for (const QString &label : change.labelIds) {
            if (change.type == HistoryChange::Type::LabelsAdded) {
                d.add.insert(label);
                d.remove.remove(label);
            } else {
                d.remove.insert(label);
                d.add.remove(label);
            }
        }
        break;
    }
    }
}

QStringList HistoryBatch::addedIds() const {
    QStringList out;
    for (const QString &id : m_added) {
        if (!m_deletedSet.contains(id))
            out.append(id);
    }
    return out;
}

QStringList HistoryBatch::deletedIds() const {
    return m_deleted;
}

QList<db::LabelChange> HistoryBatch::labelChanges() const {
    QList<db::LabelChange> out;
    for (const QString &id : m_labelOrder) {
        if (m_deletedSet.contains(id))
            continue;
        const Delta &d = m_labels[id];
        if (d.add.isEmpty() && d.remove.isEmpty())
            continue;
        QStringList add(d.add.cbegin(), d.add.cend());
        QStringList remove(d.remove.cbegin(), d.remove.cend());
        add.sort();
        remove.sort();
        out.append(db::LabelChange{id, add, remove});
    }
    return out;
}

} // namespace syncengine
