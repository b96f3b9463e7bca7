#include "WebDriver.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QTcpServer>
#include <QTest>
#include <QTimer>

#include <memory>

namespace testsupport {

namespace {

const QString kChromium = QStringLiteral("/usr/bin/chromium");
const QString kChromedriver = QStringLiteral("/usr/bin/chromedriver");
// W3C WebDriver §12: the key under which an element reference travels.
const QLatin1String kElementKey("element-6066-11e4-a52e-4f735466cecf");

} // namespace

WebDriver::~WebDriver() {
    if (!m_session.isEmpty())
        call("DELETE", QStringLiteral("/session/") + m_session);
    if (m_driver.state() != QProcess::NotRunning) {
        m_driver.terminate();
        if (!m_driver.waitForFinished(5000))
            m_driver.kill();
    }
}

bool WebDriver::start(QString *error) {
    if (!QFileInfo(kChromedriver).isExecutable() || !QFileInfo(kChromium).isExecutable()) {
        *error = QStringLiteral("chromium and chromium-driver are not installed (installer/install-deps.sh)");
        return false;
    }
    {
        QTcpServer probe; // chromedriver needs a port of its own: take a free one from the kernel
        probe.listen(QHostAddress::LocalHost, 0);
        m_port = probe.serverPort();
    }
    m_driver.setProgram(kChromedriver);
    m_driver.setArguments({QStringLiteral("--port=%1").arg(m_port)});
    m_driver.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_driver.start();
    if (!m_driver.waitForStarted(10000)) {
        *error = QStringLiteral("chromedriver did not start: ") + m_driver.errorString();
        return false;
    }
    QElapsedTimer clock;
    clock.start();
    while (!call("GET", QStringLiteral("/status")).value(QLatin1String("ready")).toBool()) {
        if (clock.elapsed() > 15000) {
            *error = QStringLiteral("chromedriver did not become ready");
            return false;
        }
        QTest::qWait(100);
    }
    // As root Chromium needs --no-sandbox; the background-networking flags keep it off the (closed) network.
    const QJsonArray args{QStringLiteral("--headless=new"),
                          QStringLiteral("--no-sandbox"),
                          QStringLiteral("--disable-gpu"),
                          QStringLiteral("--disable-dev-shm-usage"),
                          QStringLiteral("--disable-quic"),
                          QStringLiteral("--no-first-run"),
                          QStringLiteral("--disable-background-networking"),
                          QStringLiteral("--disable-component-update"),
                          QStringLiteral("--disable-sync"),
                          QString(QStringLiteral("--user-data-dir=") + m_profile.path())};
    const QJsonObject options{{QStringLiteral("binary"), kChromium}, {QStringLiteral("args"), args}};
    const QJsonObject capabilities{
        {QStringLiteral("capabilities"),
         QJsonObject{{QStringLiteral("alwaysMatch"),
                      QJsonObject{{QStringLiteral("browserName"), QStringLiteral("chrome")},
                                  {QStringLiteral("goog:chromeOptions"), options}}}}}};
    // W3C: {"value": {"sessionId": ..., "capabilities": ...}}
    const QJsonObject session = call("POST", QStringLiteral("/session"), capabilities);
    m_session = session.value(QLatin1String("value")).toObject().value(QLatin1String("sessionId")).toString();
    if (m_session.isEmpty()) {
        *error = QStringLiteral("chromedriver made no session: ") +
                 QString::fromUtf8(QJsonDocument(session).toJson(QJsonDocument::Compact));
        return false;
    }
    return true;
}

bool WebDriver::navigate(const QString &url) {
    return !sessionCall("POST", QStringLiteral("/url"), QJsonObject{{QStringLiteral("url"), url}})
                .contains(QLatin1String("error"));
}

bool WebDriver::click(const QString &cssSelector) {
    const QJsonObject found =
        sessionCall("POST", QStringLiteral("/element"),
                    QJsonObject{{QStringLiteral("using"), QStringLiteral("css selector")},
                                {QStringLiteral("value"), cssSelector}});
    const QString element = found.value(kElementKey).toString();
    if (element.isEmpty())
        return false;
    return !sessionCall("POST", QStringLiteral("/element/%1/click").arg(element), QJsonObject())
                .contains(QLatin1String("error"));
}

QString WebDriver::currentUrl() {
    return call("GET", QStringLiteral("/session/%1/url").arg(m_session))
        .value(QLatin1String("value"))
        .toString();
}

QString WebDriver::pageSource() {
    return call("GET", QStringLiteral("/session/%1/source").arg(m_session))
        .value(QLatin1String("value"))
        .toString();
}

QJsonObject WebDriver::sessionCall(const QByteArray &method, const QString &tail, const QJsonObject &body) {
    return call(method, QStringLiteral("/session/") + m_session + tail, body)
        .value(QLatin1String("value"))
        .toObject();
}

// Returns the whole answer object; `value` holds the result (an object for most commands).
QJsonObject WebDriver::call(const QByteArray &method, const QString &path, const QJsonObject &body) {
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setTransferTimeout(60000);
    const QByteArray payload =
        method == "GET" || method == "DELETE" ? QByteArray() : QJsonDocument(body).toJson();
    std::unique_ptr<QNetworkReply> reply(m_nam.sendCustomRequest(request, method, payload));
    QEventLoop loop;
    QObject::connect(reply.get(), &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
    // /status answers {"value": {"ready": true, ...}}: unwrap for the caller's convenience.
    if (path == QLatin1String("/status"))
        return answer.value(QLatin1String("value")).toObject();
    return answer;
}

} // namespace testsupport
