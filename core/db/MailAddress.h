#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace db {

// One mailbox of a To/Cc/Bcc header as `emails` stores it (migration 0009): the bare addr-spec in
// lower case (what "mail to this address" looks up) and the display name beside it. The GUI and the
// CLI show display(): "Name <addr>", the name quoted per RFC 5322 §3.2.4 when it holds specials.
struct MailAddress final {
    QString name; // empty when the header gave none
    QString address;

    // Reads what MessageParser writes ("Name <addr>", "\"Doe, John\" <addr>", or a bare addr-spec):
    // the address is the last <…> at the end, the name what precedes it, unquoted. The same rules as
    // the SQL rewrite of migration 0009.
    static MailAddress parse(const QString &formatted);
    static QList<MailAddress> parseList(const QStringList &formatted);
    QString display() const;
    static QStringList displayList(const QList<MailAddress> &addresses);
    // The stored form, element for element: *_addresses and *_names of migration 0009 (a missing name
    // reads as none).
    static QList<MailAddress> fromColumns(const QStringList &addresses, const QStringList &names);
    static QStringList addressesOf(const QList<MailAddress> &list);
    static QStringList namesOf(const QList<MailAddress> &list);
    // parse + display: the form a stored address reads back as (address lower-cased, name re-quoted).
    static QStringList normalized(const QStringList &formatted);

    friend bool operator==(const MailAddress &, const MailAddress &) = default;
};

} // namespace db
