#include "EmailsCommand.h"

#include "CliContext.h"
#include "JsonFormat.h"
#include "db/Database.h"
#include "db/EmailRepository.h"
#include "db/Tenant.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace cli {

int EmailsCommand::run(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    const QCommandLineOption thread(QStringLiteral("thread"), QStringLiteral("Only this Gmail thread."),
                                    QStringLiteral("thread-id"));
    const QCommandLineOption limit(QStringLiteral("limit"), QStringLiteral("At most N emails (default 50)."),
                                   QStringLiteral("N"), QStringLiteral("50"));
    const QCommandLineOption address(QStringLiteral("address"),
                                     QStringLiteral("Only mail from, to, cc or bcc this address."),
                                     QStringLiteral("addr"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print a JSON array."));
    parser.addOptions({thread, address, limit, json});
    db::Tenant tenant;
    if (const int rc = parseForExistingTenant(context, parser, args, &tenant); rc >= 0)
        return rc;
    bool ok = false;
    const int n = parser.value(limit).toInt(&ok);
    if (!ok || n <= 0 || n > 100000)
        return context.usageError(QStringLiteral("--limit must be a number from 1 to 100000"), usage());
    if (parser.isSet(thread) && parser.isSet(address))
        return context.usageError(QStringLiteral("--thread and --address exclude each other"), usage());
    const QString tenantId = tenant.id;
    db::EmailRepository emails(db::Database::connection());
    const auto rows = parser.isSet(address) ? emails.listByAddress(tenantId, parser.value(address), n)
                                            : emails.list(tenantId, parser.value(thread), n);
    if (!rows)
        return context.fail(emails.errorString());

    if (parser.isSet(json)) {
        QJsonArray array;
        for (const db::EmailRecord &r : *rows)
            array.append(JsonFormat::email(r));
        context.out() << QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Indented));
        context.out().flush();
        return ExitSuccess;
    }
    QTextStream &out = context.out();
    for (const db::EmailRecord &r : *rows) {
        const QString from = JsonFormat::sender(r);
        out << JsonFormat::isoDateTime(JsonFormat::emailDate(r)) << "  " << r.gmailMessageId << "  " << from
            << "  " << (r.subject.isEmpty() ? QStringLiteral("(no subject)") : r.subject) << "\n";
    }
    if (rows->isEmpty())
        out << "no emails stored for " << tenantId << " (run: gmail-sync sync " << tenantId
            << " --initial)\n";
    out.flush();
    return ExitSuccess;
}

} // namespace cli

GSA_REGISTER_COMMAND(cli::EmailsCommand)
