#include "SafeTextBrowser.h"

#include "HtmlSanitizer.h"

#include <QDesktopServices>

namespace ui {

SafeTextBrowser::SafeTextBrowser(QWidget *parent)
    : QTextBrowser(parent) {
    setOpenLinks(false);
    setOpenExternalLinks(false);
    connect(this, &QTextBrowser::anchorClicked, this, &SafeTextBrowser::onAnchorClicked);
}

QVariant SafeTextBrowser::loadResource(int, const QUrl &) {
    ++m_refused;
    return {};
}

void SafeTextBrowser::onAnchorClicked(const QUrl &url) {
    if (!HtmlSanitizer::isSafeLink(url.toString()))
        return;
    Q_EMIT externalLinkRequested(url);
    if (m_openExternally)
        QDesktopServices::openUrl(url);
}

} // namespace ui
