#pragma once

#include "crypto/MasterKeyProvider.h"

#include <QDateTime>
#include <QJsonObject>
#include <QMutex>
#include <QUrl>

#include <chrono>
#include <functional>
#include <memory>

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

    // Bearer tokens from the GCE/GKE/Cloud Run metadata server (the attached service account):
    // GET {base}/computeMetadata/v1/instance/service-accounts/default/token, Metadata-Flavor: Google
    // (cloud.google.com/compute/docs/access/authenticate-workloads#applications).
    static TokenSource
    metadataServerToken(const QUrl &base = QUrl(QStringLiteral("http://metadata.google.internal")));

    // From the environment, or nullptr when GMAIL_SYNC_SECRET_MANAGER_SECRET is unset:
    //   GMAIL_SYNC_SECRET_MANAGER_SECRET  projects/P/secrets/S[/versions/V]
    //   GMAIL_SYNC_SECRET_MANAGER_URL     API base (default https://secretmanager.googleapis.com)
    //   GMAIL_SYNC_SECRET_MANAGER_TOKEN   a bearer token; default: the metadata server
    //   GMAIL_SYNC_METADATA_URL           metadata server base (default http://metadata.google.internal)
    // A malformed resource name gives a provider whose currentKey() reports it.
    static std::unique_ptr<SecretManagerKeyProvider> fromEnvironment();

    // How many HTTP requests were made (the cache is observable in tests).
    int requestCount() const;

    // "projects/p/secrets/s/versions/v" → project, secret, version; false if it does not match.
    static bool parseResourceName(const QString &name, Params *params);

private:
    std::optional<MasterKey> fetch(QString *error);
    QUrl accessUrl() const; // secretmanager v1 projects.secrets.versions.access
    // The 200 answer's JSON, or nullopt with *reason (HTTP status and Google's message, never the body).
    std::optional<QJsonObject> access(const QString &token, QString *reason);
    // payload.data, base64-decoded and checked against payload.dataCrc32c when that is present.
    static std::optional<QByteArray> payloadData(const QJsonObject &json, QString *reason);

    Params m_params;
    QString m_configError;
    mutable QMutex m_mutex;
    std::optional<MasterKey> m_cached;
    QDateTime m_cachedUntil;
    int m_requests = 0;
};

} // namespace crypto
