#include "TenantListCommand.h"

#include "CliContext.h"
#include "JsonFormat.h"
#include "db/TenantRepository.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace cli {

namespace {

QJsonObject toJson(const db::TenantOverview &s) {
    const db::Tenant &t = s;
    QJsonObject o;
    o.insert(QStringLiteral("tenantId"), t.id);
    o.insert(QStringLiteral("name"), t.displayName);
    o.insert(QStringLiteral("email"), t.gmailAddress);
    // historyId is an unsigned 64-bit number in the Gmail API, sent as a string there too.
    o.insert(QStringLiteral("historyId"),
             t.historyId ? QJsonValue(QString::number(*t.historyId)) : QJsonValue(QJsonValue::Null));
    o.insert(QStringLiteral("emailCount"), s.emailCount);
    o.insert(QStringLiteral("syncInProgress"), s.syncInProgress);
    o.insert(QStringLiteral("lockedBy"), JsonFormat::text(t.syncLockedBy));
    o.insert(QStringLiteral("lockedSince"), JsonFormat::dateTime(t.syncLockedAt));
    o.insert(QStringLiteral("lastSyncAt"), JsonFormat::dateTime(t.lastSyncAt));
    o.insert(QStringLiteral("createdAt"), JsonFormat::dateTime(t.createdAt));
    return o;
}

QString age(qint64 seconds) {
    if (seconds < 120)
        return QStringLiteral("%1 s").arg(seconds);
    if (seconds < 7200)
        return QStringLiteral("%1 min").arg(seconds / 60);
    return QStringLiteral("%1 h").arg(seconds / 3600);
}

} // namespace

int TenantListCommand::run(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print a JSON array."));
    parser.addOption(json);
    if (const int rc = parse(context, parser, args); rc >= 0)
        return rc;

    QString error;
    if (!context.openDatabase(&error))
        return context.fail(error);
    db::TenantRepository tenants;
    const auto list = tenants.overviews();
    if (!list)
        return context.fail(tenants.errorString());

    if (parser.isSet(json)) {
        QJsonArray array;
        for (const db::TenantOverview &s : *list)
            array.append(toJson(s));
        context.out() << QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Indented));
        context.out().flush();
        return ExitSuccess;
    }

    if (list->isEmpty()) {
        context.out() << "no tenants (add one with: gmail-sync tenant add <tenant-id> --email <address>)"
                      << Qt::endl;
        return ExitSuccess;
    }
    const QStringList header{QStringLiteral("TENANT"), QStringLiteral("EMAIL"),     QStringLiteral("NAME"),
                             QStringLiteral("EMAILS"), QStringLiteral("LAST SYNC"), QStringLiteral("SYNC")};
    QList<QStringList> rows{header};
    for (const db::TenantOverview &s : *list) {
        const db::Tenant &t = s;
        QString sync = QStringLiteral("-");
        if (!t.syncLockedBy.isEmpty())
            sync = (s.syncInProgress ? QStringLiteral("running: ") : QStringLiteral("stale lock: ")) +
                   t.syncLockedBy + QStringLiteral(" for ") + age(s.lockAgeSeconds);
        rows.append(
            {t.id, t.gmailAddress, t.displayName.isEmpty() ? QStringLiteral("-") : t.displayName,
             QString::number(s.emailCount),
             t.lastSyncAt.isValid()
                 ? JsonFormat::isoDateTime(t.lastSyncAt).left(19).replace(QLatin1Char('T'), QLatin1Char(' '))
                 : QStringLiteral("never"),
             sync});
    }
    QList<qsizetype> widths(header.size(), 0);
    for (const QStringList &row : rows)
        for (qsizetype i = 0; i < row.size(); ++i)
            widths[i] = qMax(widths[i], row.at(i).size());
    for (const QStringList &row : rows) {
        QString line;
        for (qsizetype i = 0; i < row.size(); ++i)
            line += i + 1 < row.size() ? row.at(i).leftJustified(widths[i] + 2) : row.at(i);
        context.out() << line << '\n';
    }
    context.out().flush();
    return ExitSuccess;
}

} // namespace cli

GSA_REGISTER_COMMAND(cli::TenantListCommand)
