#include "EnvKeyProvider.h"

#include <openssl/crypto.h>

namespace crypto {

EnvKeyProvider::EnvKeyProvider(const char *variable)
    : m_variable(variable) {}

QString EnvKeyProvider::description() const {
    return QStringLiteral("environment variable %1").arg(QLatin1String(m_variable));
}

bool EnvKeyProvider::isConfigured() const {
    return qEnvironmentVariableIsSet(m_variable);
}

std::optional<MasterKey> EnvKeyProvider::currentKey(QString *error) {
    if (!isConfigured()) {
        if (error)
            *error = QStringLiteral("%1 is not set").arg(description());
        return std::nullopt;
    }
    QByteArray value = qgetenv(m_variable);
    QString reason;
    auto key = MasterKey::fromBase64(value, &reason);
    OPENSSL_cleanse(value.data(), value.size());
    if (!key && error)
        *error =
            QStringLiteral("%1: %2 (generate one with `openssl rand -base64 32`)").arg(description(), reason);
    return key;
}

} // namespace crypto
