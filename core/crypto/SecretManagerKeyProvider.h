#pragma once

#include "crypto/MasterKeyProvider.h"

#include <QDateTime>
#include <QMutex>
#include <QUrl>

#include <chrono>
#include <functional>

namespace crypto {

// The master key as a Google Secret Manager secret version:
//   GET {baseUrl}/v1/projects/{project}/secrets/{secret}/versions/{version}:access
//   Authorization: Bearer <token>   →  {"name": ..., "payload": {"data": base64, "dataCrc32c": "..."}}
// (cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets.versions/access).
// The secret's bytes are the key (32 raw bytes, or base64 text of 32 bytes). Kept in memory for
// five minutes so a busy worker does not call Secret Manager for every seal.
class SecretManagerKeyProvider final : public MasterKeyProvider {
public:
    // Returns a bearer token with the cloud-platform scope, or nullopt and *error.
    using TokenSource = std::function<std::optional<QString>(QString *error)>;

    struct Params {
        QUrl baseUrl = QUrl(QStringLiteral("https://secretmanager.googleapis.com"));
        QString project;
        QString secret;
        QString version = QStringLiteral("latest");
        TokenSource token;
        std::chrono::milliseconds cacheFor = std::chrono::minutes(5);
        std::chrono::milliseconds timeout = std::chrono::seconds(30);
    };

    explicit SecretManagerKeyProvider(Params params);

    QString description() const override;
    bool isConfigured() const override;
    std::optional<MasterKey> currentKey(QString *error) override;

    // How many HTTP requests were made (the cache is observable in tests).
    int requestCount() const;

    // "projects/p/secrets/s/versions/v" → project, secret, version; false if it does not match.
    static bool parseResourceName(const QString &name, Params *params);

private:
    std::optional<MasterKey> fetch(QString *error);

    Params m_params;
    mutable QMutex m_mutex;
    std::optional<MasterKey> m_cached;
    QDateTime m_cachedUntil;
    int m_requests = 0;
};

} // namespace crypto
