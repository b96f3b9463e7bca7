#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QPair>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace testsupport {

// Runs $GSA_BIN_DIR/gmail-sandbox as a child process on a free port for one test, waits for its
// {"url": …} line and stops it (SIGTERM, then SIGKILL) when destroyed. Helpers call its control API
// (/_sandbox/…) synchronously; they need a running Qt event dispatcher (any Qt Test main has one).
class SandboxProcess final {
public:
    struct Reply {
        int status = 0; // 0: no HTTP answer (connection refused, closed, timed out)
        QByteArray body;
        QList<QPair<QByteArray, QByteArray>> headers;
        QString error; // network error text when status is 0 or the body was cut short
        QByteArray header(const QByteArray &name) const;
        QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    };

    // `args`, e.g. {"--user", "a@example.com", "--generate", "500"}; "--port 0" is added.
    explicit SandboxProcess(const QStringList &args = {}, int startTimeoutMs = 60000);
    ~SandboxProcess();
    SandboxProcess(const SandboxProcess &) = delete;
    SandboxProcess &operator=(const SandboxProcess &) = delete;

    bool isRunning() const { return m_url.isValid() && m_process.state() == QProcess::Running; }
    QString errorString() const { return m_error; }
    QUrl url() const { return m_url; }
    qint64 pid() const { return m_process.processId(); }

    // A control call: method "GET"/"POST"/"PUT"/"DELETE", path "/_sandbox/…". Returns the JSON answer
    // (null document when there is none); `status` receives the HTTP status.
    QJsonDocument control(const QByteArray &method, const QString &path, const QJsonObject &json = {},
                          int *status = nullptr);
    // A bearer token for `email` (POST /_sandbox/tokens).
    QString accessToken(const QString &email, const QStringList &scopes = {}, int ttlSeconds = 3600);

    // Any request to the sandbox (path relative to url(), may hold a query).
    Reply request(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body = {},
                  const QList<QPair<QByteArray, QByteArray>> &headers = {}, int timeoutMs = 30000);

    // SIGTERM and wait; returns the exit code (-1 when it had to be killed).
    int terminate(int timeoutMs = 10000);

private:
    QProcess m_process;
    QUrl m_url;
    QString m_error;
    QNetworkAccessManager m_nam;
};

} // namespace testsupport
