#pragma once

#include "Command.h"

namespace cli {

// `gmail-sync emails <tenant-id> [--thread <thread-id> | --address <addr>] [--limit N] [--json]`, newest
// first. JSON: an array of {"gmailMessageId","threadId","subject","fromName","fromAddress","to","cc","bcc",
// "date","labels","snippet","bodyHtml","bodyText","priority","attachments"} (JsonFormat::email); to/cc/bcc
// hold "Name <addr>" or a bare addr, the address in lower case since migration 0009. Order: Gmail's
// internalDate, newest first, as Gmail lists them.
class EmailsCommand final : public Command {
public:
    QString name() const override { return QStringLiteral("emails"); }
    QString summary() const override {
        return QStringLiteral("List a tenant's stored emails, newest first.");
    }
    QString synopsis() const override {
        return QStringLiteral("<tenant-id> [--thread <thread-id> | --address <addr>] [--limit N] [--json]");
    }
    int run(CliContext &context, const QStringList &args) override;
};

} // namespace cli
