#pragma once

#include <QTextBrowser>
#include <QUrl>

namespace ui {

// A QTextBrowser that loads nothing: every resource the document asks for (images, style sheets) is refused,
// so showing a message can never reach the network or the disk. Links are not followed inside the widget;
// a clicked http/https/mailto link goes to the system browser.
class SafeTextBrowser final : public QTextBrowser {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SafeTextBrowser)
public:
    explicit SafeTextBrowser(QWidget *parent = nullptr);

    QVariant loadResource(int type, const QUrl &name) override;

    // Test hook: how many resources the document asked for (and did not get).
    int refusedResources() const { return m_refused; }

    // Test hook: with false, a clicked link is only announced (externalLinkRequested), not opened.
    void setOpenLinksExternally(bool open) { m_openExternally = open; }

Q_SIGNALS:
    void externalLinkRequested(const QUrl &url);

private:
    void onAnchorClicked(const QUrl &url);

    int m_refused = 0;
    bool m_openExternally = true;
};

} // namespace ui
