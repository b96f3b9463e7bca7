#pragma once

#include <QString>
#include <QStringList>

namespace ui {

// Makes a message's HTML safe to show in a QTextBrowser. The mail is parsed by a real HTML5 parser (gumbo,
// WHATWG "HTML Standard" §13.2 tree construction, so it sees the tags a browser would) and a fresh, canonical
// fragment is serialized from an allow-list of elements and attributes (OWASP HTML Sanitizer Cheat Sheet:
// "use an allow-list"): every text node and attribute value escaped, every attribute double-quoted,
// `style` reduced to allowed CSS properties whose values cannot reference anything, links only
// http/https/mailto, images only inline `data:image/(png|gif|jpeg|webp);base64` (and, when the operator
// asked for it for this message, http/https). What QTextDocument parses afterwards has no comments, no
// unquoted or unterminated attributes and no raw `<` in text, so its parser and gumbo cannot disagree.
// Pure string -> string (QtCore only); it lives in ui because only the admin shows mail.
class HtmlSanitizer final {
public:
    HtmlSanitizer() = delete;

    struct Options {
        // "Show remote images" for this message: keep <img src="http(s)://…">. Off by default.
        bool allowRemoteImages = false;
    };

    struct Result {
        QString html;                // a fragment (no <html>/<body>), to be placed inside a block element
        int blockedRemote = 0;       // remote images, style sheets, url() declarations removed
        int blockedRemoteImages = 0; // of which <img> with an http(s) source ("Show remote images" brings)
        int removedScripts = 0;      // <script> elements removed
        QStringList remoteImageUrls; // the http(s) image sources kept (allowRemoteImages only), canonical
    };

    static Result sanitize(const QString &html, const Options &options);
    static Result sanitize(const QString &html) { return sanitize(html, Options{}); }

    // Whether a link target may be offered to the system browser (http/https with a host, mailto).
    static bool isSafeLink(const QString &url);
    // The canonical form of an inline image `data:image/(png|gif|jpeg|webp);base64,<base64>`, or a null
    // string when `url` is anything else. Whitespace inside the URL is ignored (mail wraps long lines).
    static QString canonicalDataImage(const QString &url);
    // The canonical (fully encoded) form of an http/https URL with a host, or a null string.
    static QString canonicalRemoteUrl(const QString &url);
    // A style attribute reduced to allowed declarations (empty when none is left). `dropped`, when given,
    // receives how many declarations were removed because they could reference a resource.
    static QString sanitizeStyle(const QString &style, int *droppedRemote = nullptr);
};

} // namespace ui
