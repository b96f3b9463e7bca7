#pragma once

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace sandbox {

// A mailbox's labels as users.labels.list / labels.get describe them
// (developers.google.com/gmail/api/reference/rest/v1/users.labels): the system labels, and user labels
// with ids "Label_N", a name and optional colours. A user label id that a message carries before anyone
// defined it gets a name of its own (the generator's Label_1..3 are Receipts, Projects, Travel).
// Not thread-safe: Mailbox calls it under its lock.
class LabelCatalog final {
public:
    struct Label {
        QString id;
        QString name;
        QString type; // system | user
        QString textColor;
        QString backgroundColor;
    };

    LabelCatalog();

    static bool isSystem(const QString &id);
    void ensure(const QString &id); // a user label id seen on a message
    // Creates or renames a user label; false for a system label id.
    bool define(const QString &id, const QString &name, const QString &textColor,
                const QString &backgroundColor);
    QList<Label> all() const; // system first, then user labels by id
    std::optional<Label> find(const QString &id) const;

    static QJsonObject toJson(const Label &label);

private:
    QHash<QString, Label> m_user;
};

} // namespace sandbox
