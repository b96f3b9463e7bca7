#pragma once

#include "Mailbox.h"

#include <QString>

namespace sandbox {

// Loads real mail into a mailbox.
class MailLoader final {
public:
    // A directory of .eml files and/or mbox files (From_ lines, >From unquoting), or one such file;
    // labels INBOX(+UNREAD).
    Q_REQUIRED_RESULT static bool load(Mailbox &mailbox, const QString &path, QString *error);
};

} // namespace sandbox
