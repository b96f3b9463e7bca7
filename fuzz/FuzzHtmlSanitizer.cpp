// libFuzzer target for ui::HtmlSanitizer (issue 11 part 5). Property: whatever the input, the sanitized
// fragment, parsed and laid out by QTextDocument (the parser the thread view uses), references no resource
// outside the allow-list: every resource the document asks for is an inline data:image/(png|gif|jpeg|webp),
// every image format names one, no background image, anchors only http/https/mailto. A violation aborts.
#include "HtmlSanitizer.h"

#include <QAbstractTextDocumentLayout>
#include <QGuiApplication>
#include <QTextDocument>
#include <QTextFormat>

#include <cstdio>
#include <cstdlib>

namespace {

[[noreturn]] void violation(const char *what, const QString &detail, const QString &html) {
    std::fprintf(stderr, "PROPERTY VIOLATED: %s: %s\nsanitized: %s\n", what, qPrintable(detail),
                 qPrintable(html));
    std::abort();
}

class RecordingDocument final : public QTextDocument {
public:
    QString html;
    QStringList remote; // the operator-allowed remote images (allowRemoteImages): the browser fetches those

protected:
    QVariant loadResource(int type, const QUrl &name) override {
        const QString url = name.toString(QUrl::FullyEncoded);
        if (type != QTextDocument::ImageResource ||
            (ui::HtmlSanitizer::canonicalDataImage(url).isNull() && !remote.contains(url)))
            violation("resource requested", url, html);
        QImage placeholder(1, 1, QImage::Format_ARGB32);
        placeholder.fill(Qt::transparent);
        return placeholder; // never decoded here: the property is about what is asked for
    }
};

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    static QGuiApplication app(*argc, *argv);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 64 * 1024)
        return 0;
    const QString input = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    ui::HtmlSanitizer::Options options;
    options.allowRemoteImages = size > 0 && (data[0] & 1); // both modes; remote URLs then checked below
    const ui::HtmlSanitizer::Result result = ui::HtmlSanitizer::sanitize(input, options);

    RecordingDocument doc;
    doc.html = result.html;
    doc.remote = result.remoteImageUrls;
    doc.setHtml(QStringLiteral("<html><body><div>") + result.html + QStringLiteral("</div></body></html>"));
    doc.setTextWidth(400);
    (void)doc.documentLayout()->documentSize(); // lays out: images are asked for now
    for (const QTextFormat &f : doc.allFormats()) {
        if (f.hasProperty(QTextFormat::BackgroundImageUrl))
            violation("background image", f.stringProperty(QTextFormat::BackgroundImageUrl), result.html);
        if (f.hasProperty(QTextFormat::ImageName)) {
            const QString name = f.stringProperty(QTextFormat::ImageName);
            if (ui::HtmlSanitizer::canonicalDataImage(name).isNull() &&
                !result.remoteImageUrls.contains(name))
                violation("image", name, result.html);
        }
        if (f.isCharFormat()) {
            const QString href = f.toCharFormat().anchorHref();
            if (!href.isEmpty() && !ui::HtmlSanitizer::isSafeLink(href))
                violation("link", href, result.html);
        }
    }
    for (const QString &remote : result.remoteImageUrls)
        if (ui::HtmlSanitizer::canonicalRemoteUrl(remote) != remote)
            violation("remote image url", remote, result.html);
    return 0;
}
