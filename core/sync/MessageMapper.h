#pragma once

#include "db/EmailRecord.h"
#include "db/MessageFailure.h"
#include "gmail/MessageParser.h"
#include "sync/MailSource.h"

#include <optional>

namespace syncengine {

// Turns a fetched Gmail message into an `emails` row: Gmail's metadata (ids, labels, internalDate,
// snippet) plus what MessageParser read from the raw bytes. Parser warnings are kept on the row; they
// never fail a job. A message the parser refuses (empty, over its size bounds) gets no row: map() returns
// nullopt with the reason in *failure, and the sync records it as a failed message.
class MessageMapper final {
public:
    explicit MessageMapper(const gmail::MessageParser &parser);
    std::optional<db::EmailRecord> map(const gmail::RawMessage &message,
                                       db::FailedMessage *failure = nullptr) const;

private:
    const gmail::MessageParser &m_parser;
};

} // namespace syncengine
