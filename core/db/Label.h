#pragma once

#include <QString>

namespace db {

// One row of `labels` (migration 0014): what a Gmail label id is called in a tenant's mailbox.
struct Label final {
    QString id;   // "INBOX", "Label_12"
    QString name; // "INBOX", "Receipts"
    QString type; // system | user
    QString textColor;
    QString backgroundColor;
};

} // namespace db
