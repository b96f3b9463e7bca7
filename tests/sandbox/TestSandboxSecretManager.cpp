#include "SecretManagerService.h"
#include "TokenStore.h"

#include <QEventLoop>
#include <QHttpServer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTcpServer>
#include <QTest>
#include <QTimer>

// Secret Manager's versions.access on the sandbox, over real HTTP.
class TestSandboxSecretManager final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void crc32cVector();
    void accessReturnsGooglesShape();
    void versionsAndLatest();
    void errors();

private:
    QPair<int, QJsonObject> call(const QByteArray &verb, const QString &path, const QJsonObject &body = {},
                                 const QString &token = {});

    sandbox::TokenStore m_tokens;
    sandbox::SecretManagerService m_secrets{m_tokens};
    QHttpServer m_server;
    QUrl m_base;
    QString m_token;
    QNetworkAccessManager m_nam;
};

void TestSandboxSecretManager::initTestCase() {
    m_secrets.registerRoutes(m_server);
    auto *tcp = new QTcpServer(&m_server);
    QVERIFY(tcp->listen(QHostAddress::LocalHost, 0));
    m_server.bind(tcp);
    m_base = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(tcp->serverPort()));
    m_token = m_tokens.issueAccessToken(QStringLiteral("worker@example.com"),
                                        {QStringLiteral("https://www.googleapis.com/auth/cloud-platform")});
}

QPair<int, QJsonObject> TestSandboxSecretManager::call(const QByteArray &verb, const QString &path,
                                                       const QJsonObject &body, const QString &token) {
    QNetworkRequest request(m_base.resolved(QUrl(path)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token.toLatin1());
    QNetworkReply *reply =
        m_nam.sendCustomRequest(request, verb, QJsonDocument(body).toJson(QJsonDocument::Compact));
    QEventLoop loop;
    connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    loop.exec();
    const QPair<int, QJsonObject> result{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                                         QJsonDocument::fromJson(reply->readAll()).object()};
    reply->deleteLater();
    return result;
}

// RFC 3720 §B.4: CRC32C of "123456789" is 0xE3069283; of 32 zero bytes 0x8A9136AA.
void TestSandboxSecretManager::crc32cVector() {
    QCOMPARE(sandbox::SecretManagerService::crc32c("123456789"), 0xE3069283u);
    QCOMPARE(sandbox::SecretManagerService::crc32c(QByteArray(32, '\0')), 0x8A9136AAu);
}

void TestSandboxSecretManager::accessReturnsGooglesShape() {
    const QByteArray key(32, '\x5a');
    QCOMPARE(call("PUT", QStringLiteral("/_sandbox/secrets/my-project/master-key"),
                  {{QStringLiteral("data"), QString::fromLatin1(key.toBase64())}})
                 .first,
             200);
    const auto [status, json] =
        call("GET", QStringLiteral("/v1/projects/my-project/secrets/master-key/versions/latest:access"), {},
             m_token);
    QCOMPARE(status, 200);
    QCOMPARE(json.value(QLatin1String("name")).toString(),
             QStringLiteral("projects/my-project/secrets/master-key/versions/1"));
    const QJsonObject payload = json.value(QLatin1String("payload")).toObject();
    QCOMPARE(QByteArray::fromBase64(payload.value(QLatin1String("data")).toString().toLatin1()), key);
    QVERIFY(payload.value(QLatin1String("dataCrc32c")).isString()); // int64 in proto3 JSON
    QCOMPARE(payload.value(QLatin1String("dataCrc32c")).toString().toULongLong(),
             quint64(sandbox::SecretManagerService::crc32c(key)));
}

void TestSandboxSecretManager::versionsAndLatest() {
    call("PUT", QStringLiteral("/_sandbox/secrets/p2/s"),
         {{QStringLiteral("text"), QStringLiteral("first")}});
    call("PUT", QStringLiteral("/_sandbox/secrets/p2/s"),
         {{QStringLiteral("text"), QStringLiteral("second")}});
    const auto data = [&](const QString &version) {
        const auto reply = call(
            "GET", QStringLiteral("/v1/projects/p2/secrets/s/versions/%1:access").arg(version), {}, m_token);
        return QByteArray::fromBase64(reply.second.value(QLatin1String("payload"))
                                          .toObject()
                                          .value(QLatin1String("data"))
                                          .toString()
                                          .toLatin1());
    };
    QCOMPARE(data(QStringLiteral("1")), QByteArray("first"));
    QCOMPARE(data(QStringLiteral("2")), QByteArray("second"));
    QCOMPARE(data(QStringLiteral("latest")), QByteArray("second"));
}

void TestSandboxSecretManager::errors() {
    const QString path = QStringLiteral("/v1/projects/my-project/secrets/master-key/versions/1:access");
    QCOMPARE(call("GET", path).first, 401);
    QCOMPARE(call("GET", path, {}, QStringLiteral("ya29.forged")).first, 401);
    const auto missing =
        call("GET", QStringLiteral("/v1/projects/my-project/secrets/nope/versions/1:access"), {}, m_token);
    QCOMPARE(missing.first, 404);
    QCOMPARE(
        missing.second.value(QLatin1String("error")).toObject().value(QLatin1String("status")).toString(),
        QStringLiteral("NOT_FOUND"));
    QCOMPARE(call("GET", QStringLiteral("/v1/projects/my-project/secrets/master-key/versions/9:access"), {},
                  m_token)
                 .first,
             404);
    QCOMPARE(call("PUT", QStringLiteral("/_sandbox/secrets/p/s"),
                  {{QStringLiteral("data"), QStringLiteral("***")}})
                 .first,
             400);
}

QTEST_GUILESS_MAIN(TestSandboxSecretManager)
#include "TestSandboxSecretManager.moc"
