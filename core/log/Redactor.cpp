#include "log/Redactor.h"

#include <QReadWriteLock>
#include <QRegularExpression>
#include <QSet>
#include <QStringList>

namespace logging {

namespace {

struct SecretRegistry {
    QReadWriteLock lock;
    QSet<QString> values;
    QStringList order; // oldest first, to drop the oldest beyond MaxSecrets
};

SecretRegistry &registry() {
    static SecretRegistry r;
    return r;
}

} // namespace

void Redactor::registerSecret(const QString &value) {
    if (value.size() < MinSecretLength)
        return;
    SecretRegistry &r = registry();
    {
        QReadLocker read(&r.lock);
        if (r.values.contains(value))
            return;
    }
    QWriteLocker write(&r.lock);
    if (r.values.contains(value))
        return;
    r.values.insert(value);
    r.order.append(value);
    while (r.order.size() > MaxSecrets)
        r.values.remove(r.order.takeFirst());
}

QString Redactor::scrub(const QString &text) {
    // Patterns compiled once; QRegularExpression is safe to use from several threads.
    static const QRegularExpression bearer(QStringLiteral(R"((?i)(bearer|basic)\s+[A-Za-z0-9._~+/=-]+)"));
    // Field names as JSON, form and query strings spell them: snake_case (OAuth wire format, Google's
    // key files) and camelCase (our own JSON, Qt-style names), any case.
    static const QRegularExpression tokenField(QStringLiteral(
        R"re((?i)("?(access_?token|refresh_?token|id_?token|client_?secret|private_?key|private_?key_?id|)re"
        R"re(api_?key|password|passwd|assertion|secret|code_?verifier|master_?key)"?\s*[=:]\s*"?)[^"&\s,}]+)re"));
    static const QRegularExpression urlPassword(QStringLiteral(R"((://[^/:@\s]+):[^@/\s]+@)"));
    // Long unbroken base64/base64url/hex runs are tokens, keys or message bodies: never useful in a log.
    static const QRegularExpression opaque(QStringLiteral(R"([A-Za-z0-9+/_=-]{48,})"));

    QString out = text.left(MaxLength * 4);
    {
        // Values first: a registered secret is found whatever surrounds it.
        SecretRegistry &r = registry();
        QReadLocker read(&r.lock);
        for (const QString &secret : std::as_const(r.order)) {
            if (out.contains(secret))
                out.replace(secret, QStringLiteral("[redacted]"));
        }
    }
    out.replace(bearer, QStringLiteral("\\1 [redacted]"));
    out.replace(tokenField, QStringLiteral("\\1[redacted]"));
    out.replace(urlPassword, QStringLiteral("\\1:[redacted]@"));
    out.replace(opaque, QStringLiteral("[redacted]"));
    out.replace(QLatin1Char('\n'), QLatin1Char(' ')).replace(QLatin1Char('\r'), QLatin1Char(' '));
    if (out.size() > MaxLength)
        out = out.left(MaxLength) + QStringLiteral("…");
    return out;
}

} // namespace logging
