#include "ConnectionSettings.h"

#include <QRegularExpression>
#include <QStringList>
#include <QUrl>

namespace db {

namespace {

QString decode(const QString &part) {
    return QUrl::fromPercentEncoding(part.toUtf8());
}

bool fail(QString *error, const QString &message) {
    if (error)
        *error = message;
    return false;
}

bool parsePort(const QString &text, int *port, QString *error) {
    bool ok = false;
    const int value = text.toInt(&ok);
    if (!ok || value < 1 || value > 65535)
        return fail(error,
                    QStringLiteral("invalid port \"%1\" in database URL (expected 1-65535)").arg(text));
    *port = value;
    return true;
}

// libpq conninfo value quoting (libpq-connect §34.1.1): single quotes, backslash escapes.
QString quoteOptionValue(const QString &value) {
    static const QRegularExpression plain(QStringLiteral("^[^\\s'\\\\]+$"));
    if (plain.match(value).hasMatch())
        return value;
    QString quoted = value;
    quoted.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
        .replace(QLatin1Char('\''), QStringLiteral("\\'"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

QString encodeComponent(const QString &text) {
    return QString::fromLatin1(QUrl::toPercentEncoding(text));
}

// What follows postgresql:// or postgres://; a null string when the URL has neither scheme.
QString withoutScheme(const QString &text) {
    for (const QLatin1String scheme : {QLatin1String("postgresql://"), QLatin1String("postgres://")}) {
        if (text.startsWith(scheme, Qt::CaseInsensitive))
            return text.mid(scheme.size());
    }
    return {};
}

// host[:port] or [IPv6][:port] (RFC 3986 §3.2.2).
bool parseHostPort(const QString &hostPort, ConnectionSettings *s, QString *error) {
    QString portText;
    if (hostPort.startsWith(QLatin1Char('['))) {
        const qsizetype close = hostPort.indexOf(QLatin1Char(']'));
        if (close < 0)
            return fail(error, QStringLiteral("unterminated IPv6 address in database URL"));
        s->host = hostPort.mid(1, close - 1);
        const QString after = hostPort.mid(close + 1);
        if (!after.isEmpty()) {
            if (!after.startsWith(QLatin1Char(':')))
                return fail(
                    error,
                    QStringLiteral("unexpected \"%1\" after the IPv6 address in database URL").arg(after));
            portText = after.mid(1);
        }
    } else {
        const qsizetype colon = hostPort.lastIndexOf(QLatin1Char(':'));
        s->host = decode(colon >= 0 ? hostPort.left(colon) : hostPort);
        if (colon >= 0)
            portText = hostPort.mid(colon + 1);
    }
    if (hostPort.contains(QLatin1Char(',')) || s->host.contains(QLatin1Char(',')))
        return fail(error, QStringLiteral("database URL with several hosts is not supported"));
    return portText.isEmpty() || parsePort(portText, &s->port, error);
}

// [user[:password]@]host[:port]
bool parseAuthority(const QString &authority, ConnectionSettings *s, QString *error) {
    QString hostPort = authority;
    if (const qsizetype at = authority.lastIndexOf(QLatin1Char('@')); at >= 0) {
        const QString userInfo = authority.left(at);
        hostPort = authority.mid(at + 1);
        const qsizetype colon = userInfo.indexOf(QLatin1Char(':'));
        s->user = decode(colon >= 0 ? userInfo.left(colon) : userInfo);
        if (colon >= 0)
            s->password = decode(userInfo.mid(colon + 1));
    }
    return parseHostPort(hostPort, s, error);
}

// One key=value of the query: the connection keywords set the fields, the others become QPSQL
// connect options.
bool applyParameter(const QString &key, const QString &value, ConnectionSettings *s, QStringList *options,
                    QString *error) {
    if (key == QLatin1String("host") || key == QLatin1String("hostaddr")) {
        s->host = value;
    } else if (key == QLatin1String("port")) {
        return parsePort(value, &s->port, error);
    } else if (key == QLatin1String("user")) {
        s->user = value;
    } else if (key == QLatin1String("password")) {
        s->password = value;
    } else if (key == QLatin1String("dbname")) {
        s->database = value;
    } else {
        // QPSQL turns ';' into the separator of its connect options, so it cannot be in a value.
        if (value.contains(QLatin1Char(';')))
            return fail(error, QStringLiteral("database URL parameter %1 must not contain ';'").arg(key));
        options->append(key + QLatin1Char('=') + quoteOptionValue(value));
    }
    return true;
}

bool parseQuery(const QString &query, ConnectionSettings *s, QString *error) {
    QStringList options;
    static const QRegularExpression keyword(QStringLiteral("^[a-z_]+$"));
    for (const QString &item : query.split(QLatin1Char('&'), Qt::SkipEmptyParts)) {
        const qsizetype eq = item.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return fail(error,
                        QStringLiteral("invalid query parameter \"%1\" in database URL (expected key=value)")
                            .arg(decode(item.left(eq < 0 ? item.size() : eq))));
        const QString key = decode(item.left(eq));
        if (!keyword.match(key).hasMatch())
            return fail(error, QStringLiteral("invalid query parameter \"%1\" in database URL").arg(key));
        // '+' is not a space in libpq URIs; only percent-encoding is decoded.
        if (!applyParameter(key, decode(item.mid(eq + 1)), s, &options, error))
            return false;
    }
    s->options = options.join(QLatin1Char(';'));
    return true;
}

} // namespace

std::optional<ConnectionSettings> ConnectionSettings::fromUrl(const QString &url, QString *error) {
    QString rest = withoutScheme(url.trimmed());
    if (rest.isNull()) {
        fail(error, QStringLiteral("database URL must start with postgresql:// or postgres:// "
                                   "(e.g. postgresql://user@localhost:5432/gmail_sync)"));
        return std::nullopt;
    }
    ConnectionSettings s;
    QString query;
    if (const qsizetype q = rest.indexOf(QLatin1Char('?')); q >= 0) {
        query = rest.mid(q + 1);
        rest.truncate(q);
    }
    QString authority = rest;
    if (const qsizetype slash = rest.indexOf(QLatin1Char('/')); slash >= 0) {
        authority = rest.left(slash);
        s.database = decode(rest.mid(slash + 1));
        if (s.database.contains(QLatin1Char('/'))) {
            fail(error, QStringLiteral("invalid database name \"%1\" in database URL").arg(s.database));
            return std::nullopt;
        }
    }
    if (!parseAuthority(authority, &s, error) || !parseQuery(query, &s, error))
        return std::nullopt;
    if (s.host.contains(QLatin1Char(',')) || s.host.contains(QLatin1Char(' '))) {
        fail(error, QStringLiteral("invalid host \"%1\" in database URL").arg(s.host));
        return std::nullopt;
    }
    return s;
}

QString ConnectionSettings::connectOptions() const {
    // libpq-connect §34.1.2 (parameter key words).
    static const std::pair<const char *, const char *> kDefaults[] = {
        {"connect_timeout", "5"},     {"keepalives", "1"},       {"keepalives_idle", "10"},
        {"keepalives_interval", "5"}, {"keepalives_count", "3"}, {"tcp_user_timeout", "30000"},
    };
    QStringList out = options.split(QLatin1Char(';'), Qt::SkipEmptyParts);
    for (const auto &[key, value] : kDefaults) {
        const QString keyword = QString::fromLatin1(key);
        if (!hasOption(keyword))
            out.append(keyword + QLatin1Char('=') + QString::fromLatin1(value));
    }
    return out.join(QLatin1Char(';'));
}

bool ConnectionSettings::hasOption(const QString &keyword) const {
    for (const QString &option : options.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        const QString key = option.section(QLatin1Char('='), 0, 0).trimmed();
        if (key == keyword)
            return true;
        // options='-c statement_timeout=…' sets server settings at connection start.
        if (key == QLatin1String("options") && option.section(QLatin1Char('='), 1).contains(keyword))
            return true;
    }
    return false;
}

QString ConnectionSettings::redactedUrl() const {
    QString url = QStringLiteral("postgresql://");
    if (!user.isEmpty() || !password.isEmpty()) {
        url += encodeComponent(user);
        if (!password.isEmpty())
            url += QStringLiteral(":***");
        url += QLatin1Char('@');
    }
    QStringList query;
    if (isUnixSocket()) {
        query.append(QStringLiteral("host=") + encodeComponent(host));
    } else if (host.contains(QLatin1Char(':'))) {
        url += QLatin1Char('[') + host + QLatin1Char(']');
    } else {
        url += encodeComponent(host);
    }
    if (port != 5432) {
        if (isUnixSocket() || host.isEmpty())
            query.append(QStringLiteral("port=") + QString::number(port));
        else
            url += QLatin1Char(':') + QString::number(port);
    }
    url += QLatin1Char('/') + encodeComponent(database);
    for (const QString &option : options.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        const QString key = option.section(QLatin1Char('='), 0, 0);
        query.append(key.contains(QLatin1String("password")) ? key + QStringLiteral("=***") : option);
    }
    if (!query.isEmpty())
        url += QLatin1Char('?') + query.join(QLatin1Char('&'));
    return url;
}

} // namespace db
