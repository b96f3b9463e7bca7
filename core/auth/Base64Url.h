#pragma once

#include <QByteArray>

#include <optional>

namespace auth {

// base64url without padding (RFC 4648 §5, as JWS requires in RFC 7515 §2 and PKCE in RFC 7636 §3).
class Base64Url final {
public:
    static QByteArray encode(const QByteArray &data);
    // Strict: nullopt on characters outside the base64url alphabet. Padding is tolerated.
    static std::optional<QByteArray> decode(const QByteArray &text);
};

} // namespace auth
