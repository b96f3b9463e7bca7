#include "SafeTextBrowser.h"

#include "HtmlSanitizer.h"

#include <QBuffer>
#include <QDesktopServices>
#include <QImageReader>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace ui {

namespace {

constexpr qint64 kMaxRemoteImageBytes = 5 * 1024 * 1024;
constexpr int kMaxImageSide = 8192;
constexpr qint64 kMaxImagePixels = 16 * 1024 * 1024;

// Decodes an image with a bound on its dimensions (a few bytes of PNG can declare gigapixels).
QImage decodeImage(const QByteArray &bytes, const QByteArray &format) {
    QBuffer buffer;
    buffer.setData(bytes);
    if (!buffer.open(QIODevice::ReadOnly))
        return {};
    QImageReader reader(&buffer, format);
    const QSize size = reader.size();
    if (!size.isValid() || size.width() > kMaxImageSide || size.height() > kMaxImageSide ||
        qint64(size.width()) * size.height() > kMaxImagePixels)
        return {};
    return reader.read();
}

QImage placeholderImage() {
    QImage image(1, 1, QImage::Format_ARGB32);
    image.fill(Qt::transparent);
    return image;
}

} // namespace

SafeTextBrowser::SafeTextBrowser(QWidget *parent)
    : QTextBrowser(parent) {
    setOpenLinks(false);
    setOpenExternalLinks(false);
    connect(this, &QTextBrowser::anchorClicked, this, &SafeTextBrowser::onAnchorClicked);
}

QVariant SafeTextBrowser::refuse(int type) {
    ++m_refused;
    if (type == QTextDocument::ImageResource)
        return placeholderImage();
    return QByteArray(""); // non-null: QTextDocument does not try to load it itself
}

QVariant SafeTextBrowser::loadResource(int type, const QUrl &name) {
    m_requested += name;
    const QString url = name.toString(QUrl::FullyEncoded);
    if (type != QTextDocument::ImageResource)
        return refuse(type);
    const QString data = HtmlSanitizer::canonicalDataImage(url);
    if (!data.isNull()) {
        const qsizetype comma = data.indexOf(u',');
        const QByteArray format = data.mid(11, data.indexOf(u';') - 11).toLatin1(); // after "data:image/"
        const QImage image = decodeImage(QByteArray::fromBase64(data.mid(comma + 1).toLatin1()), format);
        return image.isNull() ? refuse(type) : QVariant(image);
    }
    if (m_allowedRemote.contains(url)) {
        const auto it = m_remoteImages.constFind(url);
        if (it != m_remoteImages.constEnd() && !it->isNull())
            return *it;
        if (it == m_remoteImages.constEnd())
            fetchRemote(url);
        return placeholderImage(); // until it arrives
    }
    // cid: parts are not stored locally (attachment metadata only), everything else is refused.
    return refuse(type);
}

void SafeTextBrowser::setAllowedRemoteImages(const QStringList &urls) {
    m_allowedRemote = QSet<QString>(urls.cbegin(), urls.cend());
}

void SafeTextBrowser::fetchRemote(const QString &url) {
    if (m_pending.contains(url))
        return;
    if (!m_network)
        m_network = new QNetworkAccessManager(this);
    QNetworkRequest request{QUrl(url, QUrl::StrictMode)};
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    request.setMaximumRedirectsAllowed(3);
    request.setTransferTimeout(15000);
    QNetworkReply *reply = m_network->get(request);
    m_pending.insert(url);
    connect(reply, &QNetworkReply::downloadProgress, reply, [reply](qint64 received, qint64 total) {
        if (received > kMaxRemoteImageBytes || total > kMaxRemoteImageBytes)
            reply->abort();
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply, url] { remoteFinished(reply, url); });
}

void SafeTextBrowser::remoteFinished(QNetworkReply *reply, const QString &url) {
    reply->deleteLater();
    m_pending.remove(url);
    const QString scheme = reply->url().scheme();
    QImage image;
    if (reply->error() == QNetworkReply::NoError &&
        (scheme == QLatin1String("http") || scheme == QLatin1String("https")))
        image = decodeImage(reply->read(kMaxRemoteImageBytes), {});
    m_remoteImages.insert(url, image);
    if (image.isNull() || !m_allowedRemote.contains(url))
        return;
    document()->addResource(QTextDocument::ImageResource, QUrl(url, QUrl::StrictMode), image);
    document()->markContentsDirty(0, document()->characterCount());
}

void SafeTextBrowser::onAnchorClicked(const QUrl &url) {
    if (url.scheme() == QLatin1String(kActionScheme)) {
        Q_EMIT actionRequested(url);
        return;
    }
    if (!HtmlSanitizer::isSafeLink(url.toString()))
        return;
    Q_EMIT externalLinkRequested(url);
    if (m_openExternally)
        QDesktopServices::openUrl(url);
}

} // namespace ui
