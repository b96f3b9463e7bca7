#include "ThreadView.h"

#include "HtmlSanitizer.h"
#include "SafeTextBrowser.h"

#include <QLabel>
#include <QLocale>
#include <QUrlQuery>
#include <QVBoxLayout>

namespace ui {

namespace {

QString formatAddress(const QString &name, const QString &address) {
    if (name.isEmpty())
        return address;
    return QStringLiteral("%1 <%2>").arg(name, address);
}

QString formatSize(qint64 bytes) {
    return QLocale().formattedDataSize(bytes);
}

} // namespace

ThreadView::ThreadView(QWidget *parent)
    : QWidget(parent)
    , m_subject(new QLabel(this))
    , m_browser(new SafeTextBrowser(this)) {
    m_subject->setObjectName(QStringLiteral("threadSubject"));
    m_browser->setObjectName(QStringLiteral("threadBrowser"));
    QFont font = m_subject->font();
    font.setPointSizeF(font.pointSizeF() * 1.3);
    font.setBold(true);
    m_subject->setFont(font);
    m_subject->setWordWrap(true);
    m_subject->setTextFormat(Qt::PlainText);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_subject);
    layout->addWidget(m_browser, 1);
    connect(m_browser, &SafeTextBrowser::actionRequested, this, &ThreadView::onAction);
    showMessage(tr("Select a thread to read it."));
}

QString ThreadView::renderHtml(const QList<db::ThreadMessage> &messages, int *blockedRemote,
                               const QSet<int> &remoteAllowed, QStringList *remoteImageUrls) {
    int blocked = 0;
    QString html = QStringLiteral("<html><body>");
    for (qsizetype index = 0; index < messages.size(); ++index) {
        const db::ThreadMessage &m = messages.at(index);
        html += headerTable(m);
        if (!m.bodyHtml.isNull()) {
            HtmlSanitizer::Options options;
            options.allowRemoteImages = remoteAllowed.contains(int(index));
            const HtmlSanitizer::Result clean = HtmlSanitizer::sanitize(m.bodyHtml, options);
            blocked += clean.blockedRemote;
            if (remoteImageUrls)
                *remoteImageUrls += clean.remoteImageUrls;
            html += blockedNotice(clean.blockedRemote, clean.blockedRemoteImages, int(index));
            html += QStringLiteral("<div>%1</div>").arg(clean.html);
        } else {
            html += QStringLiteral("<pre style=\"white-space: pre-wrap\">%1</pre>")
                        .arg(m.bodyText.toHtmlEscaped());
        }
        html += attachmentList(m);
        html += QStringLiteral("<hr/>");
    }
    html += QStringLiteral("</body></html>");
    if (blockedRemote)
        *blockedRemote = blocked;
    return html;
}

QString ThreadView::headerTable(const db::ThreadMessage &m) {
    const QLocale locale;
    QString html =
        QStringLiteral("<table width=\"100%\" cellspacing=\"0\" cellpadding=\"4\" bgcolor=\"#eef2f7\">");
    auto row = [&html](const QString &label, const QString &value) {
        if (value.isEmpty())
            return;
        html += QStringLiteral("<tr><td width=\"80\"><b>%1</b></td><td>%2</td></tr>")
                    .arg(label.toHtmlEscaped(), value.toHtmlEscaped());
    };
    row(tr("From"), formatAddress(m.fromName, m.fromAddress));
    row(tr("To"), m.to.join(QStringLiteral(", ")));
    row(tr("Cc"), m.cc.join(QStringLiteral(", ")));
    row(tr("Reply-To"), m.replyTo);
    const QDateTime date = m.sentAt.isValid() ? m.sentAt : m.internalDate;
    row(tr("Date"), locale.toString(date.toLocalTime(), QLocale::LongFormat));
    row(tr("Subject"), m.subject);
    row(tr("Labels"), m.labels.join(QStringLiteral(", ")));
    return html + QStringLiteral("</table>");
}

QString ThreadView::blockedNotice(int blockedRemote, int blockedRemoteImages, int index) {
    if (blockedRemote <= 0)
        return {};
    QString html =
        QStringLiteral("<p><i>%1</i>")
            .arg(tr("Remote content (%n item(s)) was blocked.", nullptr, blockedRemote).toHtmlEscaped());
    // The only link in the document that is not the message's own: an application action.
    if (blockedRemoteImages > 0)
        html += QStringLiteral(" <a href=\"%1:show-remote-images?message=%2\">%3</a>")
                    .arg(QLatin1String(SafeTextBrowser::kActionScheme))
                    .arg(index)
                    .arg(tr("Show remote images").toHtmlEscaped());
    return html + QStringLiteral("</p>");
}

QString ThreadView::attachmentList(const db::ThreadMessage &m) {
    if (m.attachments.isEmpty())
        return {};
    QString html = QStringLiteral("<p><b>%1</b></p><ul>").arg(tr("Attachments").toHtmlEscaped());
    for (const db::AttachmentInfo &a : m.attachments)
        html += QStringLiteral("<li>%1 (%2, %3)</li>")
                    .arg(a.filename.toHtmlEscaped(), a.mimeType.toHtmlEscaped(), formatSize(a.size));
    return html + QStringLiteral("</ul>");
}

void ThreadView::showThread(const QString &subject, const QList<db::ThreadMessage> &messages) {
    m_subject->setText(subject.isEmpty() ? tr("(no subject)") : subject);
    m_messages = messages;
    m_remoteAllowed.clear();
    render();
}

void ThreadView::showRemoteImages(int index) {
    if (index < 0 || index >= m_messages.size() || m_remoteAllowed.contains(index))
        return;
    m_remoteAllowed.insert(index);
    render();
}

void ThreadView::render() {
    QStringList remoteImages;
    const QString html = renderHtml(m_messages, nullptr, m_remoteAllowed, &remoteImages);
    m_browser->setAllowedRemoteImages(remoteImages);
    m_browser->setHtml(html);
}

void ThreadView::onAction(const QUrl &url) {
    if (url.path() != QLatin1String("show-remote-images"))
        return;
    bool ok = false;
    const int index = QUrlQuery(url).queryItemValue(QStringLiteral("message")).toInt(&ok);
    if (ok)
        showRemoteImages(index);
}

void ThreadView::showMessage(const QString &text) {
    m_subject->clear();
    m_messages.clear();
    m_remoteAllowed.clear();
    m_browser->setAllowedRemoteImages({});
    m_browser->setPlainText(text);
}

void ThreadView::clear() {
    showMessage(tr("Select a thread to read it."));
}

} // namespace ui
