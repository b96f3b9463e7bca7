#include "HtmlSanitizer.h"

#include <QRegularExpression>
#include <QSet>
#include <QUrl>

namespace ui {

namespace {

using RX = QRegularExpression;

bool isRemote(const QString &url) {
    const QString u = url.trimmed().toLower();
    // Anything that is not inline data or an in-document anchor could reach the network (or the disk).
    return !(u.startsWith(QLatin1String("data:image/")) || u.startsWith(QLatin1Char('#')) || u.isEmpty());
}

QString escapeAttribute(QString value) {
    // The value is still HTML (entities stay encoded); only what could end the attribute is escaped.
    value.replace(QLatin1Char('"'), QLatin1String("&quot;"));
    value.replace(QLatin1Char('<'), QLatin1String("&lt;"));
    value.replace(QLatin1Char('>'), QLatin1String("&gt;"));
    return value;
}

const QSet<QString> &allowedAttributes() {
    static const QSet<QString> set{
        QStringLiteral("href"),        QStringLiteral("src"),     QStringLiteral("alt"),
        QStringLiteral("title"),       QStringLiteral("width"),   QStringLiteral("height"),
        QStringLiteral("align"),       QStringLiteral("valign"),  QStringLiteral("colspan"),
        QStringLiteral("rowspan"),     QStringLiteral("border"),  QStringLiteral("cellpadding"),
        QStringLiteral("cellspacing"), QStringLiteral("bgcolor"), QStringLiteral("color"),
        QStringLiteral("face"),        QStringLiteral("size"),    QStringLiteral("style"),
        QStringLiteral("dir"),         QStringLiteral("lang"),    QStringLiteral("start"),
        QStringLiteral("type"),        QStringLiteral("name"),    QStringLiteral("class"),
    };
    return set;
}

// Elements dropped with everything inside them.
const RX &dangerousBlocks() {
    static const RX rx(
        QStringLiteral("<(script|iframe|object|embed|applet|frameset|noscript|template|svg|math|title)\\b"
                       "[^>]*>.*?(</\\1\\s*>|$)"),
        RX::CaseInsensitiveOption | RX::DotMatchesEverythingOption);
    return rx;
}

// Elements dropped on their own (their content, if any, stays as text).
const QSet<QString> &droppedTags() {
    static const QSet<QString> set{
        QStringLiteral("link"),   QStringLiteral("meta"),     QStringLiteral("base"),
        QStringLiteral("form"),   QStringLiteral("input"),    QStringLiteral("button"),
        QStringLiteral("frame"),  QStringLiteral("textarea"), QStringLiteral("select"),
        QStringLiteral("option"), QStringLiteral("script"),   QStringLiteral("iframe"),
        QStringLiteral("object"), QStringLiteral("embed"),    QStringLiteral("audio"),
        QStringLiteral("video"),  QStringLiteral("source"),   QStringLiteral("track"),
        QStringLiteral("html"),   QStringLiteral("head"),     QStringLiteral("body")};
    return set;
}

} // namespace

bool HtmlSanitizer::isSafeLink(const QString &url) {
    const QUrl u(url.trimmed());
    const QString scheme = u.scheme().toLower();
    return u.isValid() && (scheme == QLatin1String("http") || scheme == QLatin1String("https") ||
                           scheme == QLatin1String("mailto"));
}

HtmlSanitizer::Result HtmlSanitizer::sanitize(const QString &input) {
    Result result;
    QString html = input;

    static const RX comments(QStringLiteral("<!--.*?(-->|$)"), RX::DotMatchesEverythingOption);
    html.remove(comments);

    {
        QString out;
        qsizetype pos = 0;
        auto it = dangerousBlocks().globalMatch(html);
        while (it.hasNext()) {
            const auto m = it.next();
            out += QStringView(html).mid(pos, m.capturedStart() - pos);
            pos = m.capturedEnd();
            if (m.captured(1).compare(QLatin1String("script"), Qt::CaseInsensitive) == 0)
                ++result.removedScripts;
        }
        out += QStringView(html).mid(pos);
        html = out;
    }

    // <style> may stay unless it reaches out (@import, url(...) to anything but inline data).
    {
        static const RX styles(QStringLiteral("<style\\b[^>]*>(.*?)(</style\\s*>|$)"),
                               RX::CaseInsensitiveOption | RX::DotMatchesEverythingOption);
        static const RX remoteCss(
            QStringLiteral("@import|url\\s*\\(\\s*['\"]?\\s*(?!data:)|expression\\s*\\(|behavior\\s*:"),
            RX::CaseInsensitiveOption);
        QString out;
        qsizetype pos = 0;
        auto it = styles.globalMatch(html);
        while (it.hasNext()) {
            const auto m = it.next();
            out += QStringView(html).mid(pos, m.capturedStart() - pos);
            pos = m.capturedEnd();
            if (remoteCss.match(m.captured(1)).hasMatch())
                ++result.blockedRemote;
            else
                out += m.captured(0);
        }
        out += QStringView(html).mid(pos);
        html = out;
    }

    // Every remaining tag is rebuilt from its allowed attributes.
    static const RX tag(QStringLiteral("<(/?)([A-Za-z][A-Za-z0-9:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>"));
    static const RX attribute(
        QStringLiteral("([^\\s\"'>/=]+)(?:\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s\"'=<>`]+)))?"));
    static const RX cssUrl(QStringLiteral("url\\s*\\(|expression\\s*\\(|@import"), RX::CaseInsensitiveOption);
    QString out;
    qsizetype pos = 0;
    auto it = tag.globalMatch(html);
    while (it.hasNext()) {
        const auto m = it.next();
        out += QStringView(html).mid(pos, m.capturedStart() - pos);
        pos = m.capturedEnd();
        const bool closing = !m.captured(1).isEmpty();
        const QString name = m.captured(2).toLower();
        if (droppedTags().contains(name))
            continue;
        if (closing) {
            out += QStringLiteral("</%1>").arg(name);
            continue;
        }
        QString rebuilt = QLatin1Char('<') + name;
        bool dropElement = false;
        auto attrs = attribute.globalMatch(m.captured(3));
        while (attrs.hasNext()) {
            const auto a = attrs.next();
            const QString key = a.captured(1).toLower();
            QString value = !a.captured(2).isNull()   ? a.captured(2)
                            : !a.captured(3).isNull() ? a.captured(3)
                                                      : a.captured(4);
            if (!allowedAttributes().contains(key))
                continue; // on* handlers, srcset, background, formaction, ...
            if (key == QLatin1String("src")) {
                if (isRemote(value)) {
                    if (name == QLatin1String("img")) {
                        dropElement = true;
                        ++result.blockedRemote;
                        break;
                    }
                    continue;
                }
            } else if (key == QLatin1String("href")) {
                if (!isSafeLink(value) && !value.trimmed().startsWith(QLatin1Char('#')))
                    continue; // javascript:, file:, data: ...
            } else if (key == QLatin1String("style")) {
                if (cssUrl.match(value).hasMatch()) {
                    ++result.blockedRemote;
                    continue;
                }
            }
            rebuilt += QStringLiteral(" %1=\"%2\"").arg(key, escapeAttribute(value));
        }
        if (dropElement)
            continue;
        rebuilt += QLatin1Char('>');
        out += rebuilt;
    }
    out += QStringView(html).mid(pos);
    result.html = out;
    return result;
}

} // namespace ui
