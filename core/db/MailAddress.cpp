#include "db/MailAddress.h"

#include <QRegularExpression>

namespace db {

namespace {

// A quoted-string (RFC 5322 §3.2.4) loses its quotes and backslash escapes.
QString unquote(const QString &name) {
    if (name.size() < 2 || !name.startsWith(QLatin1Char('"')) || !name.endsWith(QLatin1Char('"')))
        return name;
    QString out;
    const QStringView inner = QStringView(name).mid(1, name.size() - 2);
    for (qsizetype i = 0; i < inner.size(); ++i) {
        if (inner.at(i) == QLatin1Char('\\') && i + 1 < inner.size())
            ++i;
        out += inner.at(i);
    }
    return out;
}

// RFC 5322 §3.2.3 specials: a name holding one must be a quoted-string.
bool needsQuotes(const QString &name) {
    static const QString specials = QStringLiteral("()<>[]:;@\\,.\"");
    for (const QChar c : name) {
        if (specials.contains(c))
            return true;
    }
    return false;
}

} // namespace

MailAddress MailAddress::parse(const QString &formatted) {
    // Greedy prefix: the address is the last <…> that ends the string, so a quoted name may itself
    // hold angle brackets ("\"A <b>\" <c@d>").
    static const QRegularExpression angle(QStringLiteral("^(.*)<([^<>]*)>\\s*$"),
                                          QRegularExpression::DotMatchesEverythingOption);
    const QRegularExpressionMatch m = angle.match(formatted);
    if (!m.hasMatch())
        return {QString(), formatted.trimmed().toLower()};
    return {unquote(m.captured(1).trimmed()), m.captured(2).trimmed().toLower()};
}

QList<MailAddress> MailAddress::parseList(const QStringList &formatted) {
    QList<MailAddress> out;
    out.reserve(formatted.size());
    for (const QString &f : formatted)
        out.append(parse(f));
    return out;
}

QString MailAddress::display() const {
    if (name.isEmpty())
        return address;
    if (!needsQuotes(name))
        return name + QStringLiteral(" <") + address + QLatin1Char('>');
    QString quoted = name;
    quoted.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
        .replace(QLatin1Char('"'), QStringLiteral("\\\""));
    return QLatin1Char('"') + quoted + QStringLiteral("\" <") + address + QLatin1Char('>');
}

QStringList MailAddress::displayList(const QList<MailAddress> &addresses) {
    QStringList out;
    out.reserve(addresses.size());
    for (const MailAddress &a : addresses)
        out.append(a.display());
    return out;
}

QList<MailAddress> MailAddress::fromColumns(const QStringList &addresses, const QStringList &names) {
    QList<MailAddress> out;
    out.reserve(addresses.size());
    for (qsizetype i = 0; i < addresses.size(); ++i)
        out.append({names.value(i), addresses.at(i)});
    return out;
}

QStringList MailAddress::addressesOf(const QList<MailAddress> &list) {
    QStringList out;
    out.reserve(list.size());
    for (const MailAddress &a : list)
        out.append(a.address);
    return out;
}

QStringList MailAddress::namesOf(const QList<MailAddress> &list) {
    QStringList out;
    out.reserve(list.size());
    for (const MailAddress &a : list)
        out.append(a.name);
    return out;
}

QStringList MailAddress::normalized(const QStringList &formatted) {
    return displayList(parseList(formatted));
}

} // namespace db
