#pragma once

#include <QString>

namespace ui {

// Makes a message's HTML safe to show in a QTextBrowser: no scripts, no remote content, no event handlers.
// Removes <script>, <iframe>, <object>, <embed>, <form>, <link>, <meta>, <base> and comments; drops <style>
// blocks that import or reference anything remote; drops every attribute not on an allow-list, on*
// handlers included; removes <img> whose source is remote; keeps only http/https/mailto links.
// Allow-list, not block-list (OWASP HTML Sanitizer Cheat Sheet: "use an allow-list").
class HtmlSanitizer final {
public:
    HtmlSanitizer() = delete;

    struct Result {
        QString html;
        int blockedRemote = 0; // remote images/styles removed
        int removedScripts = 0;
    };

    static Result sanitize(const QString &html);
    // Whether a link target may be offered to the system browser on click.
    static bool isSafeLink(const QString &url);
};

} // namespace ui
