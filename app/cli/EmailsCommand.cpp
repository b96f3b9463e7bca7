#include "EmailsCommand.h"

#include "CliContext.h"
#include "JsonFormat.h"
#include "db/EmailRepository.h"
#include "db/TenantRepository.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace cli {

namespace {

QJsonValue textOrNull(const QString &s) {
    return s.isNull() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}

QJsonObject emailJson(const db::EmailRecord &r) {
    return QJsonObject{{QStringLiteral("gmailMessageId"), r.gmailMessageId},
                       {QStringLiteral("threadId"), r.threadId},
                       {QStringLiteral("subject"), textOrNull(r.subject)},
                       {QStringLiteral("fromName"), textOrNull(r.fromName)},
                       {QStringLiteral("fromAddress"), textOrNull(r.fromAddress)},
                       {QStringLiteral("to"), QJsonArray::fromStringList(r.to)},
                       {QStringLiteral("cc"), QJsonArray::fromStringList(r.cc)},
                       {QStringLiteral("bcc"), QJsonArray::fromStringList(r.bcc)},
                       {QStringLiteral("date"), JsonFormat::dateTime(r.internalDate)},
                       {QStringLiteral("labels"), QJsonArray::fromStringList(r.labels)},
                       {QStringLiteral("snippet"), textOrNull(r.snippet)},
                       {QStringLiteral("bodyHtml"), textOrNull(r.bodyHtml)},
                       {QStringLiteral("bodyText"), textOrNull(r.bodyText)},
                       {QStringLiteral("priority"), r.priority},
                       {QStringLiteral("attachments"), QJsonDocument::fromJson(r.attachmentsJson).array()}};
}

} // namespace

int EmailsCommand::run(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    const QCommandLineOption thread(QStringLiteral("thread"), QStringLiteral("Only this Gmail thread."),
                                    QStringLiteral("thread-id"));
    const QCommandLineOption limit(QStringLiteral("limit"), QStringLiteral("At most N emails (default 50)."),
                                   QStringLiteral("N"), QStringLiteral("50"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print a JSON array."));
    parser.addOptions({thread, limit, json});
    if (const int rc = parse(context, parser, args, 1, 1); rc >= 0)
        return rc;
    bool ok = false;
    const int n = parser.value(limit).toInt(&ok);
    if (!ok || n <= 0 || n > 100000)
        return context.usageError(QStringLiteral("--limit must be a number from 1 to 100000"), usage());
    const QString tenantId = parser.positionalArguments().constFirst();
    QString error;
    if (!context.openDatabase(&error))
        return context.fail(error);
    QSqlDatabase conn = db::Database::connection();
    db::TenantRepository tenants(conn);
    if (!tenants.find(tenantId))
        return context.failTenant(tenants, tenantId);
    db::EmailRepository emails(conn);
    const auto rows = emails.list(tenantId, parser.value(thread), n);
    if (!rows)
        return context.fail(emails.errorString());

    if (parser.isSet(json)) {
        QJsonArray array;
        for (const db::EmailRecord &r : *rows)
            array.append(emailJson(r));
        context.out() << QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Indented));
        context.out().flush();
        return ExitSuccess;
    }
    QTextStream &out = context.out();
    for (const db::EmailRecord &r : *rows) {
        const QString from = r.fromName.isEmpty()
                                 ? r.fromAddress
                                 : r.fromName + QStringLiteral(" <") + r.fromAddress + QLatin1Char('>');
        out << JsonFormat::isoDateTime(r.internalDate) << "  " << r.gmailMessageId << "  " << from << "  "
            << (r.subject.isEmpty() ? QStringLiteral("(no subject)") : r.subject) << "\n";
    }
    if (rows->isEmpty())
        out << "no emails stored for " << tenantId << " (run: gmail-sync sync " << tenantId
            << " --initial)\n";
    out.flush();
    return ExitSuccess;
}

} // namespace cli

GSA_REGISTER_COMMAND(cli::EmailsCommand)
