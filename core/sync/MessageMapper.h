#pragma once

#include "db/EmailRecord.h"
#include "gmail/MessageParser.h"
#include "sync/MailSource.h"

namespace syncengine {

// Turns a fetched Gmail message into an `emails` row: Gmail's metadata (ids, labels, internalDate,
// snippet) plus what MessageParser read from the raw bytes. Parser warnings are kept on the row; they
// never fail a job.
class MessageMapper final {
public:
    explicit MessageMapper(const gmail::MessageParser &parser);
    db::EmailRecord map(const FetchedMessage &message) const;

private:
    const gmail::MessageParser &m_parser;
};

} // namespace syncengine
