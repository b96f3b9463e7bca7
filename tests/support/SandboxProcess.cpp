#include "SandboxProcess.h"

#include <QBuffer>
#include <QDeadlineTimer>
#include <QDir>
#include <QEventLoop>
#include <QJsonArray>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

namespace testsupport {

QByteArray SandboxProcess::Reply::header(const QByteArray &name) const {
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

SandboxProcess::SandboxProcess(const QStringList &args, int startTimeoutMs) {
    const QString binDir = qEnvironmentVariable("GSA_BIN_DIR");
    if (binDir.isEmpty()) {
        m_error = QStringLiteral("GSA_BIN_DIR is not set: run the test through ctest");
        return;
    }
    const QString program = QDir(binDir).filePath(QStringLiteral("gmail-sandbox"));
    // The sandbox's logs go straight to the test's stderr.
    m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QStringList all = args;
    if (!all.contains(QStringLiteral("--port")))
        all << QStringLiteral("--port") << QStringLiteral("0");
    m_process.start(program, all);
    if (!m_process.waitForStarted(10000)) {
        m_error = QStringLiteral("cannot start %1: %2").arg(program, m_process.errorString());
        return;
    }
    // The first stdout line is {"url": "http://127.0.0.1:PORT"}, printed once the server listens.
    QDeadlineTimer deadline(startTimeoutMs);
    QByteArray line;
    while (!m_process.canReadLine()) {
        if (deadline.hasExpired() || m_process.state() != QProcess::Running) {
            m_error = QStringLiteral("gmail-sandbox did not print its URL (exit code %1)")
                          .arg(m_process.exitCode());
            return;
        }
        m_process.waitForReadyRead(int(std::min<qint64>(deadline.remainingTime(), 1000)));
    }
    line = m_process.readLine();
    const QUrl url(QJsonDocument::fromJson(line).object().value(QStringLiteral("url")).toString());
    if (!url.isValid() || url.port() <= 0) {
        m_error =
            QStringLiteral("unexpected first line from gmail-sandbox: ") + QString::fromUtf8(line.trimmed());
        return;
    }
    m_url = url;
}

SandboxProcess::~SandboxProcess() {
    if (m_process.state() != QProcess::NotRunning)
        terminate(5000);
}

int SandboxProcess::terminate(int timeoutMs) {
    if (m_process.state() == QProcess::NotRunning)
        return m_process.exitCode();
    m_process.terminate();
    if (m_process.waitForFinished(timeoutMs))
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    m_process.kill();
    m_process.waitForFinished(5000);
    return -1;
}

SandboxProcess::Reply SandboxProcess::request(const QByteArray &method, const QString &pathAndQuery,
                                              const QByteArray &body,
                                              const QList<QPair<QByteArray, QByteArray>> &headers,
                                              int timeoutMs) {
    Reply result;
    if (!m_url.isValid()) {
        result.error = QStringLiteral("the sandbox is not running: ") + m_error;
        return result;
    }
    QNetworkRequest req(QUrl(m_url.toString() + pathAndQuery));
    for (const auto &h : headers)
        req.setRawHeader(h.first, h.second);
    if (!body.isEmpty() && !req.hasRawHeader("Content-Type"))
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    auto *buffer = new QBuffer;
    buffer->setData(body);
    QNetworkReply *reply = m_nam.sendCustomRequest(req, method, buffer);
    buffer->setParent(reply);
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    timer.start(timeoutMs);
    loop.exec();
    if (!reply->isFinished()) {
        reply->abort();
        result.error = QStringLiteral("timed out");
    }
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.headers = reply->rawHeaderPairs();
    // Network-level failures (codes below 200: refused, closed, timed out); HTTP errors are in status.
    if (result.error.isEmpty() && reply->error() != QNetworkReply::NoError &&
        reply->error() < QNetworkReply::ContentAccessDenied)
        result.error = reply->errorString();
    reply->deleteLater();
    return result;
}

QJsonDocument SandboxProcess::control(const QByteArray &method, const QString &path, const QJsonObject &json,
                                      int *status) {
    const QByteArray body =
        json.isEmpty() ? QByteArray() : QJsonDocument(json).toJson(QJsonDocument::Compact);
    const Reply reply = request(method, path, body);
    if (status)
        *status = reply.status;
    return QJsonDocument::fromJson(reply.body);
}

QString SandboxProcess::accessToken(const QString &email, const QStringList &scopes, int ttlSeconds) {
    QJsonObject body{{QStringLiteral("email"), email}, {QStringLiteral("ttl"), ttlSeconds}};
    if (!scopes.isEmpty())
        body.insert(QStringLiteral("scopes"), QJsonArray::fromStringList(scopes));
    return control("POST", QStringLiteral("/_sandbox/tokens"), body)
        .object()
        .value(QStringLiteral("access_token"))
        .toString();
}

} // namespace testsupport
