#include "TenantAddCommand.h"

#include "CliContext.h"
#include "db/TenantRepository.h"

namespace cli {

int TenantAddCommand::run(CliContext &context, const QStringList &args) {
    QCommandLineParser parser;
    const QCommandLineOption email(QStringLiteral("email"), QStringLiteral("The mailbox's Gmail address."),
                                   QStringLiteral("address"));
    const QCommandLineOption displayName(QStringLiteral("name"), QStringLiteral("A display name."),
                                         QStringLiteral("text"));
    parser.addOption(email);
    parser.addOption(displayName);
    if (const int rc = parse(context, parser, args, 1, 1); rc >= 0)
        return rc;
    if (!parser.isSet(email))
        return context.usageError(QStringLiteral("--email is required"), usage());

    db::Tenant tenant;
    tenant.id = parser.positionalArguments().constFirst();
    tenant.gmailAddress = parser.value(email);
    tenant.displayName = parser.value(displayName);
    // Checked before connecting, so a typo does not wait for (or start) a database.
    QString error;
    if (!db::TenantRepository::validate(tenant, &error))
        return context.fail(error);
    if (!context.openDatabase(&error))
        return context.fail(error);
    db::TenantRepository tenants;
    if (!tenants.add(tenant))
        return context.fail(tenants.errorString());
    context.out() << "added tenant " << tenant.id << " <" << tenant.gmailAddress.trimmed() << ">" << Qt::endl;
    return ExitSuccess;
}

} // namespace cli

GSA_REGISTER_COMMAND(cli::TenantAddCommand)
