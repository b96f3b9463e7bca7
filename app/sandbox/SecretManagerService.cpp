#include "SecretManagerService.h"

#include "TokenStore.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QJsonObject>

#include <array>

namespace sandbox {

namespace {

using Method = QHttpServerRequest::Method;
using Status = QHttpServerResponse::StatusCode;

QHttpServerResponse rpcError(int code, const QString &status, const QString &message) {
    return QHttpServerResponse(
        QJsonObject{{QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), code},
                                                          {QStringLiteral("message"), message},
                                                          {QStringLiteral("status"), status}}}},
        static_cast<Status>(code));
}

} // namespace

SecretManagerService::SecretManagerService(TokenStore &tokens)
    : m_tokens(tokens) {}

quint32 SecretManagerService::crc32c(const QByteArray &data) {
    static const std::array<quint32, 256> table = [] {
        std::array<quint32, 256> t{};
        for (quint32 i = 0; i < 256; ++i) {
            quint32 c = i;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1; // reflected Castagnoli polynomial
            t[i] = c;
        }
        return t;
    }();
    quint32 crc = 0xFFFFFFFFu;
    for (const char byte : data)
        crc = table[(crc ^ static_cast<quint8>(byte)) & 0xFFu] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}

void SecretManagerService::registerRoutes(QHttpServer &server) {
    server.route(
        QStringLiteral("/v1/projects/<arg>/secrets/<arg>/versions/<arg>"), Method::Get,
        [this](const QString &project, const QString &secret, const QString &version,
               const QHttpServerRequest &request) { return access(project, secret, version, request); });
    server.route(QStringLiteral("/_sandbox/secrets/<arg>/<arg>"), Method::Put,
                 [this](const QString &project, const QString &secret, const QHttpServerRequest &request) {
                     return put(project, secret, request);
                 });
}

int SecretManagerService::addVersion(const QString &project, const QString &secret, const QByteArray &data) {
    QList<QByteArray> &versions = m_secrets[project + u'/' + secret];
    versions.append(data);
    return int(versions.size());
}

QHttpServerResponse SecretManagerService::access(const QString &project, const QString &secret,
                                                 const QString &versionAndVerb,
                                                 const QHttpServerRequest &request) {
    if (!versionAndVerb.endsWith(QLatin1String(":access")))
        return rpcError(404, QStringLiteral("NOT_FOUND"), QStringLiteral("Method not found."));
    const QByteArray authorization = request.value("Authorization");
    if (!authorization.startsWith("Bearer ") ||
        !m_tokens.emailForAccessToken(QString::fromLatin1(authorization.mid(7).trimmed()))) {
        QHttpServerResponse response = rpcError(
            401, QStringLiteral("UNAUTHENTICATED"),
            QStringLiteral("Request had invalid authentication credentials. Expected OAuth 2 access token, "
                           "login cookie or other valid authentication credential."));
        response.addHeader("WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\"");
        return response;
    }
    const QString version = versionAndVerb.chopped(int(qstrlen(":access")));
    const QString secretName = QStringLiteral("projects/%1/secrets/%2").arg(project, secret);
    const auto it = m_secrets.constFind(project + u'/' + secret);
    if (it == m_secrets.cend() || it->isEmpty())
        return rpcError(404, QStringLiteral("NOT_FOUND"),
                        QStringLiteral("Secret [%1] not found or has no versions.").arg(secretName));
    int number = 0;
    if (version == QLatin1String("latest")) {
        number = int(it->size());
    } else {
        bool ok = false;
        number = version.toInt(&ok);
        if (!ok || number < 1)
            return rpcError(400, QStringLiteral("INVALID_ARGUMENT"),
                            QStringLiteral("Invalid resource field value in the request."));
        if (number > it->size())
            return rpcError(
                404, QStringLiteral("NOT_FOUND"),
                QStringLiteral("Secret Version [%1/versions/%2] not found.").arg(secretName).arg(number));
    }
    const QByteArray &data = it->at(number - 1);
    // dataCrc32c is an int64, which proto3 JSON writes as a string.
    return QHttpServerResponse(
        QJsonObject{{QStringLiteral("name"), QStringLiteral("%1/versions/%2").arg(secretName).arg(number)},
                    {QStringLiteral("payload"),
                     QJsonObject{{QStringLiteral("data"), QString::fromLatin1(data.toBase64())},
                                 {QStringLiteral("dataCrc32c"), QString::number(crc32c(data))}}}});
}

QHttpServerResponse SecretManagerService::put(const QString &project, const QString &secret,
                                              const QHttpServerRequest &request) {
    const QJsonDocument doc = QJsonDocument::fromJson(request.body());
    const QJsonObject body = doc.object();
    QByteArray data;
    if (body.contains(QLatin1String("data"))) {
        const auto decoded = QByteArray::fromBase64Encoding(
            body.value(QLatin1String("data")).toString().toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            return QHttpServerResponse(
                QJsonObject{{QStringLiteral("error"), QStringLiteral("data must be base64")}},
                Status::BadRequest);
        data = decoded.decoded;
    } else if (body.contains(QLatin1String("text"))) {
        data = body.value(QLatin1String("text")).toString().toUtf8();
    } else {
        return QHttpServerResponse(
            QJsonObject{{QStringLiteral("error"),
                         QStringLiteral("body must be {\"data\": base64} or {\"text\": …}")}},
            Status::BadRequest);
    }
    const int version = addVersion(project, secret, data);
    return QHttpServerResponse(QJsonObject{
        {QStringLiteral("name"),
         QStringLiteral("projects/%1/secrets/%2/versions/%3").arg(project, secret).arg(version)}});
}

} // namespace sandbox
