#include "LabelCatalog.h"

#include <QStringList>

#include <algorithm>

namespace sandbox {

namespace {

const QStringList &systemIds() {
    static const QStringList ids{QStringLiteral("INBOX"),
                                 QStringLiteral("SENT"),
                                 QStringLiteral("DRAFT"),
                                 QStringLiteral("SPAM"),
                                 QStringLiteral("TRASH"),
                                 QStringLiteral("UNREAD"),
                                 QStringLiteral("STARRED"),
                                 QStringLiteral("IMPORTANT"),
                                 QStringLiteral("CHAT"),
                                 QStringLiteral("CATEGORY_PERSONAL"),
                                 QStringLiteral("CATEGORY_SOCIAL"),
                                 QStringLiteral("CATEGORY_PROMOTIONS"),
                                 QStringLiteral("CATEGORY_UPDATES"),
                                 QStringLiteral("CATEGORY_FORUMS")};
    return ids;
}

} // namespace

LabelCatalog::LabelCatalog() {
    define(QStringLiteral("Label_1"), QStringLiteral("Receipts"), QStringLiteral("#ffffff"),
           QStringLiteral("#16a766"));
    define(QStringLiteral("Label_2"), QStringLiteral("Projects"), QStringLiteral("#ffffff"),
           QStringLiteral("#4a86e8"));
    define(QStringLiteral("Label_3"), QStringLiteral("Travel"), {}, {});
}

bool LabelCatalog::isSystem(const QString &id) {
    return systemIds().contains(id);
}

void LabelCatalog::ensure(const QString &id) {
    if (!isSystem(id) && !m_user.contains(id))
        m_user.insert(id, Label{id, id, QStringLiteral("user"), {}, {}});
}

bool LabelCatalog::define(const QString &id, const QString &name, const QString &textColor,
                          const QString &backgroundColor) {
    if (isSystem(id) || id.isEmpty() || name.isEmpty())
        return false;
    m_user.insert(id, Label{id, name, QStringLiteral("user"), textColor, backgroundColor});
    return true;
}

QList<LabelCatalog::Label> LabelCatalog::all() const {
    QList<Label> out;
    for (const QString &id : systemIds())
        out.append(Label{id, id, QStringLiteral("system"), {}, {}});
    QList<Label> user = m_user.values();
    std::sort(user.begin(), user.end(), [](const Label &a, const Label &b) { return a.id < b.id; });
    return out + user;
}

std::optional<LabelCatalog::Label> LabelCatalog::find(const QString &id) const {
    if (isSystem(id))
        return Label{id, id, QStringLiteral("system"), {}, {}};
    const auto it = m_user.constFind(id);
    if (it == m_user.constEnd())
        return std::nullopt;
    return *it;
}

QJsonObject LabelCatalog::toJson(const Label &label) {
    QJsonObject o{{QStringLiteral("id"), label.id},
                  {QStringLiteral("name"), label.name},
                  {QStringLiteral("type"), label.type}};
    if (label.type == QLatin1String("user")) {
        o.insert(QStringLiteral("messageListVisibility"), QStringLiteral("show"));
        o.insert(QStringLiteral("labelListVisibility"), QStringLiteral("labelShow"));
    }
    if (!label.backgroundColor.isEmpty())
        o.insert(QStringLiteral("color"),
                 QJsonObject{{QStringLiteral("textColor"), label.textColor},
                             {QStringLiteral("backgroundColor"), label.backgroundColor}});
    return o;
}

} // namespace sandbox
