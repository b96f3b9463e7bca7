#pragma once

#include "common/AccessTokenProvider.h"
#include "log/Redactor.h"

#include <QString>

#include <optional>

namespace auth {

// A fixed token (tests, the sandbox's /_sandbox/tokens shortcut).
class StaticTokenProvider final : public common::AccessTokenProvider {
public:
    explicit StaticTokenProvider(QString token)
        : m_token(std::move(token)) {
        logging::Redactor::registerSecret(m_token);
    }
    std::optional<QString> accessToken(bool, QString *, bool *) override { return m_token; }

private:
    QString m_token;
};

} // namespace auth
