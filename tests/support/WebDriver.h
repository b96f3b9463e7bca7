#pragma once

#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>

namespace testsupport {

// A real browser for tests: Debian's headless Chromium driven through chromedriver with the W3C
// WebDriver protocol (www.w3.org/TR/webdriver2) over HTTP on 127.0.0.1. Calls are synchronous but spin
// the event loop, so servers in the test process (e.g. a loopback listener) keep answering meanwhile.
class WebDriver final {
public:
    WebDriver() = default;
    ~WebDriver(); // ends the session and chromedriver
    WebDriver(const WebDriver &) = delete;
    WebDriver &operator=(const WebDriver &) = delete;

    // Starts chromedriver and a headless Chromium session (no network beyond loopback is needed).
    bool start(QString *error);
    bool navigate(const QString &url);
    // Clicks the first element matching a CSS selector; false when there is none.
    bool click(const QString &cssSelector);
    QString currentUrl();
    QString pageSource();

private:
    QJsonObject call(const QByteArray &method, const QString &path, const QJsonObject &body = {});
    QJsonObject sessionCall(const QByteArray &method, const QString &tail, const QJsonObject &body = {});

    QProcess m_driver;
    QTemporaryDir m_profile;
    QNetworkAccessManager m_nam;
    QString m_session;
    int m_port = 0;
};

} // namespace testsupport
