#include "ThreadView.h"

#include "HtmlSanitizer.h"
#include "SafeTextBrowser.h"

#include <QLabel>
#include <QLocale>
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
    showMessage(tr("Select a thread to read it."));
}

QString ThreadView::renderHtml(const QList<db::ThreadMessage> &messages, int *blockedRemote) {
    const QLocale locale;
    int blocked = 0;
    QString html = QStringLiteral("<html><body>");
    for (const db::ThreadMessage &m : messages) {
        html +=
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
        html += QStringLiteral("</table>");
        if (!m.bodyHtml.isNull()) {
            const HtmlSanitizer::Result clean = HtmlSanitizer::sanitize(m.bodyHtml);
            blocked += clean.blockedRemote;
            if (clean.blockedRemote > 0)
                html += QStringLiteral("<p><i>%1</i></p>")
                            .arg(tr("Remote content (%n item(s)) was blocked.", nullptr, clean.blockedRemote)
                                     .toHtmlEscaped());
            html += QStringLiteral("<div>%1</div>").arg(clean.html);
        } else {
            html += QStringLiteral("<pre style=\"white-space: pre-wrap\">%1</pre>")
                        .arg(m.bodyText.toHtmlEscaped());
        }
        if (!m.attachments.isEmpty()) {
            html += QStringLiteral("<p><b>%1</b></p><ul>").arg(tr("Attachments").toHtmlEscaped());
            for (const db::AttachmentInfo &a : m.attachments)
                html += QStringLiteral("<li>%1 (%2, %3)</li>")
                            .arg(a.filename.toHtmlEscaped(), a.mimeType.toHtmlEscaped(), formatSize(a.size));
            html += QStringLiteral("</ul>");
        }
        html += QStringLiteral("<hr/>");
    }
    html += QStringLiteral("</body></html>");
    if (blockedRemote)
        *blockedRemote = blocked;
    return html;
}

void ThreadView::showThread(const QString &subject, const QList<db::ThreadMessage> &messages) {
    m_subject->setText(subject.isEmpty() ? tr("(no subject)") : subject);
    m_browser->setHtml(renderHtml(messages));
}

void ThreadView::showMessage(const QString &text) {
    m_subject->clear();
    m_browser->setPlainText(text);
}

void ThreadView::clear() {
    showMessage(tr("Select a thread to read it."));
}

} // namespace ui
