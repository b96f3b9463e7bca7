#pragma once

#include "Mailbox.h"

#include <QByteArray>
#include <QDateTime>

namespace sandbox {

// Synthetic, realistic mail for the sandbox and its tests: threads, many charsets and transfer encodings,
// attachments, HTML with scripts and remote images, and a share of malformed messages. Deterministic
// for a seed.
class MailboxGenerator final {
public:
    struct Options {
        int count = 200;
        quint32 seed = 1;
        QDateTime end = QDateTime::currentDateTimeUtc();
        int days = 180;
        double malformedRate = 0.02;
    };
    static void generate(Mailbox &mailbox, const Options &options);
    static QByteArray generateOne(quint32 seed, int index, qint64 dateMs); // one realistic message
};

} // namespace sandbox
