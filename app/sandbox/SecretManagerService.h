#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponse;

namespace sandbox {

class TokenStore;

// Secret Manager v1's access method on the sandbox
// (cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets.versions/access):
//   GET /v1/projects/{p}/secrets/{s}/versions/{v}:access → {"name","payload":{"data","dataCrc32c"}}
// with bearer authentication, and the control route PUT /_sandbox/secrets/{p}/{s} {"data": base64}
// (or {"text": "..."}) adding a new version, as AddSecretVersion would. Versions count from 1; "latest"
// names the newest. Lives on the server's thread.
class SecretManagerService final {
public:
    explicit SecretManagerService(TokenStore &tokens);
    Q_DISABLE_COPY_MOVE(SecretManagerService)

    void registerRoutes(QHttpServer &server);
    // Adds a version; returns its number.
    int addVersion(const QString &project, const QString &secret, const QByteArray &data);

    // CRC32C (Castagnoli, RFC 3720 §B.4), the checksum Secret Manager reports as dataCrc32c.
    static quint32 crc32c(const QByteArray &data);

private:
    QHttpServerResponse access(const QString &project, const QString &secret, const QString &versionAndVerb,
                               const QHttpServerRequest &request);
    QHttpServerResponse put(const QString &project, const QString &secret, const QHttpServerRequest &request);

    TokenStore &m_tokens;
    QHash<QString, QList<QByteArray>> m_secrets; // "p/s" → versions (index 0 = version 1)
};

} // namespace sandbox
