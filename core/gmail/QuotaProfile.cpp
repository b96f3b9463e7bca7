#include "gmail/QuotaProfile.h"

#include "log/LogEvent.h"

#include <QRegularExpression>

namespace gmail {

namespace {

// developers.google.com/workspace/gmail/api/reference/quota, "Per-method quota usage", as published
// before May 1, 2026. users.stop is not in today's table; the older table listed 50.
QHash<QString, int> legacyCosts() {
    return {{QStringLiteral("getProfile"), 1},
            {QStringLiteral("history.list"), 2},
            {QStringLiteral("labels.get"), 1},
            {QStringLiteral("labels.list"), 1},
            {QStringLiteral("messages.list"), 5},
            {QStringLiteral("messages.get"), 5},
            {QStringLiteral("messages.attachments.get"), 5},
            {QStringLiteral("messages.modify"), 5},
            {QStringLiteral("messages.batchModify"), 50},
            {QStringLiteral("messages.trash"), 5},
            {QStringLiteral("drafts.get"), 5},
            {QStringLiteral("threads.get"), 10},
            {QStringLiteral("threads.list"), 10},
            {QStringLiteral("watch"), 100},
            {QStringLiteral("stop"), 50}};
}

// The same page after May 1, 2026: messages.get, messages.attachments.get, drafts.get and
// messages.trash went to 20; threads.get to 40 (Nylas, "Gmail API quotas and limits in 2026").
// Everything else is unchanged.
QHash<QString, int> costs2026() {
    QHash<QString, int> c = legacyCosts();
    c.insert(QStringLiteral("messages.get"), 20);
    c.insert(QStringLiteral("messages.attachments.get"), 20);
    c.insert(QStringLiteral("drafts.get"), 20);
    c.insert(QStringLiteral("messages.trash"), 20);
    c.insert(QStringLiteral("threads.get"), 40);
    return c;
}

std::optional<double> positiveNumber(const QString &text, const char *what, QString *error) {
    bool ok = false;
    const double v = text.trimmed().toDouble(&ok);
    if (!ok || v <= 0) {
        if (error)
            *error =
                QStringLiteral("%1 must be a positive number, not \"%2\"").arg(QLatin1String(what), text);
        return std::nullopt;
    }
    return v;
}

} // namespace

int QuotaProfile::cost(const QString &method) const {
    return costs.value(method, 5);
}

std::optional<QuotaProfile> QuotaProfile::fromName(const QString &name, QString *error) {
    const QString n = name.trimmed().toLower();
    QuotaProfile p;
    if (n == Legacy) {
        p.name = Legacy;
        p.userUnitsPerMinute = 15000; // 250/s, "moving average (allows short bursts)"
        p.projectUnitsPerMinute = 1200000;
        p.costs = legacyCosts();
        return p;
    }
    if (n == Current) {
        p.name = Current;
        p.userUnitsPerMinute = 6000; // 100/s
        p.projectUnitsPerMinute = 1200000;
        p.costs = costs2026();
        return p;
    }
    if (error)
        *error = QStringLiteral("unknown quota profile \"%1\" (known: %2)")
                     .arg(name, names().join(QStringLiteral(", ")));
    return std::nullopt;
}

std::optional<QuotaProfile> QuotaProfile::resolve(const QString &name, double userPerMinute,
                                                  double projectPerMinute, const QString &costs,
                                                  QString *error) {
    auto p = fromName(name.trimmed().isEmpty() ? defaultName() : name, error);
    if (!p)
        return std::nullopt;
    if (userPerMinute > 0)
        p->userUnitsPerMinute = userPerMinute;
    if (projectPerMinute > 0)
        p->projectUnitsPerMinute = projectPerMinute;
    static const QRegularExpression item(
        QStringLiteral("^\\s*([A-Za-z][A-Za-z.]*)\\s*[=:]\\s*(\\d{1,6})\\s*$"));
    for (const QString &part : costs.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const auto m = item.match(part);
        if (!m.hasMatch() || m.captured(2).toInt() < 1) {
            if (error)
                *error = QStringLiteral("quota cost \"%1\" is not method=units (e.g. messages.get=20)")
                             .arg(part.trimmed());
            return std::nullopt;
        }
        QString method = m.captured(1);
        if (method.startsWith(QLatin1String("users.")))
            method = method.mid(6); // "users.messages.get" as in the REST reference
        p->costs.insert(method, m.captured(2).toInt());
    }
    if (!costs.trimmed().isEmpty() || userPerMinute > 0 || projectPerMinute > 0)
        p->name += QStringLiteral("+overrides");
    return p;
}

std::optional<QuotaProfile> QuotaProfile::fromEnvironment(QString *error) {
    double user = 0;
    double project = 0;
    const QString userText = qEnvironmentVariable("GMAIL_SYNC_QUOTA_USER_PER_MINUTE");
    if (!userText.trimmed().isEmpty()) {
        const auto v = positiveNumber(userText, "GMAIL_SYNC_QUOTA_USER_PER_MINUTE", error);
        if (!v)
            return std::nullopt;
        user = *v;
    }
    const QString projectText = qEnvironmentVariable("GMAIL_SYNC_QUOTA_PROJECT_PER_MINUTE");
    if (!projectText.trimmed().isEmpty()) {
        const auto v = positiveNumber(projectText, "GMAIL_SYNC_QUOTA_PROJECT_PER_MINUTE", error);
        if (!v)
            return std::nullopt;
        project = *v;
    }
    QString why;
    auto p = resolve(qEnvironmentVariable("GMAIL_SYNC_QUOTA_PROFILE"), user, project,
                     qEnvironmentVariable("GMAIL_SYNC_QUOTA_COSTS"), &why);
    if (!p && error)
        *error = QStringLiteral("GMAIL_SYNC_QUOTA_*: %1").arg(why);
    return p;
}

QuotaProfile QuotaProfile::fromEnvironmentOrDefault() {
    QString error;
    if (auto p = fromEnvironment(&error))
        return *p;
    // The stricter regime is the safe side of a typo: slower, never a storm of rateLimitExceeded.
    logging::LogEvent(logging::Level::Error, "invalid quota configuration: using the default profile")
        .step(defaultName())
        .error(error)
        .write();
    return *fromName(defaultName());
}

QString QuotaProfile::describe() const {
    return QStringLiteral("%1: %2 units/user/min, %3 units/project/min, messages.get %4")
        .arg(name)
        .arg(userUnitsPerMinute, 0, 'f', 0)
        .arg(projectUnitsPerMinute, 0, 'f', 0)
        .arg(cost(QStringLiteral("messages.get")));
}

} // namespace gmail
