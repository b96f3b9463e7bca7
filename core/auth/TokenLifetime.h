#pragma once

#include <QJsonObject>

namespace auth {

// The lifetime of an access token from a token endpoint's answer (RFC 6749 §5.1 "expires_in", seconds).
// Google sends a number; some servers send a string of digits. Absent or unreadable: one hour, Google's
// default, so a wrong guess costs one 401 and one refresh, never a refresh per request.
qint64 tokenLifetimeSeconds(const QJsonObject &tokenResponse);

} // namespace auth
