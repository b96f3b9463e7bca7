#include "log/Redactor.h"

#include <QRegularExpression>

namespace logging {

QString Redactor::scrub(const QString &text) {
    // Patterns compiled once; QRegularExpression is safe to use from several threads.
    static const QRegularExpression bearer(QStringLiteral(R"((?i)(bearer|basic)\s+[A-Za-z0-9._~+/=-]+)"));
    static const QRegularExpression tokenField(QStringLiteral(
        R"re((?i)("?(access_token|refresh_token|id_token|client_secret|private_key|password|assertion)"?\s*[=:]\s*"?)[^"&\s,}]+)re"));
    static const QRegularExpression urlPassword(QStringLiteral(R"((://[^/:@\s]+):[^@/\s]+@)"));
    // Long unbroken base64/base64url/hex runs are tokens, keys or message bodies: never useful in a log.
    static const QRegularExpression opaque(QStringLiteral(R"([A-Za-z0-9+/_=-]{48,})"));

    QString out = text.left(MaxLength * 4);
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
