#pragma once

#include <QHash>
#include <QString>
#include <QStringList>

#include <optional>

namespace gmail {

// Gmail's usage limits and per-method costs as one named configuration
// (developers.google.com/workspace/gmail/api/reference/quota). Google changed them on May 1, 2026:
// Cloud projects that used the API between November 2025 and April 2026 keep the previous regime
// ("legacy"), projects created later get the new one ("2026"). Which one applies is a property of
// the deployment's Cloud project, not of the code: it is configuration, with overrides for granted
// quota increases and for a cost table that changes again.
struct QuotaProfile {
    static inline const QString Legacy = QStringLiteral("legacy");
    static inline const QString Current = QStringLiteral("2026");

    QString name;                           // "legacy", "2026"
    double userUnitsPerMinute = 6000;       // per user per project ("userRateLimitExceeded")
    double projectUnitsPerMinute = 1200000; // per project ("rateLimitExceeded"); 0: not enforced here
    QHash<QString, int> costs;              // Google's method names: "messages.get", "history.list", …

    double userUnitsPerSecond() const { return userUnitsPerMinute / 60.0; }
    // The method's units; a method not in the table costs 5 (the table's most common value).
    int cost(const QString &method) const;

    // The stricter regime: what a deployment gets unless it says otherwise.
    static QString defaultName() { return Current; }
    static QStringList names() { return {Current, Legacy}; }
    // nullopt (and *error) for an unknown name.
    static std::optional<QuotaProfile> fromName(const QString &name, QString *error = nullptr);

    // A profile with overrides: userPerMinute/projectPerMinute > 0 replace the profile's limits,
    // `costs` is "method=units[,method=units…]" ("messages.get=20,threads.get=40"). nullopt and
    // *error (naming the bad part) when anything is invalid.
    static std::optional<QuotaProfile> resolve(const QString &name, double userPerMinute,
                                               double projectPerMinute, const QString &costs, QString *error);

    // GMAIL_SYNC_QUOTA_PROFILE (default: defaultName()), GMAIL_SYNC_QUOTA_USER_PER_MINUTE,
    // GMAIL_SYNC_QUOTA_PROJECT_PER_MINUTE, GMAIL_SYNC_QUOTA_COSTS.
    static std::optional<QuotaProfile> fromEnvironment(QString *error);
    // fromEnvironment(), or on a bad value the default profile (the stricter one) and an error log.
    static QuotaProfile fromEnvironmentOrDefault();

    // "2026: 6000 units/user/min, 1200000/project/min, messages.get 20" (for logs and the GUI).
    QString describe() const;
};

} // namespace gmail
