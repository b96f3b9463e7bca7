#pragma once

#include <QHash>
#include <QImage>
#include <QSet>
#include <QTextBrowser>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace ui {

// A QTextBrowser that loads nothing it did not produce itself. loadResource() answers every request with a
// value, so QTextDocument never falls back to its own loading (local files, relative paths, qrc:):
// - an inline `data:image/(png|gif|jpeg|webp);base64` image is decoded here (size-capped);
// - an http(s) image the operator allowed for this message (setAllowedRemoteImages) is fetched here,
//   asynchronously, and shown when it arrives;
// - anything else gets a 1×1 transparent image (image requests) or empty bytes (style sheets, …). A null
//   image would not do: QTextImageHandler then tries QImage::load(name) on the name itself ("try direct
//   loading"), i.e. reads a local file.
// Links are not followed inside the widget; a clicked http/https/mailto link goes to the system browser,
// a `gsa-action:` link (put into the document by the application, never by a message) is announced.
class SafeTextBrowser final : public QTextBrowser {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SafeTextBrowser)
public:
    explicit SafeTextBrowser(QWidget *parent = nullptr);

    QVariant loadResource(int type, const QUrl &name) override;

    // The http(s) image URLs (canonical, as HtmlSanitizer::Result::remoteImageUrls) that may be fetched.
    void setAllowedRemoteImages(const QStringList &urls);

    static constexpr auto kActionScheme = "gsa-action";

    // Test hooks: every resource the document asked for, and how many got nothing (the placeholder).
    QList<QUrl> requestedResources() const { return m_requested; }
    int refusedResources() const { return m_refused; }
    void clearResourceLog() {
        m_requested.clear();
        m_refused = 0;
    }

    // Test hook: with false, a clicked link is only announced (externalLinkRequested), not opened.
    void setOpenLinksExternally(bool open) { m_openExternally = open; }

Q_SIGNALS:
    void externalLinkRequested(const QUrl &url);
    void actionRequested(const QUrl &url);

private:
    void onAnchorClicked(const QUrl &url);
    QVariant refuse(int type);
    void fetchRemote(const QString &url);
    void remoteFinished(QNetworkReply *reply, const QString &url);

    QList<QUrl> m_requested;
    int m_refused = 0;
    bool m_openExternally = true;
    QSet<QString> m_allowedRemote;
    QHash<QString, QImage> m_remoteImages; // fetched (a null image: failed, not retried)
    QSet<QString> m_pending;
    QNetworkAccessManager *m_network = nullptr;
};

} // namespace ui
