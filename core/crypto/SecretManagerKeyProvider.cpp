#include "SecretManagerKeyProvider.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>

#include <openssl/crypto.h>

namespace crypto {

namespace {

// CRC32C (Castagnoli, reflected polynomial 0x82F63B78), which Secret Manager reports as dataCrc32c.
quint32 crc32c(QByteArrayView data) {
    quint32 crc = 0xFFFFFFFFu;
    for (const char c : data) {
        crc ^= quint8(c);
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
    }
    return ~crc;
}

} // namespace

SecretManagerKeyProvider::SecretManagerKeyProvider(Params params)
    : m_params(std::move(params)) {}

QString SecretManagerKeyProvider::description() const {
    return QStringLiteral("Secret Manager secret projects/%1/secrets/%2/versions/%3")
        .arg(m_params.project, m_params.secret, m_params.version);
}

bool SecretManagerKeyProvider::isConfigured() const {
    return (!m_params.project.isEmpty() && !m_params.secret.isEmpty()) || !m_configError.isEmpty();
}

SecretManagerKeyProvider::TokenSource SecretManagerKeyProvider::metadataServerToken(const QUrl &base) {
    return [base](QString *error) -> std::optional<QString> {
        QNetworkAccessManager network;
        QNetworkRequest request(base.resolved(
            QUrl(QStringLiteral("/computeMetadata/v1/instance/service-accounts/default/token"))));
        request.setRawHeader("Metadata-Flavor", "Google");
        request.setTransferTimeout(10000);
        QNetworkReply *reply = network.get(request);
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        if (!reply->isFinished())
            loop.exec(QEventLoop::ExcludeUserInputEvents);
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QJsonObject json = QJsonDocument::fromJson(reply->readAll()).object();
        const QString networkError = reply->errorString();
        reply->deleteLater();
        const QString token = json.value(QStringLiteral("access_token")).toString();
        if (status == 200 && !token.isEmpty())
            return token;
        if (error)
            *error = status == 0
                         ? QStringLiteral("metadata server %1 not reachable (%2); outside Google Cloud set "
                                          "GMAIL_SYNC_SECRET_MANAGER_TOKEN")
                               .arg(base.toString(), networkError)
                         : QStringLiteral("metadata server answered HTTP %1").arg(status);
        return std::nullopt;
    };
}

std::unique_ptr<SecretManagerKeyProvider> SecretManagerKeyProvider::fromEnvironment() {
    const QString resource = qEnvironmentVariable("GMAIL_SYNC_SECRET_MANAGER_SECRET");
    if (resource.isEmpty())
        return nullptr;
    Params params;
    QString configError;
    if (!parseResourceName(resource, &params))
        configError = QStringLiteral("GMAIL_SYNC_SECRET_MANAGER_SECRET must look like "
                                     "projects/PROJECT/secrets/SECRET[/versions/VERSION]");
    const QString base = qEnvironmentVariable("GMAIL_SYNC_SECRET_MANAGER_URL");
    if (!base.isEmpty())
        params.baseUrl = QUrl(base);
    const QString token = qEnvironmentVariable("GMAIL_SYNC_SECRET_MANAGER_TOKEN");
    if (!token.isEmpty()) {
        params.token = [token](QString *) -> std::optional<QString> { return token; };
    } else {
        const QString metadata = qEnvironmentVariable("GMAIL_SYNC_METADATA_URL");
        params.token = metadataServerToken(
            metadata.isEmpty() ? QUrl(QStringLiteral("http://metadata.google.internal")) : QUrl(metadata));
    }
    auto provider = std::make_unique<SecretManagerKeyProvider>(params);
    provider->m_configError = configError;
    return provider;
}

int SecretManagerKeyProvider::requestCount() const {
    QMutexLocker lock(&m_mutex);
    return m_requests;
}

bool SecretManagerKeyProvider::parseResourceName(const QString &name, Params *params) {
    static const QRegularExpression pattern(
        QStringLiteral("^projects/([^/]+)/secrets/([^/]+)(?:/versions/([^/]+))?$"));
    const auto match = pattern.match(name);
    if (!match.hasMatch())
        return false;
    params->project = match.captured(1);
    params->secret = match.captured(2);
    params->version = match.captured(3).isEmpty() ? QStringLiteral("latest") : match.captured(3);
    return true;
}

std::optional<MasterKey> SecretManagerKeyProvider::currentKey(QString *error) {
    // One fetch at a time; others wait for its result instead of asking again.
    QMutexLocker lock(&m_mutex);
    if (m_cached && QDateTime::currentDateTimeUtc() < m_cachedUntil)
        return m_cached;
    m_cached.reset();
    auto key = fetch(error);
    if (key) {
        m_cached = key;
        m_cachedUntil = QDateTime::currentDateTimeUtc().addMSecs(m_params.cacheFor.count());
    }
    return key;
}

std::optional<MasterKey> SecretManagerKeyProvider::fetch(QString *error) {
    auto failWith = [&](const QString &reason) -> std::optional<MasterKey> {
        if (error)
            *error = QStringLiteral("%1: %2").arg(description(), reason);
        return std::nullopt;
    };
    if (!m_configError.isEmpty()) {
        if (error)
            *error = m_configError;
        return std::nullopt;
    }
    if (m_params.project.isEmpty() || m_params.secret.isEmpty())
        return failWith(QStringLiteral("project and secret are required"));
    if (!m_params.token)
        return failWith(QStringLiteral("no access token source configured"));
    QString reason;
    const auto token = m_params.token(&reason);
    if (!token)
        return failWith(QStringLiteral("cannot get an access token: ") + reason);
    const std::optional<QJsonObject> json = access(*token, &reason);
    if (!json)
        return failWith(reason);
    std::optional<QByteArray> data = payloadData(*json, &reason);
    if (!data)
        return failWith(reason);
    auto key = MasterKey::fromKeyMaterial(*data, &reason);
    OPENSSL_cleanse(data->data(), data->size());
    if (!key)
        return failWith(QStringLiteral("the secret's payload: ") + reason);
    return key;
}

QUrl SecretManagerKeyProvider::accessUrl() const {
    QUrl url = m_params.baseUrl;
    QString path = url.path();
    if (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    path += QStringLiteral("/v1/projects/%1/secrets/%2/versions/%3:access")
                .arg(QString::fromLatin1(QUrl::toPercentEncoding(m_params.project)),
                     QString::fromLatin1(QUrl::toPercentEncoding(m_params.secret)),
                     QString::fromLatin1(QUrl::toPercentEncoding(m_params.version)));
    url.setPath(path, QUrl::StrictMode);
    return url;
}

std::optional<QJsonObject> SecretManagerKeyProvider::access(const QString &token, QString *reason) {
    QNetworkRequest request(accessUrl());
    request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    request.setRawHeader("Accept", "application/json");
    request.setTransferTimeout(int(m_params.timeout.count()));
    QNetworkAccessManager network;
    ++m_requests;
    QNetworkReply *reply = network.get(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec(QEventLoop::ExcludeUserInputEvents);
    QByteArray body = reply->readAll();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString networkErrorText = reply->errorString();
    reply->deleteLater();

    const QJsonObject json = QJsonDocument::fromJson(body).object();
    OPENSSL_cleanse(body.data(), body.size());
    if (status == 200)
        return json;
    if (status == 0) {
        *reason = QStringLiteral("request failed: ") + networkErrorText;
        return std::nullopt;
    }
    // Google's error body: {"error": {"code", "message", "status"}} — safe to show.
    const QString message =
        json.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
    *reason = QStringLiteral("HTTP %1%2")
                  .arg(status)
                  .arg(message.isEmpty() ? QString() : QStringLiteral(": ") + message);
    return std::nullopt;
}

std::optional<QByteArray> SecretManagerKeyProvider::payloadData(const QJsonObject &json, QString *reason) {
    const QJsonObject payload = json.value(QStringLiteral("payload")).toObject();
    QByteArray encoded = payload.value(QStringLiteral("data")).toString().toLatin1();
    auto decoded = QByteArray::fromBase64Encoding(encoded, QByteArray::AbortOnBase64DecodingErrors);
    OPENSSL_cleanse(encoded.data(), encoded.size());
    if (!decoded || decoded.decoded.isEmpty()) {
        *reason = QStringLiteral("the response has no base64 payload.data");
        return std::nullopt;
    }
    QByteArray data = std::move(*decoded);
    const QJsonValue crcValue = payload.value(QStringLiteral("dataCrc32c"));
    if (!crcValue.isUndefined()) {
        // int64 fields are JSON strings in Google's REST mapping.
        bool ok = false;
        const qulonglong expected =
            crcValue.isString() ? crcValue.toString().toULongLong(&ok) : qulonglong(crcValue.toDouble(-1));
        if ((crcValue.isString() && !ok) || expected != crc32c(data)) {
            OPENSSL_cleanse(data.data(), data.size());
            *reason = QStringLiteral("payload.dataCrc32c does not match the data (corrupted in transit)");
            return std::nullopt;
        }
    }
    return data;
}

} // namespace crypto
